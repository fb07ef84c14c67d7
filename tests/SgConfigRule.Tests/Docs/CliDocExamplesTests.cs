using System.Diagnostics;
using System.Text.Json;
using SgConfigRule.Cli;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Docs;

/// <summary>
/// Every <c>sg-config-rule</c> command the README and docs/cli.md show, found in the pages themselves (so a new
/// example is checked the day it is written): run as a separate process on the files of docs/examples/, it exits as
/// the page says (its <c>&lt;!-- exit: N --&gt;</c> marker, else 0) and prints what a transcript block shows; a
/// <c>--live</c> one the same against the loopback AWS endpoints, holding the same groups. A command that needs more
/// of AWS (an organization, input piped from <c>aws …</c>) is parsed by the tool's own parser instead: every command
/// and option it uses exists. Conventions: docs/development.md, "Documentation examples are tests".
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
        Assert.Contains(all, e => e.ReadsAnAccount && e.NeedsAws is null);
        Assert.Contains(all, e => e.ExpectedOutput is { Count: > 0 } && e.NeedsAws is null);
        Assert.Contains(all, e => e.ExpectedExit == 1);
        Assert.Contains(all, e => e.ExpectedExit == 2);
        // The README's "On your own account" commands are among them: an export, a live account, an organization.
        var readme = DocExamples.Read("README.md");
        Assert.Contains(readme, e => e.Arguments.SequenceEqual(["scan", "groups.json"]));
        Assert.Contains(readme, e => e.Arguments.Contains("--live"));
        Assert.Contains(readme, e => e.Arguments.Contains("--aggregator"));
    }

    [Fact]
    public void Commands_beyond_the_loopback_setup_are_parsed_and_an_unknown_option_fails_that()
    {
        var piped = new DocExample("x", ["scan", "--format", "csv"], new Dictionary<string, string>(), null, "aws", 0, null);
        var organization = piped with { PipedFrom = null, Arguments = ["scan", "--live", "--aggregator", "org"] };
        Assert.Equal("reads what aws prints", piped.NeedsAws);
        Assert.Equal("reads an organization (--aggregator)", organization.NeedsAws);
        Assert.Null((piped with { PipedFrom = null }).NeedsAws);

        var terminal = new Terminal(new StringWriter(), new StringWriter(), false, () => new MemoryStream());
        Assert.Empty(CliApp.Parse(["scan", "--live", "--region", "eu-west-1", "--profile", "audit"], terminal).Errors);
        Assert.NotEmpty(CliApp.Parse(["scan", "--live", "--regoin", "eu-west-1"], terminal).Errors);
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

        await using var aws = example.ReadsAnAccount ? await LoopbackAccountAsync(example) : null;
        var run = await RunAsync(example, aws);
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
    /// The account a <c>--live</c> example reads: the loopback EC2 holding the groups of docs/examples/groups.json in
    /// every Region the example names (and us-east-1, the profiles' Region).
    /// </summary>
    private static async Task<FakeAwsServer> LoopbackAccountAsync(DocExample example)
    {
        var server = await FakeAwsServer.StartAsync();
        using var export = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "examples", "groups.json")));
        foreach (var region in example.Regions.Append(FakeEc2.DefaultRegion).Distinct())
        {
            var ec2 = server.Ec2In(region);
            foreach (var group in export.RootElement.GetProperty("SecurityGroups").EnumerateArray())
            {
                var id = group.GetProperty("GroupId").GetString()!;
                ec2.AddGroup(id, group.GetProperty("GroupName").GetString()!, group.GetProperty("Description").GetString()!,
                             group.GetProperty("VpcId").GetString()!, group.GetProperty("OwnerId").GetString()!);
                foreach (var permission in group.GetProperty("IpPermissions").EnumerateArray())
                {
                    var protocol = permission.GetProperty("IpProtocol").GetString()!;
                    var from = permission.TryGetProperty("FromPort", out var f) ? f.GetInt32() : -1;
                    var to = permission.TryGetProperty("ToPort", out var t) ? t.GetInt32() : -1;
                    foreach (var (list, source) in new (string, Func<JsonElement, Ec2Source>)[]
                    {
                        ("IpRanges", r => Ec2Source.Ipv4(r.GetProperty("CidrIp").GetString()!)),
                        ("Ipv6Ranges", r => Ec2Source.Ipv6(r.GetProperty("CidrIpv6").GetString()!)),
                        ("PrefixListIds", r => Ec2Source.PrefixList(r.GetProperty("PrefixListId").GetString()!)),
                        ("UserIdGroupPairs", r => Ec2Source.Group(r.GetProperty("GroupId").GetString()!, r.GetProperty("UserId").GetString()!)),
                    })
                    {
                        foreach (var entry in permission.GetProperty(list).EnumerateArray())
                        {
                            ec2.AddIngress(id, protocol, from, to, source(entry), entry.TryGetProperty("Description", out var d) ? d.GetString() : null);
                        }
                    }
                }
                if (group.TryGetProperty("Tags", out var tags))
                {
                    foreach (var tag in tags.EnumerateArray()) ec2.SetTag(id, tag.GetProperty("Key").GetString()!, tag.GetProperty("Value").GetString()!);
                }
            }
        }
        return server;
    }

    /// <summary>
    /// The profiles the examples name, in the example's own home: <c>audit</c> signs in with keys, <c>dev</c> is an
    /// IAM Identity Center profile nobody has signed in to (no token cached).
    /// </summary>
    private static void WriteProfiles(string home)
    {
        var aws = Directory.CreateDirectory(Path.Combine(home, ".aws")).FullName;
        File.WriteAllText(Path.Combine(aws, "config"), """
            [profile audit]
            region = us-east-1

            [profile dev]
            sso_session = corp
            sso_account_id = 111122223333
            sso_role_name = SecurityAudit
            region = us-east-1

            [sso-session corp]
            sso_start_url = https://example.awsapps.com/start
            sso_region = us-east-1
            """);
        File.WriteAllText(Path.Combine(aws, "credentials"), $"""
            [audit]
            aws_access_key_id = {FakeAwsServer.AccessKey}
            aws_secret_access_key = {FakeAwsServer.SecretKey}
            """);
    }

    /// <summary>
    /// The built tool, as a shell on a terminal starts it: standard input from /dev/null (or the example's
    /// <c>&lt; FILE</c>), in a folder holding a copy of docs/examples/, without any AWS configuration of this machine
    /// (with <paramref name="aws"/>: pointed at it, signing in only through the profiles of <see cref="WriteProfiles"/>).
    /// </summary>
    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(DocExample example, FakeAwsServer? aws)
    {
        var folder = Directory.CreateTempSubdirectory("sgcr-doc-example-").FullName;
        var home = Directory.CreateTempSubdirectory("sgcr-doc-home-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "docs", "examples")))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
            WriteProfiles(home);
            var dll = Path.Combine(AppContext.BaseDirectory, "sg-config-rule.dll");
            var start = new ProcessStartInfo("sh", ["-c", "exec dotnet \"$@\" < \"$SGCR_DOC_STDIN\"", "sh", dll, .. example.Arguments])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder,
            };
            FakeAwsEnvironment.Apply(start.Environment, aws);
            if (aws is not null)
            {
                start.Environment["HOME"] = home;
                start.Environment["AWS_CONFIG_FILE"] = Path.Combine(home, ".aws", "config");
                start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(home, ".aws", "credentials");
                start.Environment.Remove("AWS_ACCESS_KEY_ID");   // only what the example's profile gives
                start.Environment.Remove("AWS_SECRET_ACCESS_KEY");
            }
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
            Directory.Delete(home, recursive: true);
        }
    }
}
