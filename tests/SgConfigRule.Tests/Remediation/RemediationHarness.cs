using System.Text;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using SgConfigRule.FakeAws;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Ledger;
using SgConfigRule.Tests.Aws;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Remediation;

/// <summary>The revoke function wired to a loopback AWS server, with the web server scenario ready to arrange.</summary>
internal sealed class RemediationHarness : IAsyncDisposable
{
    public const string WebGroup = "sg-0f3c6a1e2b4d58a90";

    private RemediationHarness(FakeAwsServer server, TimeProvider? time, Func<RemediationRuntime, RemediationRuntime>? configure)
    {
        Server = server;
        server.DynamoDb.CreateTable(LedgerTable, "pk");
        var options = AwsTestSupport.Options(server, AwsTestSupport.FastRetry with { MaxAttempts = 4 });
        Ledger = new DynamoDbLedger(SgConfigRule.Aws.AwsClients.DynamoDb(options), LedgerTable);
        var runtime = new RemediationRuntime(options, time ?? TimeProvider.System, LogOutput.Writer)
        {
            ModeCeiling = RemediationMode.Revoke,
            LedgerTable = LedgerTable,
        };
        Function = new RevokeFunction(configure is null ? runtime : configure(runtime));
    }

    public FakeAwsServer Server { get; }

    public const string LedgerTable = "sg-config-rule-ledger";

    /// <summary>The remediation ledger (loop guard, revoke journal) the function writes, in the loopback DynamoDB.</summary>
    public DynamoDbLedger Ledger { get; }

    public static SgConfigRule.Remediation.Ledger.LedgerKey WebGroupKey { get; } = new(null, "us-east-1", WebGroup);
    public RevokeFunction Function { get; }
    /// <summary>The function's log lines; concurrent remediations write it at once (see <see cref="LogCapture"/>).</summary>
    public LogCapture LogOutput { get; } = new();

    public static async Task<RemediationHarness> StartAsync(TimeProvider? time = null, int seed = 1234,
                                                           Func<RemediationRuntime, RemediationRuntime>? configure = null) =>
        new(await FakeAwsServer.StartAsync(seed), time, configure);

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>The walkthrough: HTTPS open to the world, then a person adds SSH from one address through the EC2 API.</summary>
    public async Task<string> WebServerWithSshAsync(string cidr = "203.0.113.7/32", string ownerId = FakeEc2.DefaultAccount)
    {
        Server.Ec2.AddGroup(WebGroup, "Web Server Security Group", "Allow HTTPS from anywhere", ownerId: ownerId);
        Server.Ec2.AddIngress(WebGroup, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"), "HTTPS from anywhere");
        Server.Ec2.AddIngress(WebGroup, "tcp", 443, 443, Ec2Source.Ipv6("::/0"), "HTTPS from anywhere");
        using var ec2 = Ec2WireTests.Client(Server);
        var added = await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = WebGroup,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = cidr, Description = "SSH from my laptop" }] }],
        }, TestContext.Current.CancellationToken);
        return added.SecurityGroupRules.Single().SecurityGroupRuleId;
    }

    /// <summary>One run, as one execution of the document (each gets its own execution id unless one is given).</summary>
    public Task<RemediationOutcome> RunAsync(string groupId = WebGroup, string mode = "Revoke", string ruleParameters = "{}", string? accountId = null,
                                             string? configRuleName = null, string? executionId = null) =>
        Function.InvokeAsync(Encoding.UTF8.GetBytes(Input(groupId, mode, ruleParameters, accountId, configRuleName, executionId)), TestContext.Current.CancellationToken);

    public const string ExecutionId = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

    public static string Input(string groupId = WebGroup, string mode = "Revoke", string ruleParameters = "{}", string? accountId = null,
                               string? configRuleName = null, string? executionId = null) =>
        new JsonObject
        {
            ["SecurityGroupId"] = groupId,
            ["Mode"] = mode,
            ["ConfigRuleName"] = configRuleName,
            ["RuleParameters"] = ruleParameters,
            ["AccountId"] = accountId,
            ["Region"] = "us-east-1",
            ["AutomationExecutionId"] = executionId ?? Guid.NewGuid().ToString(),
        }.ToJsonString();

    public int Ec2Calls() => Server.Calls.Count(c => c.Service == "ec2");
}
