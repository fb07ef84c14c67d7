using static SgConfigRule.Tests.Deployment.IamPolicyTests;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// The central functions admit the whole organization, so one account must not be able to exhaust them unseen
/// (issue 15, finding 3): reserved concurrency on both, alarms on their errors and throttles that reach the topic, and
/// AWS Config's failed asynchronous invocations kept in an encrypted queue.
/// </summary>
public sealed class FloodingTests
{
    private static CfnTemplate.Rendered Central(string extra = "") =>
        Render("org/central.yaml", "{\"OrganizationId\":\"o-a1b2c3d4e5\"" + extra + "}");

    [Theory]
    [InlineData("", 20, 10)]
    [InlineData(",\"RuleFunctionReservedConcurrency\":\"50\",\"RevokeFunctionReservedConcurrency\":\"5\"", 50, 5)]
    public void Both_functions_have_reserved_concurrency(string extra, int rule, int revoke)
    {
        var stack = Central(extra);
        Assert.Equal(rule.ToString(System.Globalization.CultureInfo.InvariantCulture), stack.Properties("RuleFunction")["ReservedConcurrentExecutions"]!.ToString());
        Assert.Equal(revoke.ToString(System.Globalization.CultureInfo.InvariantCulture), stack.Properties("RevokeFunction")["ReservedConcurrentExecutions"]!.ToString());
    }

    [Fact]
    public void Zero_means_no_reservation_not_a_function_that_never_runs()
    {
        var stack = Central(",\"RuleFunctionReservedConcurrency\":\"0\",\"RevokeFunctionReservedConcurrency\":\"0\"");
        Assert.False(stack.Properties("RuleFunction").ContainsKey("ReservedConcurrentExecutions"));
        Assert.False(stack.Properties("RevokeFunction").ContainsKey("ReservedConcurrentExecutions"));
    }

    [Fact]
    public void Errors_and_throttles_of_both_functions_alarm_to_the_topic()
    {
        var stack = Central();
        var alarms = stack.OfType("AWS::CloudWatch::Alarm").Select(a => a.Resource["Properties"]!.AsObject()).ToList();
        foreach (var function in new[] { "RuleFunction", "RevokeFunction" })
        {
            foreach (var metric in new[] { "Errors", "Throttles" })
            {
                var alarm = Assert.Single(alarms, a => a["Namespace"]!.GetValue<string>() == "AWS/Lambda" && a["MetricName"]!.GetValue<string>() == metric
                    && a["Dimensions"]![0]!["Value"]!.GetValue<string>() == $"ref:{function}");
                Assert.Equal("FunctionName", alarm["Dimensions"]![0]!["Name"]!.GetValue<string>());
                Assert.Equal(["ref:NotificationTopic"], List(alarm["AlarmActions"]));
                Assert.Equal("GreaterThanThreshold", alarm["ComparisonOperator"]!.GetValue<string>());
                Assert.Equal("0", alarm["Threshold"]!.ToString());
                Assert.StartsWith("sg-config-rule-", alarm["AlarmName"]!.GetValue<string>(), StringComparison.Ordinal);
            }
        }
        var failures = Assert.Single(alarms, a => a["Namespace"]!.GetValue<string>() == "AWS/SQS");
        Assert.Equal("getatt:RuleFailureQueue.QueueName", failures["Dimensions"]![0]!["Value"]!.GetValue<string>());
    }

    [Fact]
    public void The_topic_and_its_key_accept_only_this_accounts_alarms_from_CloudWatch()
    {
        var stack = Central();
        var topic = Assert.Single(Statements(stack), s => s.Where == "NotificationTopicPolicy" && s.Statement["Sid"]!.GetValue<string>() == "AlarmsPublish").Statement;
        Assert.Equal("cloudwatch.amazonaws.com", topic["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal(CfnTemplate.AccountId, topic["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.GetValue<string>());
        Assert.Equal($"arn:aws:cloudwatch:{CfnTemplate.Region}:{CfnTemplate.AccountId}:alarm:sg-config-rule-*", topic["Condition"]!["ArnLike"]!["aws:SourceArn"]!.GetValue<string>());
        var key = Assert.Single(Statements(stack), s => s.Where == "NotificationKey key policy" && s.Statement["Sid"]!.GetValue<string>() == "AlarmsPublish").Statement;
        Assert.Equal(CfnTemplate.AccountId, key["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.GetValue<string>());
    }

    [Fact]
    public void Failed_asynchronous_evaluations_go_to_a_queue_encrypted_with_the_solutions_key()
    {
        var stack = Central();
        var onFailure = stack.Properties("RuleFunction")["EventInvokeConfig"]!["DestinationConfig"]!["OnFailure"]!;
        Assert.Equal("SQS", onFailure["Type"]!.GetValue<string>());
        Assert.Equal("getatt:RuleFailureQueue.Arn", onFailure["Destination"]!.GetValue<string>());
        Assert.Equal("ref:NotificationKey", stack.Properties("RuleFailureQueue")["KmsMasterKeyId"]!.GetValue<string>());
        // The key lets the rule function's role use it, and only through SQS.
        var grant = Assert.Single(Statements(stack), s => s.Where == "NotificationKey key policy" && s.Statement["Sid"]!.GetValue<string>() == "RuleFunctionKeepsFailedEvaluations").Statement;
        Assert.Equal("getatt:RuleFunctionRole.Arn", grant["Principal"]!["AWS"]!.GetValue<string>());
        Assert.Equal($"sqs.{CfnTemplate.Region}.amazonaws.com", grant["Condition"]!["StringEquals"]!["kms:ViaService"]!.GetValue<string>());
        var tls = Assert.Single(Statements(stack), s => s.Where == "RuleFailureQueuePolicy").Statement;
        Assert.Equal("Deny", tls["Effect"]!.GetValue<string>());
        Assert.Equal("false", tls["Condition"]!["Bool"]!["aws:SecureTransport"]!.GetValue<string>());
    }

    [Fact]
    public void Config_from_any_account_stays_off_by_default_and_says_why()
    {
        var template = CfnTemplate.Load(Path.Combine(Support.TestData.RepositoryRoot, "org", "central.yaml"));
        var parameter = template.Parameters["AllowConfigFromAnyAccount"]!;
        Assert.Equal("false", parameter["Default"]!.GetValue<string>());
        Assert.Contains("ANY account, inside the organization or not", parameter["Description"]!.GetValue<string>());
        Assert.DoesNotContain(Central().OfType("AWS::Lambda::Permission"), p => p.Id == "RuleInvokeFromAnyAccount");
    }
}
