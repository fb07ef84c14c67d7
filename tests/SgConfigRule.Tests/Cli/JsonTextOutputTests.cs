using System.Text;
using SgConfigRule.Cli.Output;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// The reports' JSON way out: to a UTF-8 stream writer (redirected standard output) its bytes go straight to the
/// stream; to any other writer they are decoded to characters. Either way the text, and its order among whatever else
/// the writer is given, is the same.
/// </summary>
public sealed class JsonTextOutputTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(6000)] // several 64 KB flushes
    public void A_UTF8_stream_writer_gets_the_text_any_writer_gets_in_the_same_order(int values)
    {
        var text = new StringWriter();
        Write(text, values);
        var expected = text.ToString();

        var direct = new MemoryStream();
        using (var writer = new StreamWriter(direct, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1024, leaveOpen: true)) Write(writer, values);
        Assert.Equal(expected, Encoding.UTF8.GetString(direct.ToArray()));

        // A writer that starts its stream with a byte-order mark is written as text, mark first, as it always was.
        var marked = new MemoryStream();
        using (var writer = new StreamWriter(marked, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1024, leaveOpen: true)) Write(writer, values);
        Assert.Equal([0xEF, 0xBB, 0xBF], marked.ToArray()[..3]);
        Assert.Equal(expected, Encoding.UTF8.GetString(marked.ToArray()[3..]));
    }

    private static void Write(TextWriter writer, int values)
    {
        writer.Write("before, ");
        var output = new JsonTextOutput(writer, indented: false);
        output.Json.WriteStartArray();
        for (var i = 0; i < values; i++)
        {
            output.Json.WriteStringValue($"caf\u00e9 {i}, \U0001F600 \"quoted\" and a long tail to fill the buffer");
            output.FlushIfFull();
        }
        output.Json.WriteEndArray();
        output.Finish();
        writer.Write("after");
        writer.Flush();
        output.Dispose();
    }
}
