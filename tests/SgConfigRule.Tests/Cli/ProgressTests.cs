using SgConfigRule.Cli;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// A progress line on standard error while a scan's report goes to a file or a pipe and a person watches the
/// terminal; erased at the end; never in a log (standard error redirected), never over a report on the terminal, never
/// with --quiet (issue 17).
/// </summary>
public sealed class ProgressTests
{
    private static (int Code, string Error) Scan(bool errorIsTerminal, bool outputIsTerminal, params string[] extra)
    {
        var error = new StringWriter();
        var terminal = new Terminal(new StringWriter(), error, false, () => new MemoryStream())
        {
            ErrorIsTerminal = errorIsTerminal,
            OutputIsTerminal = outputIsTerminal,
        };
        return (CliApp.Run(["scan", "--format", "json", .. extra], terminal), error.ToString());
    }

    [Fact]
    public void A_person_watching_sees_progress_that_is_erased_at_the_end()
    {
        var (code, error) = Scan(errorIsTerminal: true, outputIsTerminal: false);
        Assert.True(code == ExitCodes.NonCompliant, error);
        Assert.Contains("resources read", error, StringComparison.Ordinal);
        Assert.StartsWith("\r", error, StringComparison.Ordinal);
        // Erased: the last thing written to the line is spaces and a carriage return.
        var lastLine = error[(error.LastIndexOf('\r', error.Length - 2) + 1)..];
        Assert.Equal("", lastLine.Trim());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void No_progress_in_a_log_or_over_a_report_on_the_terminal(bool errorIsTerminal, bool outputIsTerminal) =>
        Assert.DoesNotContain("resources read", Scan(errorIsTerminal, outputIsTerminal).Error, StringComparison.Ordinal);

    [Fact]
    public void Quiet_means_no_progress() =>
        Assert.DoesNotContain("resources read", Scan(errorIsTerminal: true, outputIsTerminal: false, "--quiet").Error, StringComparison.Ordinal);
}
