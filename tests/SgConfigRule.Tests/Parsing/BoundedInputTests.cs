using System.Text;
using SgConfigRule.Input;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// Input that never ends or is not JSON at all — a binary file, one enormous string, /dev/zero — ends in one error
/// and bounded reading, never an out-of-memory crash or a hang (issue 16).
/// </summary>
public sealed class BoundedInputTests
{
    /// <summary>A prefix, then <paramref name="fill"/> forever; counts what was read.</summary>
    private sealed class EndlessStream(byte[] prefix, byte fill) : SgConfigRule.Input.ForwardOnlyStream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++) buffer[offset + i] = BytesRead + i < prefix.Length ? prefix[BytesRead + i] : fill;
            BytesRead += count;
            return count;
        }
    }

    public static TheoryData<string, string, byte, long, string> Cases => new()
    {
        // name, prefix, fill, most bytes read, the error says
        { "/dev/zero", "", 0, 1 << 20, "invalid JSON at line 1, byte 1" },
        { "a binary file", "\u0001\u00ff\u0010", 0x7f, 1 << 20, "invalid JSON at line 1, byte 1" },
        { "JSON, then binary", "{\"SecurityGroups\": [{\"GroupId\": \"sg-1\", \"IpPermissions\": []}, \u0001", 0x01, 1 << 20, "invalid JSON" },
        { "one endless string in a list", "{\"SecurityGroups\": [\"", (byte)'A', 2L * JsonTokenStream.MaxValueBytes, "a single JSON value larger than 64 MB" },
        { "one endless string read whole", "{\"configurationItems\": [\"", (byte)'A', 2L * JsonTokenStream.MaxWholeTextBytes, "a text read whole larger than 128 MB" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Endless_or_binary_input_is_one_error_after_a_bounded_read(string name, string prefix, byte fill, long mostBytes, string says)
    {
        var stream = new EndlessStream(Encoding.Latin1.GetBytes(prefix), fill);
        var results = InputStreamReader.Read(stream).Take(10).ToList();
        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.Contains(says, error.Problem);
        Assert.True(stream.BytesRead <= mostBytes, $"{name}: read {stream.BytesRead:N0} bytes");
        Assert.Equal(results.Count - 1, results.Count(r => r.Item is not null));
    }
}
