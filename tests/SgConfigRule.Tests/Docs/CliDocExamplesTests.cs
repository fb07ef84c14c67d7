using System.Diagnostics;
using SgConfigRule.Cli;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Docs;

/// <summary>
/// Every <c>sg-config-rule</c> command the README and docs/cli.md show, found in the pages themselves (so a new
/// example is checked the day it is written): run as a separate process on the files of docs/examples/, it exits as
/// the page says (its <c>&lt;!-- exit: N --&gt;</c> marker, else 0) and prints what a transcript block shows. A
/// command that needs AWS (<c>--live</c>, input piped from <c>aws …</c>) is parsed by the tool's own parser instead:
/// every command and option it uses exists. Conventions: docs/development.md, "Documentation examples are tests".
/// </summary>
public sealed class CliDocExamplesTests
{
    private static readonly string[] Pages = ["README.md", "docs/cli.md"];

    public static TheoryData<string, int, string> Examples()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var page in Pages)
        {
            var examples = DocExamples.Read(page);
            for (var i = 0; i < examples.Count; i++) data.Add(page, i, examples[i].ToString());
        }
        return data;
    }

    [Fact]
    public void The_pages_have_examples_of_each_kind()
    {
        var all = Pages.SelectMany(DocExamples.Read).ToList();
        Assert.True(all.Count(e => e.NeedsAws is null) >= 8, string.Join('\n', all));
        Assert.Contains(all, e => e.NeedsAws is not null);
        Assert.Contains(all, e => e.ExpectedOutput is { Count: > 0 } && e.NeedsAws is null);
        Assert.Contains(all, e => e.ExpectedExit == 1);
        Assert.Contains(all, e => e.ExpectedExit == 2);
        // The README's "On your own account" commands are among them: an export, a live account, an organization.
        var readme = DocExamples.Read("README.md");
        Assert.Contains(readme, e => e.Arguments.SequenceEqual(["scan", "groups.json"]));
        Assert.Contains(readme, e => e.Arguments.Contains("--live"));
        Assert.Contains(readme, e => e.Arguments.Contains("org.json"));
    }

    [Fact]
    public void The_shell_reading_handles_quotes_pipes_and_redirections()
    {
        var tokens = DocExamples.Tokens("""aws x --expression "SELECT a WHERE t = 'X'" > org.json && A=1 sg-config-rule scan 'a b' 2> err | tail""");
        Assert.Equal(["aws", "x", "--expression", "SELECT a WHERE t = 'X'", ">", "org.json", "&&", "A=1", "sg-config-rule", "scan", "a b", "2>", "err", "|", "tail"],
            tokens.Select(t => t.Text));
        Assert.Equal([">", "&&", "2>", "|"], tokens.Where(t => t.Operator).Select(t => t.Text));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Each_example_does_what_the_page_says(string page, int index, string command)
    {
        var example = DocExamples.Read(page)[index];
        Assert.Equal(command, example.ToString());

        if (example.NeedsAws is not null)
        {
            var terminal = new Terminal(new StringWriter(), new StringWriter(), false, () => new MemoryStream());
            var parsed = CliApp.Parse([.. example.Arguments], terminal);
            Assert.True(parsed.Errors.Count == 0, $"{example} (not run: it {example.NeedsAws}): {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
            return;
        }

        var run = await RunAsync(example);
        Assert.True(run.ExitCode == example.ExpectedExit,
            $"{example}: exit {run.ExitCode}, the page says {example.ExpectedExit} (mark the block <!-- exit: N --> if it should)\n{run.Out}\n{run.Error}");
        if (example.ExpectedOutput is { } shown)
        {
            var printed = Lines(run.Out).Concat(Lines(run.Error)).ToList();
            var matches = shown.Count == printed.Count && shown.Zip(printed).All(p => DocExamples.OutputLine(p.First).IsMatch(p.Second));
            Assert.True(matches, $"{example} prints\n{string.Join('\n', printed)}\n\nthe page shows\n{string.Join('\n', shown)}");
        }
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');

    /// <summary>
    /// The built tool, as a shell on a terminal starts it: standard input from /dev/null (or the example's
    /// <c>&lt; FILE</c>), in a folder holding a copy of docs/examples/, without any AWS configuration of this machine.
    /// </summary>
    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(DocExample example)
    {
        var folder = Directory.CreateTempSubdirectory("sgcr-doc-example-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "docs", "examples")))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
            var dll = Path.Combine(AppContext.BaseDirectory, "sg-config-rule.dll");
            var start = new ProcessStartInfo("sh", ["-c", "exec dotnet \"$@\" < \"$SGCR_DOC_STDIN\"", "sh", dll, .. example.Arguments])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder,
            };
            FakeAwsEnvironment.Apply(start.Environment, null);
            start.Environment.Remove("COLUMNS");   // a report to a pipe is not wrapped unless COLUMNS asks
            start.Environment["NO_COLOR"] = "1";
            foreach (var (name, value) in example.Environment) start.Environment[name] = value;
            start.Environment["SGCR_DOC_STDIN"] = example.StandardInput is null ? "/dev/null" : Path.Combine(folder, example.StandardInput);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
