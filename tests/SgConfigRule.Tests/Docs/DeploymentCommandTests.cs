using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SgConfigRule.Tests.Deployment;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Docs;

/// <summary>
/// Every deployment command in docs/deploy.md and docs/organization.md, read as a shell would and rendered with the
/// template it deploys: each parameter it passes exists and is valid there, and the stacks the organization walkthrough
/// creates find each other — the names one template uses for the other's roles, functions and document are the names
/// the other creates (issue 15, finding 5).
/// </summary>
public sealed partial class DeploymentCommandTests
{
    private const string CentralAccount = "999988887777";

    /// <summary>One shell command: its words, with line continuations joined and comments dropped.</summary>
    internal sealed record ShellCommand(string Doc, IReadOnlyList<string> Words)
    {
        public string? Option(string name)
        {
            var at = IndexOf(name);
            return at >= 0 && at + 1 < Words.Count ? Words[at + 1] : null;
        }

        /// <summary>The words after <paramref name="name"/> up to the next option.</summary>
        public IReadOnlyList<string> Values(string name)
        {
            var at = IndexOf(name);
            return at < 0 ? [] : [.. Words.Skip(at + 1).TakeWhile(w => !w.StartsWith("--", StringComparison.Ordinal))];
        }

        private int IndexOf(string name) => Words.ToList().IndexOf(name);

        public override string ToString() => $"{Doc}: {string.Join(' ', Words)}";
    }

    internal static IReadOnlyList<ShellCommand> Commands(string doc)
    {
        var text = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", doc));
        var commands = new List<ShellCommand>();
        foreach (Match block in ShellBlock().Matches(text))
        {
            var lines = block.Groups["body"].Value.Split('\n').Select(l => l.Trim());
            var current = new StringBuilder();
            foreach (var line in lines)
            {
                var code = DocExamples.StripComment(line);
                if (code.EndsWith('\\'))
                {
                    current.Append(code[..^1]).Append(' ');
                    continue;
                }
                current.Append(code);
                var words = Words(current.ToString());
                if (words.Count > 0) commands.Add(new ShellCommand(doc, words));
                current.Clear();
            }
        }
        return commands;
    }

