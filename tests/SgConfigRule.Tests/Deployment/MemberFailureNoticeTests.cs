using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static SgConfigRule.Tests.Deployment.IamPolicyTests;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// Organization mode: nobody in a member account can write to the security team's topic (issue 15, finding 2). Only
/// the central revoke function's role, this account's CloudWatch alarms and the central member-failures rule may
/// publish there; a member's failed execution reaches people as SSM's own event, forwarded to the central bus, turned
/// into fixed text by the central rule — a member administrator can make it say only that an execution of their
/// account ended without success.
/// </summary>
public sealed partial class MemberFailureNoticeTests
{
    private const string CentralAccount = "999988887777";
    private static CfnTemplate.Rendered Central() => Render("org/central.yaml", Organization);
    private static CfnTemplate.Rendered MemberStack() => Render("org/member.yaml", IamPolicyTests.Member);

    /// <summary>
    /// SSM's "EC2 Automation Execution Status-change Notification", shaped as the example in the Systems Manager user guide
    /// (https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-systems-manager-event-examples.html).
    /// </summary>
    private static JsonObject Event(string status = "Failed", string definition = "sg-config-rule-remediation", string source = "aws.ssm",
                                    string detailType = "EC2 Automation Execution Status-change Notification") => new()
    {
        ["version"] = "0",
        ["id"] = "d290ece9-1088-4383-9df6-cd5b4ac42b99",
        ["detail-type"] = detailType,
        ["source"] = source,
        ["account"] = "444455556666",
        ["time"] = "2026-12-05T19:43:35Z",
        ["region"] = CfnTemplate.Region,
        ["resources"] = new JsonArray(
            $"arn:aws:ssm:{CfnTemplate.Region}:444455556666:automation-execution/333ba70b-2333-48db-b17e-a5e69c6f4d1c",
            $"arn:aws:ssm:{CfnTemplate.Region}:444455556666:automation-definition/{definition}:1"),
        ["detail"] = new JsonObject
        {
            ["ExecutionId"] = "333ba70b-2333-48db-b17e-a5e69c6f4d1c",
            ["Definition"] = definition,
            ["DefinitionVersion"] = 1.0,
            ["Status"] = status,
            ["StartTime"] = "Dec 5, 2026 7:43:23 PM",
            ["EndTime"] = "Dec 5, 2026 7:43:25 PM",
            ["Time"] = 2630.0,
            ["ExecutedBy"] = "arn:aws:sts::444455556666:assumed-role/AWSServiceRoleForConfig/config",
        },
    };

    /// <summary>EventBridge's exact matching: every field the pattern names must hold one of the values it lists.</summary>
    private static bool Matches(JsonNode pattern, JsonNode? value) => pattern switch
    {
        JsonObject fields => value is JsonObject data && fields.All(f => Matches(f.Value!, data[f.Key])),
        JsonArray allowed => value is JsonValue scalar && allowed.Any(a => a!.ToJsonString() == scalar.ToJsonString()),
        _ => throw new NotSupportedException(pattern.ToJsonString()),
    };

