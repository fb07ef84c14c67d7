namespace SgConfigRule.Tests.Support;

/// <summary>
/// Captured log text that several threads may write at once (concurrent invocations of one function share their
/// harness's log) while a test reads it. <see cref="Writer"/> is <see cref="TextWriter.Synchronized"/> over a
/// <see cref="StringWriter"/>: every member — <c>WriteLine(string)</c> included, so lines never interleave — runs
/// under the wrapper's own monitor (<c>MethodImplOptions.Synchronized</c>), and <see cref="ToString"/> takes the
/// same monitor, so a read never sees a half-grown buffer. A bare <see cref="StringWriter"/> is not thread-safe: its
/// <see cref="System.Text.StringBuilder"/> fails with "Destination is too short" or loses text under concurrent writes.
/// <see cref="LogCaptureTests"/> holds this to it.
/// </summary>
internal sealed class LogCapture
{
    private readonly System.Text.StringBuilder text = new();

    public LogCapture() => Writer = TextWriter.Synchronized(new StringWriter(text, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>What the code under test writes to.</summary>
    public TextWriter Writer { get; }

    /// <summary>Everything written so far.</summary>
    public override string ToString()
    {
        lock (Writer) return text.ToString();
    }
}
