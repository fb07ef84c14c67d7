using SgConfigRule.Cli;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// What a new user meets when something is wrong: one line naming the problem, exit 2 — never a stack trace, and never
/// exit 1, which a pipeline reads as "a group is NON_COMPLIANT". Each case was a defect (issue 17).
/// </summary>
public sealed class CliErrorTests
{
    private static void AssertInputError(CliRunner.Outcome run, string problem)
    {
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains(problem, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bare_command_shows_help_and_does_not_pass_for_success()
    {
        var run = CliRunner.Run();
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        Assert.Contains("Usage:", run.Out, StringComparison.Ordinal);
        Assert.Contains("scan", run.Out, StringComparison.Ordinal);
        Assert.Contains("invoke", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("scan")]
    [InlineData("invoke", "rule")]
    [InlineData("invoke", "remediation")]
    public void An_unknown_option_is_not_taken_for_a_file(params string[] command)
    {
        var run = CliRunner.Run([.. command, "--bogus"]);
        AssertInputError(run, "error: unknown option '--bogus'");
        Assert.DoesNotContain("cannot read", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void A_file_whose_name_starts_with_a_dash_is_reached_with_a_path()
    {
        var folder = Directory.CreateTempSubdirectory("sgcr-dash-").FullName;
        File.WriteAllText(Path.Combine(folder, "-groups.json"), """{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]}""");
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = folder;
            var run = CliRunner.Run("scan", "--format", "json", "./-groups.json");
            Assert.Equal(ExitCodes.Clean, run.ExitCode);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void Params_from_a_folder_a_missing_file_or_no_file_name_the_problem()
    {
        AssertInputError(CliRunner.Run("scan", "--params", "@" + Path.GetTempPath()), "it is a folder, not a file");
        AssertInputError(CliRunner.Run("scan", "--params", "@/nonexistent/params.json"), "error: --params: cannot read /nonexistent/params.json");
        AssertInputError(CliRunner.Run("scan", "--params", "@"), "'@' names no file");
        var scheduled = CliRunner.WriteTemp("""{"invokingEvent": "{\"messageType\": \"ScheduledNotification\"}"}""");
        AssertInputError(CliRunner.Run("invoke", "rule", scheduled, "--params", "@" + Path.GetTempPath()), "it is a folder, not a file");
    }

    public static TheoryData<string, string, string> BadInvokeInputs => new()
    {
        { "rule", "", "the input is empty" },
        { "rule", "{bad", "invalid JSON at line 1, byte 2" },
        { "rule", """{"a": 1}""", "not a Config rule event: 'invokingEvent'" },
        { "rule", """{"invokingEvent": "{not json"}""", "$.invokingEvent(json)" },
        { "rule", """{"invokingEvent": "{\"a\": 1}"}""", "has no 'messageType'" },
        { "rule", "[1, 2]", "expected a JSON object" },
        { "remediation", "", "the input is empty" },
        { "remediation", "{bad", "invalid JSON at line 1, byte 2" },
        { "remediation", """{"a": 1}""", "SecurityGroupId: is required" },
        { "remediation", """{"SecurityGroupId": "sg-12345678", "Mode": "Delete"}""", "Mode: 'Delete' is not one of" },
    };

    /// <summary>
    /// The file is the user's input: what cannot be read is an input error, said before any credentials are looked for
    /// (this test has none), not "the invocation failed (AWS Config would retry it)".
    /// </summary>
    [Theory]
    [MemberData(nameof(BadInvokeInputs))]
    public void Invoke_on_input_it_cannot_read_is_an_input_error(string function, string content, string problem)
    {
        var file = CliRunner.WriteTemp(content);
        var run = CliRunner.Run("invoke", function, file, "--region", "us-east-1", "--profile", "sgcr-no-such-profile");
        AssertInputError(run, problem);
        Assert.StartsWith($"error: {file}: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("credentials", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("retry", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_remediation_help_names_every_field_of_the_payload()
    {
        var run = CliRunner.Run("invoke", "remediation", "--help");
        Assert.Equal(ExitCodes.Clean, run.ExitCode);
        foreach (var field in new[] { "SecurityGroupId", "Mode", "ConfigRuleName", "RuleParameters", "Region" }) Assert.Contains(field, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scan_help_shows_INPUT_as_optional() =>
        Assert.Contains("scan [<INPUT>...] [options]", CliRunner.Run("scan", "--help").Out, StringComparison.Ordinal);

    /// <summary>Whatever a command did not expect ends as one line and exit 2; --debug adds the trace.</summary>
    [Fact]
    public void An_unexpected_failure_is_one_line_and_exit_2_and_debug_shows_the_trace()
    {
        var input = CliRunner.WriteTemp("""{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]}""");
        var error = new StringWriter();
        var broken = new Terminal(new FailingWriter(), error, UseColour: false, () => new MemoryStream());
        Assert.Equal(ExitCodes.InputError, CliApp.Run(["scan", input], broken));
        Assert.Contains("error: the output cannot be written", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--debug", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);

        var debugError = new StringWriter();
        Assert.Equal(ExitCodes.InputError, CliApp.Run(["scan", input, "--debug"], new Terminal(new FailingWriter(), debugError, false, () => new MemoryStream())));
        Assert.Contains("   at ", debugError.ToString(), StringComparison.Ordinal);
    }

    private sealed class FailingWriter : StringWriter
    {
        public override void Write(char value) => throw new InvalidOperationException("the output cannot be written");

        public override void Write(string? value) => throw new InvalidOperationException("the output cannot be written");

        public override void Write(char[] buffer, int index, int count) => throw new InvalidOperationException("the output cannot be written");

        public override void WriteLine(string? value) => throw new InvalidOperationException("the output cannot be written");
    }
}