    public static TheoryData<string, bool> Events => new()
    {
        { "Failed", true }, { "TimedOut", true }, { "Cancelled", true },
        { "Success", false }, { "InProgress", false }, { "another document", false }, { "a custom source", false }, { "a step event", false },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Both_rules_match_exactly_the_solutions_executions_that_ended_without_success(string which, bool expected)
    {
        var sample = which switch
        {
            "another document" => Event(definition: "AWS-DisablePublicAccessForSecurityGroup"),
            "a custom source" => Event(source: "custom.ssm"),
            "a step event" => Event(detailType: "EC2 Automation Step Status-change Notification"),
            _ => Event(status: which),
        };
        Assert.Equal(expected, Matches(MemberStack().Properties("MemberFailuresForward")["EventPattern"]!, sample));
        Assert.Equal(expected, Matches(Central().Properties("MemberFailuresRule")["EventPattern"]!, sample));
    }

    [Fact]
    public void The_email_is_fixed_text_with_only_what_AWS_wrote_in_the_event()
    {
        var target = Assert.Single(Central().Properties("MemberFailuresRule")["Targets"]!.AsArray())!;
        Assert.Equal("ref:NotificationTopic", target["Arn"]!.GetValue<string>());
        var paths = target["InputTransformer"]!["InputPathsMap"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        // The account and Region EventBridge stamps, and two fields SSM writes: nothing a member chooses.
        Assert.Equal(new Dictionary<string, string>
        {
            ["account"] = "$.account", ["region"] = "$.region", ["execution"] = "$.detail.ExecutionId", ["status"] = "$.detail.Status",
        }, paths);
        var template = target["InputTransformer"]!["InputTemplate"]!.GetValue<string>();
        Assert.Equal(paths.Keys.Order(), Placeholder().Matches(template).Select(m => m.Groups[1].Value).Distinct().Order());

        // What EventBridge sends SNS for the sample event: a JSON string, the email's body.
        var sample = Event();
        var rendered = Placeholder().Replace(template, m =>
        {
            var value = paths[m.Groups[1].Value].TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries).Aggregate((JsonNode?)sample, (n, k) => n?[k]);
            return System.Text.Json.JsonEncodedText.Encode(value!.GetValue<string>()).ToString();
        });
        var text = JsonNode.Parse(rendered)!.GetValue<string>();
        Assert.Contains($"account 444455556666 ({CfnTemplate.Region}) ended Failed", text);
        Assert.Contains("333ba70b-2333-48db-b17e-a5e69c6f4d1c", text);
        Assert.DoesNotContain("aws ec2", text); // never a command to run
    }

    [Fact]
    public void Only_the_revoke_function_alarms_and_the_failure_rule_may_publish_to_the_central_topic()
    {
        var stack = Central();
        var topic = Statements(stack).Where(s => s.Where == "NotificationTopicPolicy").Select(s => s.Statement).ToList();
        var allows = topic.Where(s => s["Effect"]!.GetValue<string>() == "Allow").ToList();
        // No AWS principal at all: member roles, whatever their names, are not named here.
        Assert.All(allows, s => Assert.Null(s["Principal"]!["AWS"]));
        var events = Assert.Single(allows, s => s["Principal"]!["Service"]!.GetValue<string>() == "events.amazonaws.com");
        Assert.Equal("getatt:MemberFailuresRule.Arn", events["Condition"]!["ArnEquals"]!["aws:SourceArn"]!.GetValue<string>());
        Assert.Single(allows, s => s["Principal"]!["Service"]!.GetValue<string>() == "cloudwatch.amazonaws.com");
        Assert.Equal(2, allows.Count);

        // The key: besides this account's administration, only the two central function roles and the two services.
        var key = Statements(stack).Where(s => s.Where == "NotificationKey key policy").Select(s => s.Statement).ToList();
        var principals = key.Select(s => s["Principal"]!["AWS"]?.GetValue<string>() ?? s["Principal"]!["Service"]!.GetValue<string>()).ToList();
        Assert.Equal([$"arn:aws:iam::{CfnTemplate.AccountId}:root", "getatt:RuleFunctionRole.Arn", "cloudwatch.amazonaws.com", "getatt:RevokeFunctionRole.Arn", "events.amazonaws.com"], principals);
        var eventsKey = Assert.Single(key, s => s["Sid"]!.GetValue<string>() == "MemberFailuresPublish");
        Assert.Equal(CfnTemplate.AccountId, eventsKey["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.GetValue<string>());
    }

    [Fact]
    public void No_member_role_may_publish_to_any_topic_or_use_any_key()
    {
        var actions = Statements(MemberStack()).Where(s => s.Statement["Effect"]!.GetValue<string>() == "Allow")
            .SelectMany(s => List(s.Statement["Action"]).Select(a => (s.Where, Action: a))).ToList();
        Assert.DoesNotContain(actions, a => a.Action.StartsWith("sns:", StringComparison.Ordinal) || a.Action.StartsWith("kms:", StringComparison.Ordinal));
    }

    [Fact]
    public void Member_accounts_forward_to_the_central_bus_which_admits_only_the_organization()
    {
        var member = MemberStack();
        var rule = member.Properties("MemberFailuresForward");
        var bus = $"arn:aws:events:{CfnTemplate.Region}:{CentralAccount}:event-bus/sg-config-rule-member-failures";
        var target = Assert.Single(rule["Targets"]!.AsArray())!;
        Assert.Equal(bus, target["Arn"]!.GetValue<string>());
        Assert.Equal("getatt:MemberFailuresForwardRole.Arn", target["RoleArn"]!.GetValue<string>());
        // The forwarding role: EventBridge, for this rule only, may put events on that bus and do nothing else.
        var trust = Assert.Single(member.Statements("MemberFailuresForwardRole"), s => s["Principal"] is not null);
        Assert.Equal("events.amazonaws.com", trust["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal($"arn:aws:events:{CfnTemplate.Region}:{CfnTemplate.AccountId}:rule/{rule["Name"]!.GetValue<string>()}",
            trust["Condition"]!["ArnEquals"]!["aws:SourceArn"]!.GetValue<string>());
        var grant = Assert.Single(member.Statements("MemberFailuresForwardRole"), s => s["Principal"] is null);
        Assert.Equal(["events:PutEvents"], List(grant["Action"]));
        Assert.Equal([bus], List(grant["Resource"]));

        var central = Central();
        Assert.Equal("sg-config-rule-member-failures", central.Properties("MemberFailuresBus")["Name"]!.GetValue<string>());
        var policy = central.Properties("MemberFailuresBusPolicy");
        Assert.Equal("events:PutEvents", policy["Statement"]!["Action"]!.GetValue<string>());
        Assert.Equal("o-a1b2c3d4e5", policy["Statement"]!["Condition"]!["StringEquals"]!["aws:PrincipalOrgID"]!.GetValue<string>());
        Assert.Equal("ref:MemberFailuresBus", central.Properties("MemberFailuresRule")["EventBusName"]!.GetValue<string>());
    }

    [GeneratedRegex("<([a-z]+)>")]
    private static partial Regex Placeholder();
}
