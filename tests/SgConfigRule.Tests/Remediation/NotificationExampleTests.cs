using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.CloudTrail;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Remediation;
using SgConfigRule.Tests.Aws;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// docs/remediation.md shows the notification of the web server walkthrough. This renders it with the real function
/// (fixed clock and ids) and compares it with the page, so the documented email is the one people get.
/// </summary>
public partial class NotificationExampleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 5, TimeSpan.Zero);

    private static async Task<RemediationOutcome> RenderAsync()
    {
        await using var server = await FakeAwsServer.StartAsync();
        server.Ec2.AddGroup(RemediationHarness.WebGroup, "Web Server Security Group", "Allow HTTPS from anywhere");
        server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"), "HTTPS from anywhere");
        var ssh = server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32"), "SSH from my laptop");
        server.CloudTrail.Add(CloudTrailRecords.AuthorizeIngress(RemediationHarness.WebGroup, [ssh], "arn:aws:iam::111122223333:user/alice",
            "AKIAIOSFODNN7EXAMPLE", "198.51.100.23", new DateTime(2026, 11, 26, 11, 58, 2, DateTimeKind.Utc), eventId: "6f2b8f0e-4c1a-4a57-9d2e-3b1c7e9a0f11"));
        var function = new RevokeFunction(new RemediationRuntime(AwsTestSupport.Options(server), new FixedClock(Now), TextWriter.Null) { ModeCeiling = RemediationMode.Revoke, Ledger = new SgConfigRule.Remediation.Ledger.InMemoryLedger(), NewRunId = () => "5f0c3a9e1b7d4c2a8e6f0b1d3c5a7e9f" });
        return await function.InvokeAsync(System.Text.Encoding.UTF8.GetBytes(RemediationHarness.Input(executionId: RemediationHarness.ExecutionId)), TestContext.Current.CancellationToken);
    }

    /// <summary>With <c>SGCR_WRITE_DOCS=1</c> the documented example is rewritten from the rendered one (then review the diff).</summary>
    private static async Task<string> PageAsync(RemediationOutcome outcome)
    {
        var path = Path.Combine(TestData.RepositoryRoot, "docs", "remediation.md");
        var page = File.ReadAllText(path);
        if (Environment.GetEnvironmentVariable("SGCR_WRITE_DOCS") != "1") return page;
        var machine = JsonNode.Parse(JsonNode.Parse(outcome.Message)!["sqs"]!.GetValue<string>())!
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        page = Replace(Replace(Replace(page, "subject", outcome.Subject), "email", outcome.Text.TrimEnd()), "json", machine);
        await File.WriteAllTextAsync(path, page);
        return page;
    }

    private static string Replace(string page, string name, string content) =>
        Regex.Replace(page, $"(<!-- {name}:start -->\\n```[a-z]*\\n)(.*?)(\\n```\\n<!-- {name}:end -->)", m => m.Groups[1].Value + content + m.Groups[3].Value, RegexOptions.Singleline);

    [Fact]
    public async Task The_documented_email_is_the_rendered_one()
    {
        var outcome = await RenderAsync();
        var page = await PageAsync(outcome);
        Assert.Equal(Block(page, "subject").Trim(), outcome.Subject);
        Assert.Equal(Block(page, "email").TrimEnd(), outcome.Text.TrimEnd());
    }

    [Fact]
    public async Task The_documented_machine_message_is_the_rendered_one()
    {
        var outcome = await RenderAsync();
        var page = await PageAsync(outcome);
        var documented = JsonNode.Parse(Block(page, "json"))!;
        var rendered = JsonNode.Parse(JsonNode.Parse(outcome.Message)!["sqs"]!.GetValue<string>())!;
        Assert.True(JsonNode.DeepEquals(documented, rendered), rendered.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    private static string Block(string page, string name)
    {
        var match = Regex.Match(page, $"<!-- {name}:start -->\\n```[a-z]*\\n(.*?)\\n```\\n<!-- {name}:end -->", RegexOptions.Singleline);
        Assert.True(match.Success, $"docs/remediation.md has no {name} block");
        return match.Groups[1].Value;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
