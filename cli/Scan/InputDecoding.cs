using System.IO.Compression;
using SgConfigRule.Input;

namespace SgConfigRule.Cli.Scan;

/// <summary>
/// Input as it arrives: plain, or gzip-compressed as AWS Config delivers its snapshot and history files to S3 — told
/// apart by the first two bytes (gzip's magic number), never by the name, so a pipe or a renamed file reads too.
/// </summary>
public static class InputDecoding
{
    public static Stream Decode(Stream raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var head = new byte[2];
        var length = 0;
        while (length < head.Length && raw.Read(head, length, head.Length - length) is var n && n > 0) length += n;
        var replayed = new ConcatenatedStream([head.AsMemory(0, length)], raw);
        return length == 2 && head[0] == 0x1f && head[1] == 0x8b ? new GzipInput(replayed) : replayed;
    }

    /// <summary>gzip that reports corrupt data as the read failure it is (an <see cref="IOException"/>), like a truncated file.</summary>
    private sealed class GzipInput(Stream compressed) : ForwardOnlyStream
    {
        private readonly GZipStream gzip = new(compressed, CompressionMode.Decompress);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return gzip.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new IOException($"the gzip data is damaged: {e.Message}", e);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) gzip.Dispose();
            base.Dispose(disposing);
        }
    }
}
