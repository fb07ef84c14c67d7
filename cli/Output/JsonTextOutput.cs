using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SgConfigRule.Cli.Output;

/// <summary>
/// A JSON document written incrementally to a text writer: the reports' shared way out (JSON, SARIF). Bytes gather in
/// a buffer and go out once 64 KB are pending: as they are to a UTF-8 stream writer (redirected standard output), else
/// decoded into one reused character buffer — a string per flush (128 KB, on the large-object heap) cost a tenth of a
/// 100k scan.
/// </summary>
internal sealed class JsonTextOutput(TextWriter output, bool indented) : IDisposable
{
    private const int FlushThreshold = 64 * 1024;
    private readonly ArrayBufferWriter<byte> buffer = new(FlushThreshold * 2);
    private char[] characters = new char[FlushThreshold * 2];
    private Utf8JsonWriter? json;

    public Utf8JsonWriter Json => json ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented });

    /// <summary>Between resources: writes out what is pending once there is enough of it.</summary>
    public void FlushIfFull()
    {
        if (Json.BytesPending + buffer.WrittenCount >= FlushThreshold) Flush();
    }

    /// <summary>At the end of the document: writes out everything, then a line break.</summary>
    public void Finish()
    {
        Flush();
        output.WriteLine();
        output.Flush();
    }

    private void Flush()
    {
        Json.Flush();
        if (output is StreamWriter { Encoding: UTF8Encoding } utf8Writer && utf8Writer.Encoding.Preamble.IsEmpty)
        {
            // Redirected standard output is UTF-8 already: the bytes go straight to its stream, after whatever the
            // writer holds, instead of being decoded to characters and encoded back (two passes over a 32 MB report).
            utf8Writer.Flush();
            utf8Writer.BaseStream.Write(buffer.WrittenSpan);
            buffer.ResetWrittenCount();
            return;
        }
        var needed = Encoding.UTF8.GetMaxCharCount(buffer.WrittenCount);
        if (characters.Length < needed) characters = new char[needed];
        var count = Encoding.UTF8.GetChars(buffer.WrittenSpan, characters);
        output.Write(characters, 0, count);
        buffer.ResetWrittenCount();
    }

    public void Dispose() => json?.Dispose();
}
