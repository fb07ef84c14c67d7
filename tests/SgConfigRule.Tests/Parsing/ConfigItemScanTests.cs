using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.Input;
using SgConfigRule.Tests.Reliability;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The hand-written scan of a Config item's envelope (<see cref="ConfigItemFastReader.TryScan"/>), which unescapes the
/// configuration string while it checks it: on what the AWS CLI prints it takes every item, and on anything else —
/// damaged text, escapes it does not take, items cut short — its answer is the canonical reader's, or none.
/// </summary>
public sealed class ConfigItemScanTests
{
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("SGCR_FUZZ_CASES"), out var n) && n > 0 ? n : 4000;

    private static readonly JsonSerializerOptions AsAwsCli = AwsCliShape.Escaping;

    [Fact]
    public void Every_item_the_AWS_CLI_prints_is_scanned_and_read_as_the_canonical_reader_reads_it()
    {
        var random = new Random(161);
        for (var i = 0; i < 500; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(AwsCliShape.Item(random, i).ToJsonString(AsAwsCli));
            var scanned = ConfigItemFastReader.TryScan(bytes, out var consumed);
            Assert.True(scanned is not null, $"item {i} was not scanned: {Encoding.UTF8.GetString(bytes)}");
            Assert.Equal(bytes.Length, consumed);
            Assert.Equal(StreamingReaderTests.Describe(StreamingReaderTests.ReadWhole(bytes)), StreamingReaderTests.Describe([ReadResult.Read(scanned!)]));
        }
    }

    /// <summary>
    /// The configuration string's own escapes (the outer ones; the group's JSON inside has its own, which the group
    /// reader reads either way): each one-character escape is unescaped as the JSON reader unescapes it; a \u escape
    /// is left to the JSON reader.
    /// </summary>
    [Theory]
    [InlineData("", "", true)]                                                   // \" and \\ only, as the AWS CLI writes them
    [InlineData("a/b", "a\\/b", true)]                                          // \/
    [InlineData(",\\\"ipPermissions", ",\\n\\t\\r\\\"ipPermissions", true)]        // line breaks and a tab between the group's tokens
    [InlineData("groupId", "group\\u0049d", false)]                              // \u: the JSON reader's
    [InlineData("caf\u00e9", "caf\\u00e9", false)]
    [InlineData("smile X", "smile \\ud83d\\ude00", false)]                        // a surrogate pair
    [InlineData("smile X", "smile \U0001F600", true)]                             // UTF-8 as it is
    public void Escapes_of_the_configuration_string_are_unescaped_as_the_JSON_reader_does_or_left_to_it(string plain, string escaped, bool scanned)
    {
        var group = new JsonObject { ["groupId"] = "sg-1", ["description"] = "a \"quoted\" back\\slash, a/b caf\u00e9 smile X", ["ipPermissions"] = new JsonArray() };
        // The configuration string as the AWS CLI writes it, then one part of it written another way.
        var configuration = JsonSerializer.Serialize(group.ToJsonString(AsAwsCli), AsAwsCli);
        Assert.Contains(plain, configuration, StringComparison.Ordinal);
        if (plain.Length > 0) configuration = configuration.Replace(plain, escaped, StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes($"{{\"resourceType\": \"AWS::EC2::SecurityGroup\", \"resourceId\": \"sg-1\", \"configuration\": {configuration}}}");
        var canonical = StreamingReaderTests.Describe(StreamingReaderTests.ReadWhole(bytes));
        Assert.DoesNotContain(canonical, line => line.StartsWith("error", StringComparison.Ordinal));
        var scan = ConfigItemFastReader.TryScan(bytes, out _);
        Assert.Equal(scanned, scan is not null);
        if (scan is not null) Assert.Equal(canonical, StreamingReaderTests.Describe([ReadResult.Read(scan)]));
        // Either way, the fast reader's answer is the canonical one.
        Assert.Equal(canonical, StreamingReaderTests.Describe([ReadResult.Read(ConfigItemFastReader.TryRead(bytes)!)]));
    }

    /// <summary>
    /// What the envelope says, one field changed at a time (found by mutation testing: nothing checked that the scan
    /// refuses a deleted item or another type, or that it reads nulls as the JSON reader does): the scan takes the plain
    /// cases with the canonical meaning and leaves the rest to the JSON reader, whose answer is the canonical one.
    /// </summary>
    [Theory]
    [InlineData("\"configurationItemStatus\": \"OK\"", "\"configurationItemStatus\": \"ResourceDeleted\"", false)]
    [InlineData("\"configurationItemStatus\": \"OK\"", "\"configurationItemStatus\": \"ResourceNotRecorded\"", false)]
    [InlineData("\"configurationItemStatus\": \"OK\"", "\"configurationItemStatus\": null", true)]
    [InlineData("\"resourceType\": \"AWS::EC2::SecurityGroup\"", "\"resourceType\": \"AWS::EC2::Instance\"", false)]
    [InlineData("\"resourceType\": \"AWS::EC2::SecurityGroup\"", "\"resourceType\": null", false)]
    [InlineData("\"arn\": \"arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1\"", "\"arn\": null", true)]
    [InlineData("\"accountId\": \"111122223333\"", "\"accountId\": null", true)]
    [InlineData("\"accountId\": \"111122223333\"", "\"accountId\": {}", false)]
    [InlineData("\"awsRegion\": \"eu-west-1\"", "\"awsRegion\": null", true)]
    [InlineData("\"configurationItemCaptureTime\": \"2026-11-30T10:15:42.908208+00:00\"", "\"configurationItemCaptureTime\": null", true)]
    [InlineData("\"configurationItemCaptureTime\": \"2026-11-30T10:15:42.908208+00:00\"", "\"configurationItemCaptureTime\": 1796000000.5", false)]
    [InlineData("\"resourceId\": \"sg-1\"", "\"resourceId\": \"sg-2\"", false)]
    [InlineData("\"resourceId\": \"sg-1\"", "\"resourceId\": null", true)]
    [InlineData("\"resourceName\": \"named\"", "\"resourceName\": null", true)]
    [InlineData("\"supplementaryConfiguration\": {}", "\"supplementaryConfiguration\": { }", true)]
    [InlineData("\"supplementaryConfiguration\": {}", "\"supplementaryConfiguration\": {\"a\": 1}", false)]
    [InlineData("\"supplementaryConfiguration\": {}", "\"supplementaryConfiguration\": null", true)]
    [InlineData("\"version\": \"1.3\"", "\"version\": 1.3", false)]
    [InlineData("\"version\": \"1.3\"", "\"version\": nul", false)]
    [InlineData("\"version\": \"1.3\"", "\"version\": nullx", false)]
    public void Each_envelope_field_is_read_as_the_canonical_reader_reads_it_or_left_to_the_JSON_reader(string plain, string changed, bool scanned)
    {
        // No groupName in the configuration: the item's resourceName names the group, as the canonical reader does.
        var item = "{\"version\": \"1.3\", \"accountId\": \"111122223333\", \"configurationItemCaptureTime\": \"2026-11-30T10:15:42.908208+00:00\", " +
                   "\"configurationItemStatus\": \"OK\", \"arn\": \"arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1\", " +
                   "\"resourceType\": \"AWS::EC2::SecurityGroup\", \"resourceId\": \"sg-1\", \"resourceName\": \"named\", \"awsRegion\": \"eu-west-1\", " +
                   "\"configuration\": \"{\\\"groupId\\\":\\\"sg-1\\\",\\\"ipPermissions\\\":[{\\\"ipProtocol\\\":\\\"tcp\\\",\\\"fromPort\\\":22,\\\"toPort\\\":22,\\\"ipRanges\\\":[\\\"0.0.0.0/0\\\"]}]}\", " +
                   "\"supplementaryConfiguration\": {}}";
        Assert.Contains(plain, item, StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(item.Replace(plain, changed, StringComparison.Ordinal));
        var canonical = StreamingReaderTests.Describe(StreamingReaderTests.ReadWhole(bytes));
        var scan = ConfigItemFastReader.TryScan(bytes, out var consumed);
        Assert.Equal(scanned, scan is not null);
        if (scan is not null)
        {
            Assert.Equal(bytes.Length, consumed);
            Assert.Equal(canonical, StreamingReaderTests.Describe([ReadResult.Read(scan)]));
            if (!changed.Contains("resourceName", StringComparison.Ordinal)) Assert.Contains("name=named", canonical[0], StringComparison.Ordinal);
        }
        // Left to the JSON reader: its answer, when it has one, is the canonical one.
        if (ConfigItemFastReader.TryRead(bytes) is { } read) Assert.Equal(canonical, StreamingReaderTests.Describe([ReadResult.Read(read)]));
    }

    [Fact]
    public void An_item_cut_short_anywhere_is_never_scanned()
    {
        var bytes = Encoding.UTF8.GetBytes(AwsCliShape.Item(new Random(5), 0).ToJsonString(AsAwsCli));
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Null(ConfigItemFastReader.TryScan(bytes.AsSpan(0, length), out _));
        }
        Assert.NotNull(ConfigItemFastReader.TryScan(bytes, out _));
    }

    /// <summary>
    /// Bytes changed, inserted or removed anywhere in AWS CLI items — in the envelope and inside the configuration
    /// string, where an escape, a quote, a control character or a stray UTF-8 byte lands — and JSON-aware mutations:
    /// the scan agrees with the canonical reader or declines, and does both often.
    /// </summary>
    [Fact]
    public void On_damaged_items_the_scan_agrees_with_the_canonical_reader_or_declines()
    {
        var random = new Random(162);
        ReadOnlySpan<byte> specials = "\"\\/ubfnrt{}[],:0 \n\t\u0001\u007f"u8;
        int accepted = 0, declined = 0;
        for (var i = 0; i < Cases; i++)
        {
            var seed = AwsCliShape.Item(random, i);
            byte[] bytes;
            string kind;
            if (random.Next(3) == 0)
            {
                (kind, var json) = Mutations.Apply(seed.ToJsonString(AsAwsCli), random);
                bytes = Encoding.UTF8.GetBytes(json);
            }
            else
            {
                var text = Encoding.UTF8.GetBytes(seed.ToJsonString(AsAwsCli)).ToList();
                var at = random.Next(text.Count);
                var replacement = random.Next(4) == 0 ? (byte)random.Next(0x80, 0x100) : specials[random.Next(specials.Length)];
                switch (random.Next(3))
                {
                    case 0: text[at] = replacement; kind = $"byte {at} replaced"; break;
                    case 1: text.Insert(at, replacement); kind = $"byte inserted at {at}"; break;
                    default: text.RemoveAt(at); kind = $"byte {at} removed"; break;
                }
                bytes = [.. text];
            }
            if (ConfigItemFastReader.TryScan(bytes, out var consumed) is not { } scanned || !bytes.AsSpan(consumed).TrimStart(" \t\r\n"u8).IsEmpty)
            {
                declined++;
                continue;
            }
            accepted++;
            var canonical = StreamingReaderTests.Describe(StreamingReaderTests.ReadWhole(bytes));
            var scan = StreamingReaderTests.Describe([ReadResult.Read(scanned)]);
            Assert.True(canonical.SequenceEqual(scan),
                $"case {i} ({kind}): the scan read\n{string.Join("\n", scan)}\nthe canonical reader\n{string.Join("\n", canonical)}\ninput: {Encoding.UTF8.GetString(bytes)}");
        }
        Assert.True(accepted > Cases / 20 && declined > Cases / 20, $"accepted {accepted}, declined {declined}: both paths should be exercised");
    }
}