    private static List<string> Words(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quote = '\0';
        var inWord = false;
        foreach (var c in command)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0'; else word.Append(c);
                continue;
            }
            if (c is '"' or '\'') { quote = c; inWord = true; continue; }
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(word.ToString()); word.Clear(); inWord = false; }
                continue;
            }
            word.Append(c);
            inWord = true;
        }
        Assert.True(quote == '\0', $"unclosed quote in: {command}");
        if (inWord) words.Add(word.ToString());
        return words;
    }

    [GeneratedRegex(@"^[ ]*```sh\n(?<body>.*?)^[ ]*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    /// <summary>Placeholders of the docs (<c>&lt;central-account-id&gt;</c>) read as a value of the kind they stand for.</summary>
    private static string Value(string text) => text.Replace("<central-account-id>", CentralAccount, StringComparison.Ordinal);

    /// <summary>A deployment command: the template it deploys and the parameters it passes.</summary>
    internal sealed record Deployment(ShellCommand Command, string Template, IReadOnlyDictionary<string, string> Parameters);

    internal static IEnumerable<Deployment> Deployments()
    {
        foreach (var command in new[] { "deploy.md", "organization.md" }.SelectMany(Commands))
        {
            var w = command.Words;
            if (w.Count < 3) continue;
            if (w[0] == "aws" && w[1] == "cloudformation" && w[2] == "deploy")
            {
                var file = command.Option("--template-file")!;
                var template = file.Contains("central", StringComparison.Ordinal) ? "org/central.yaml" : "template.yaml";
                yield return new(command, template, command.Values("--parameter-overrides").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Value(p[1])));
            }
            else if (w[0] == "aws" && w[1] == "cloudformation" && w[2] is "create-stack-set" or "update-stack-instances" or "update-stack-set")
            {
                var options = w[2] == "update-stack-instances" ? command.Values("--parameter-overrides") : command.Values("--parameters");
                yield return new(command, "org/member.yaml", options.Select(KeyValue("ParameterKey")).ToDictionary(p => p.Key, p => p.Value));
            }
            else if (w[0] == "aws" && w[1] == "configservice" && w[2] == "put-organization-conformance-pack")
            {
                Assert.Equal("file://org/conformance-pack.yaml", command.Option("--template-body"));
                yield return new(command, "org/conformance-pack.yaml",
                    command.Values("--conformance-pack-input-parameters").Select(KeyValue("ParameterName")).ToDictionary(p => p.Key, p => p.Value));
            }
            else if (w[0] == "sam" && w[1] == "deploy")
            {
                yield return new(command, "template.yaml", command.Values("--parameter-overrides").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Value(p[1])));
            }
        }
    }

    /// <summary><c>ParameterKey=K,ParameterValue=V</c> (the AWS CLI's shorthand).</summary>
    private static Func<string, KeyValuePair<string, string>> KeyValue(string keyName) => text =>
    {
        var match = Regex.Match(text, $"^{keyName}=(?<key>[^,]+),ParameterValue=(?<value>.*)$");
        Assert.True(match.Success, $"not {keyName}=...,ParameterValue=...: {text}");
        return KeyValuePair.Create(match.Groups["key"].Value, Value(match.Groups["value"].Value));
    };

    private static CfnTemplate Template(string file) => CfnTemplate.Load(Path.Combine(TestData.RepositoryRoot, file));

    [Fact]
    public void The_walkthroughs_deploy_every_template()
    {
        var deployed = Deployments().Select(d => d.Template).ToHashSet();
        Assert.Equal(["org/central.yaml", "org/conformance-pack.yaml", "org/member.yaml", "template.yaml"], deployed.Order());
    }

    [Fact]
    public void Every_documented_command_renders_its_template()
    {
        var deployments = Deployments().ToList();
        Assert.True(deployments.Count >= 7, $"only {deployments.Count} deployment commands found");
        foreach (var deployment in deployments)
        {
            try
            {
                var values = new Dictionary<string, string>(deployment.Parameters);
                // A member stack and the pack need the central account, which the docs pass with the stack set.
                if (deployment.Template == "org/member.yaml") values.TryAdd("CentralAccountId", CentralAccount);
                Template(deployment.Template).Render(values);
            }
            catch (ArgumentException e)
            {
                Assert.Fail($"{deployment.Command}\n  does not render {deployment.Template}: {e.Message}");
            }
        }
    }

    private static Deployment Single(string template, string verb) =>
        Assert.Single(Deployments(), d => d.Template == template && d.Command.Words.Contains(verb) && d.Command.Words.Contains("--region") && d.Command.Option("--region") == CfnTemplate.Region
                                          && !d.Parameters.ContainsKey("MaxRemediationMode") && !d.Parameters.ContainsKey("EnableDeployHookFunction"));

    [Fact]
    public void The_organization_walkthrough_stacks_find_each_other()
    {
        var central = Template("org/central.yaml").Render(Single("org/central.yaml", "deploy").Parameters.ToDictionary());
        var memberValues = Single("org/member.yaml", "create-stack-set").Parameters;
        var member = Template("org/member.yaml").Render(memberValues.ToDictionary());
        Assert.Equal(CentralAccount, memberValues["CentralAccountId"]);

        // Each central role assumes exactly the member role that trusts it.
        foreach (var (centralRole, memberRole) in new[] { ("RuleFunctionRole", "MemberRole"), ("RevokeFunctionRole", "RemediationMemberRole") })
        {
            var roleName = central.Properties(centralRole)["RoleName"]!.GetValue<string>();
            var trusted = member.Properties(memberRole)["AssumeRolePolicyDocument"]!["Statement"]![0]!["Condition"]!["ArnEquals"]!["aws:PrincipalArn"]!.GetValue<string>();
            Assert.Equal($"arn:aws:iam::{CentralAccount}:role/{roleName}", trusted);
            var assumes = central.Statements(centralRole).Single(s => s["Resource"] is not null && IamPolicyTests.List(s["Action"]).Contains("sts:AssumeRole"))["Resource"]!.GetValue<string>();
            Assert.Equal($"arn:aws:iam::*:role/{member.Properties(memberRole)["RoleName"]!.GetValue<string>()}", assumes);
        }
        // The member document invokes the central revoke function by name.
        var invoke = member.Statements("AutomationRole").Single(s => IamPolicyTests.List(s["Action"]).Contains("lambda:InvokeFunction"))["Resource"]!.GetValue<string>();
        Assert.EndsWith($":{CentralAccount}:function:{central.Properties("RevokeFunction")["FunctionName"]!.GetValue<string>()}:live", invoke, StringComparison.Ordinal);
    }

    [Fact]
    public void The_organization_conformance_pack_uses_the_roles_the_member_stack_creates()
    {
        var memberValues = Single("org/member.yaml", "create-stack-set").Parameters;
        var member = Template("org/member.yaml").Render(memberValues.ToDictionary());
        var packValues = Assert.Single(Deployments(), d => d.Template == "org/conformance-pack.yaml").Parameters;
        var pack = Template("org/conformance-pack.yaml").Render(packValues.ToDictionary());

        Assert.Equal(member.Properties("MemberRole")["RoleName"]!.GetValue<string>(),
            pack.Properties("ConfigRule")["InputParameters"]!["executionRoleName"]!.GetValue<string>());
        var remediation = pack.Properties("Remediation")["Parameters"]!.AsObject();
        var ruleParameters = JsonNode.Parse(remediation["RuleParameters"]!["StaticValue"]!["Values"]![0]!.GetValue<string>())!;
        Assert.Equal(member.Properties("RemediationMemberRole")["RoleName"]!.GetValue<string>(), ruleParameters["executionRoleName"]!.GetValue<string>());
        Assert.Equal($"arn:aws:iam::{CfnTemplate.AccountId}:role/{member.Properties("AutomationRole")["RoleName"]!.GetValue<string>()}",
            remediation["AutomationAssumeRole"]!["StaticValue"]!["Values"]![0]!.GetValue<string>());
        Assert.Equal(member.Properties("RemediationDocument")["Name"]!.GetValue<string>(), pack.Properties("Remediation")["TargetId"]!.GetValue<string>());
    }

    [Fact]
    public void The_docs_name_every_parameter_both_organization_templates_must_agree_on()
    {
        var shared = Template("org/central.yaml").Parameters.Select(p => p.Key).Intersect(Template("org/member.yaml").Parameters.Select(p => p.Key)).Order().ToList();
        Assert.Contains("RemediationRoleName", shared);
        var text = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "organization.md"));
        var sentence = Regex.Match(text, @"Keep (?<names>[^.]*?) equal in both templates").Groups["names"].Value;
        Assert.Equal(shared, Regex.Matches(sentence, "`([A-Za-z]+)`").Select(m => m.Groups[1].Value).Order());
    }
}
