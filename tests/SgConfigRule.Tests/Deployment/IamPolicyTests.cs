using System.Text.Json.Nodes;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// Least privilege, checked on the rendered templates: no wildcard actions, write actions on "*" only where the
/// action has no resource-level permissions, the revoke limited to security groups of the account and denied for
/// groups that carry the exemption tag, the topic encrypted and its policy restricted, trust policies conditioned.
/// </summary>
public sealed class IamPolicyTests
{
    /// <summary>Write actions that support no resource-level permissions: "*" is the only possible resource.</summary>
    private static readonly HashSet<string> WriteActionsWithoutResourceLevelPermissions = ["config:PutEvaluations"];

    internal const string Organization = """{"OrganizationId":"o-a1b2c3d4e5"}""";
    internal const string Member = """{"CentralAccountId":"999988887777"}""";

    public static TheoryData<string, string> Stacks() => new()
    {
        { "template.yaml", "{}" },
        { "template.yaml", """{"ProtectExemptGroupsInIam":"false","TopicKmsKeyArn":"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}""" },
        { "template.yaml", """{"ExemptionTagKey":"","EnableSnapStart":"true","RemediationMode":"Off"}""" },
        { "template.yaml", """{"EnableDeployHook":"true","DeployHookFailureMode":"FAIL"}""" },
        { "org/central.yaml", Organization },
        { "org/central.yaml", """{"OrganizationId":"o-a1b2c3d4e5","AllowConfigFromAnyAccount":"true","ProtectExemptGroupsInIam":"false"}""" },
        { "org/member.yaml", Member },
        { "org/member.yaml", """{"CentralAccountId":"999988887777","ProtectExemptGroupsInIam":"false","DeployConformancePack":"false"}""" },
        { "org/central.yaml", """{"OrganizationId":"o-a1b2c3d4e5","EnableDeployHookFunction":"true"}""" },
        { "org/member.yaml", """{"CentralAccountId":"999988887777","EnableDeployHook":"true","DeployHookFailureMode":"FAIL"}""" },
    };

    /// <summary>The role that may revoke, per template.</summary>
    private static readonly Dictionary<string, string> RevokingRole = new()
    {
        ["template.yaml"] = "RevokeFunctionRole",
        ["org/member.yaml"] = "RemediationMemberRole",
    };

    internal static CfnTemplate.Rendered Render(string file, string values) =>
        CfnTemplate.Load(Path.Combine(TestData.RepositoryRoot, file))
            .Render(JsonNode.Parse(values)!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()));

    /// <summary>Every statement of every identity and resource policy in the stack, with where it came from.</summary>
    internal static IEnumerable<(string Where, JsonObject Statement)> Statements(CfnTemplate.Rendered stack)
    {
        foreach (var (id, resource) in stack.Resources)
        {
            var properties = resource!["Properties"]?.AsObject();
            if (properties is null) continue;
            var documents = new List<(string, JsonNode)>();
            switch (resource["Type"]!.GetValue<string>())
            {
                case "AWS::IAM::Role":
                    documents.Add(($"{id} trust policy", properties["AssumeRolePolicyDocument"]!));
                    foreach (var policy in properties["Policies"]?.AsArray() ?? [])
                    {
                        documents.Add(($"{id} policy {policy!["PolicyName"]}", policy["PolicyDocument"]!));
                    }
                    break;
                case "AWS::IAM::ManagedPolicy":
                case "AWS::SNS::TopicPolicy":
                case "AWS::SQS::QueuePolicy":
                case "AWS::IAM::Policy":
                    documents.Add((id, properties["PolicyDocument"]!));
                    break;
                case "AWS::KMS::Key":
                    documents.Add(($"{id} key policy", properties["KeyPolicy"]!));
                    break;
            }
            foreach (var (where, document) in documents)
            {
                // A policy given as JSON text (for condition keys built from parameters) is parsed like CloudFormation does.
                var parsed = document is JsonValue text ? JsonNode.Parse(text.GetValue<string>())! : document;
                Assert.Equal("2012-10-17", parsed["Version"]!.GetValue<string>());
                foreach (var statement in parsed["Statement"]!.AsArray()) yield return (where, statement!.AsObject());
            }
        }
    }

    internal static IEnumerable<string> List(JsonNode? node) => node switch
    {
        null => [],
        JsonArray items => items.Select(i => i!.GetValue<string>()),
        _ => [node.GetValue<string>()],
    };

    private static bool IsRead(string action)
    {
        var name = action.Split(':')[1];
        return name.StartsWith("Describe", StringComparison.Ordinal) || name.StartsWith("Get", StringComparison.Ordinal)
            || name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("BatchGet", StringComparison.Ordinal)
            || name == "LookupEvents";
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void No_statement_allows_a_wildcard_action_or_a_write_on_every_resource(string file, string values)
    {
        var stack = Render(file, values);
        var allows = Statements(stack).Where(s => s.Statement["Effect"]!.GetValue<string>() == "Allow").ToList();
        Assert.NotEmpty(allows);
        foreach (var (where, statement) in allows)
        {
            Assert.False(statement.ContainsKey("NotAction"), $"{where}: NotAction in an Allow grants everything else");
            // In a key policy, "*" is the key itself.
            var onEveryResource = List(statement["Resource"]).Contains("*") && !where.EndsWith("key policy", StringComparison.Ordinal);
            foreach (var action in List(statement["Action"]))
            {
                Assert.False(action.Contains('*', StringComparison.Ordinal), $"{where}: wildcard action {action}");
                if (!IsRead(action) && onEveryResource)
                {
                    Assert.True(WriteActionsWithoutResourceLevelPermissions.Contains(action), $"{where}: write action {action} on every resource");
                }
            }
            // Anyone ("*") only within the organization, and in a key or topic policy only for the automation roles.
            var principals = List(statement["Principal"]?["AWS"]).Concat(statement["Principal"] is JsonValue p ? [p.GetValue<string>()] : []);
            if (principals.Contains("*"))
            {
                Assert.Equal("o-a1b2c3d4e5", statement["Condition"]?["StringEquals"]?["aws:PrincipalOrgID"]?.GetValue<string>());
                Assert.NotNull(statement["Condition"]?["ArnLike"]?["aws:PrincipalArn"]);
            }
        }
        foreach (var (id, permission) in stack.OfType("AWS::Lambda::Permission"))
        {
            var principal = permission["Properties"]!["Principal"]!.GetValue<string>();
            Assert.Equal("lambda:InvokeFunction", permission["Properties"]!["Action"]!.GetValue<string>());
            if (principal == "*") Assert.Equal("o-a1b2c3d4e5", permission["Properties"]!["PrincipalOrgID"]?.GetValue<string>());
            else Assert.True(principal == "config.amazonaws.com", $"{id}: unexpected principal {principal}");
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Only_the_revoke_role_may_revoke_and_only_security_groups_of_this_account_and_region(string file, string values)
    {
        var stack = Render(file, values);
        var revokes = Statements(stack)
            .Where(s => s.Statement["Effect"]!.GetValue<string>() == "Allow" && List(s.Statement["Action"]).Any(a => a.StartsWith("ec2:Revoke", StringComparison.Ordinal)))
            .ToList();
        Assert.DoesNotContain(Statements(stack).SelectMany(s => List(s.Statement["Action"])),
            a => a is "ec2:AuthorizeSecurityGroupIngress" or "ec2:RevokeSecurityGroupEgress" or "ec2:DeleteSecurityGroup" or "ec2:ModifySecurityGroupRules");
        if (!RevokingRole.TryGetValue(file, out var role))
        {
            Assert.Empty(revokes); // the central account acts only through member roles
            return;
        }
        var (where, statement) = Assert.Single(revokes);
        Assert.StartsWith(role, where, StringComparison.Ordinal);
        Assert.Equal(["ec2:RevokeSecurityGroupIngress"], List(statement["Action"]));
        Assert.Equal([$"arn:aws:ec2:{CfnTemplate.Region}:{CfnTemplate.AccountId}:security-group/*"], List(statement["Resource"]));
    }

    [Theory]
    [InlineData("org/central.yaml", Organization, "RuleFunctionRole", "SgConfigRuleMember")]
    [InlineData("org/central.yaml", Organization, "RevokeFunctionRole", "SgConfigRuleRemediation")]
    public void Central_functions_may_assume_only_their_member_role_and_only_in_the_organization(string file, string values, string role, string memberRole)
    {
        var statements = Statements(Render(file, values)).Where(s => s.Where.StartsWith(role + " policy", StringComparison.Ordinal)).Select(s => s.Statement).ToList();
        var assume = Assert.Single(statements, s => List(s["Action"]).Contains("sts:AssumeRole"));
        Assert.Equal([$"arn:aws:iam::*:role/{memberRole}-{CfnTemplate.Region}"], List(assume["Resource"]));
        Assert.Equal("o-a1b2c3d4e5", assume["Condition"]!["StringEquals"]!["aws:ResourceOrgID"]!.GetValue<string>());
        // Besides that, only its logs - for the revoke function its own ledger table in the central account and the
        // topic it alone publishes to, for the rule function its queue of failed evaluations (and the solution's key,
        // only through SQS or SNS).
        Assert.All(statements.SelectMany(s => List(s["Action"])), a => Assert.True(a is "sts:AssumeRole" || a.StartsWith("logs:", StringComparison.Ordinal)
            || (role == "RevokeFunctionRole" && a is "dynamodb:GetItem" or "dynamodb:PutItem" or "sns:Publish" or "kms:GenerateDataKey" or "kms:Decrypt")
            || (role == "RuleFunctionRole" && a is "sqs:SendMessage" or "kms:GenerateDataKey" or "kms:Decrypt"), a));
        if (role == "RevokeFunctionRole")
        {
            Assert.Equal(["ref:NotificationTopic"], List(Assert.Single(statements, s => List(s["Action"]).Contains("sns:Publish"))["Resource"]));
            var key = Assert.Single(statements, s => List(s["Action"]).Contains("kms:GenerateDataKey"));
            Assert.Equal(["getatt:NotificationKey.Arn"], List(key["Resource"]));
            Assert.Equal($"sns.{CfnTemplate.Region}.amazonaws.com", key["Condition"]!["StringEquals"]!["kms:ViaService"]!.GetValue<string>());
        }
        if (role == "RuleFunctionRole")
        {
            Assert.Equal(["getatt:RuleFailureQueue.Arn"], List(Assert.Single(statements, s => List(s["Action"]).Contains("sqs:SendMessage"))["Resource"]));
            var key = Assert.Single(statements, s => List(s["Action"]).Contains("kms:GenerateDataKey"));
            Assert.Equal($"sqs.{CfnTemplate.Region}.amazonaws.com", key["Condition"]!["StringEquals"]!["kms:ViaService"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("template.yaml", "{}")]
    [InlineData("org/central.yaml", Organization)]
    public void The_revoke_function_reads_and_conditionally_writes_its_own_ledger_item_and_nothing_else_in_DynamoDB(string file, string values)
    {
        var stack = Render(file, values);
        var ledger = Assert.Single(stack.OfType("AWS::DynamoDB::Table"));
        Assert.Equal("RemediationLedger", ledger.Id);
        var statements = Statements(stack).Where(s => List(s.Statement["Action"]).Any(a => a.StartsWith("dynamodb:", StringComparison.Ordinal))).ToList();
        var (where, statement) = Assert.Single(statements);
        Assert.StartsWith("RevokeFunctionRole policy", where, StringComparison.Ordinal);
        Assert.Equal(["dynamodb:GetItem", "dynamodb:PutItem"], List(statement["Action"]));
        Assert.Equal(["getatt:RemediationLedger.Arn"], List(statement["Resource"]));
        // Encrypted, recoverable, and items the function no longer touches expire.
        var properties = ledger.Resource["Properties"]!;
        Assert.Equal("true", properties["SSESpecification"]!["SSEEnabled"]!.ToString(), ignoreCase: true);
        Assert.Equal("true", properties["PointInTimeRecoverySpecification"]!["PointInTimeRecoveryEnabled"]!.ToString(), ignoreCase: true);
        Assert.Equal("expiresAt", properties["TimeToLiveSpecification"]!["AttributeName"]!.GetValue<string>());
        // The function is told where it is, and the mode it may not exceed.
        var environment = stack.Resources["RevokeFunction"]!["Properties"]!["Environment"]!["Variables"]!;
        Assert.Equal("ref:RemediationLedger", environment["SGCR_LEDGER_TABLE"]!.GetValue<string>());
        Assert.Equal("DryRun", environment["SGCR_REMEDIATION_MODE"]!.GetValue<string>());
        // Within the 60 s Lambda timeout: the central function also publishes its notice (up to 8 s) after the run.
        Assert.Equal(file == "template.yaml" ? "50" : "45", environment["SGCR_TIME_BUDGET_SECONDS"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("template.yaml", "{}")]
    [InlineData("org/member.yaml", Member)]
    public void Groups_carrying_the_exemption_tag_cannot_be_revoked_when_protection_is_on(string file, string values)
    {
        var settings = JsonNode.Parse(values)!.AsObject();
        settings["ExemptionTagKey"] = "security:exempt-until";
        var stack = Render(file, settings.ToJsonString());
        var (_, deny) = Assert.Single(Statements(stack), s => s.Statement["Effect"]!.GetValue<string>() == "Deny"
            && List(s.Statement["Action"]).Contains("ec2:RevokeSecurityGroupIngress"));
        Assert.Equal(["*"], List(deny["Resource"]));
        Assert.Equal("""{"Null":{"aws:ResourceTag/security:exempt-until":"false"}}""", deny["Condition"]!.ToJsonString());
        if (file == "template.yaml")
        {
            Assert.Equal("true", stack.Properties("RevokeFunction")["Environment"]!["Variables"]!["SGCR_EXEMPTION_TAG_PROTECTED_BY_IAM"]!.GetValue<string>());
        }

        foreach (var (key, value) in new[] { ("ProtectExemptGroupsInIam", "false"), ("ExemptionTagKey", "") })
        {
            var off = JsonNode.Parse(values)!.AsObject();
            off[key] = value;
            var unprotected = Render(file, off.ToJsonString());
            Assert.DoesNotContain(Statements(unprotected), s => s.Statement["Effect"]!.GetValue<string>() == "Deny"
                && List(s.Statement["Action"]).Contains("ec2:RevokeSecurityGroupIngress"));
            if (file == "template.yaml")
            {
                Assert.Equal("false", unprotected.Properties("RevokeFunction")["Environment"]!["Variables"]!["SGCR_EXEMPTION_TAG_PROTECTED_BY_IAM"]!.GetValue<string>());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Tags_may_be_written_only_on_security_groups_and_only_the_loop_guard_tag(string file, string values)
    {
        foreach (var (where, statement) in Statements(Render(file, values)).Where(s => List(s.Statement["Action"]).Contains("ec2:CreateTags")))
        {
            Assert.Equal(["ec2:CreateTags"], List(statement["Action"]));
            Assert.Equal([$"arn:aws:ec2:{CfnTemplate.Region}:{CfnTemplate.AccountId}:security-group/*"], List(statement["Resource"]));
            Assert.Equal(["sg-config-rule:revocations"], List(statement["Condition"]?["ForAllValues:StringEquals"]?["aws:TagKeys"]));
            Assert.True(where.StartsWith("RevokeFunctionRole", StringComparison.Ordinal) || where.StartsWith("RemediationMemberRole", StringComparison.Ordinal), where);
        }
    }

    [Fact]
    public void Roles_trust_only_their_service_and_AWS_Config_may_invoke_the_rule_only_for_this_account()
    {
        var stack = Render("template.yaml", "{}");
        var trust = Statements(stack).Where(s => s.Where.EndsWith("trust policy", StringComparison.Ordinal)).ToDictionary(s => s.Where.Split(' ')[0], s => s.Statement);
        Assert.Equal("lambda.amazonaws.com", trust["RuleFunctionRole"]["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal("lambda.amazonaws.com", trust["RevokeFunctionRole"]["Principal"]!["Service"]!.GetValue<string>());
        var automation = trust["AutomationRole"];
        Assert.Equal("ssm.amazonaws.com", automation["Principal"]!["Service"]!.GetValue<string>());
        Assert.Equal(CfnTemplate.AccountId, automation["Condition"]!["StringEquals"]!["aws:SourceAccount"]!.GetValue<string>());
        Assert.Equal($"arn:aws:ssm:*:{CfnTemplate.AccountId}:automation-execution/*", automation["Condition"]!["ArnLike"]!["aws:SourceArn"]!.GetValue<string>());

        var permission = stack.Properties("RuleInvokePermission");
        Assert.Equal("config.amazonaws.com", permission["Principal"]!.GetValue<string>());
        Assert.Equal("lambda:InvokeFunction", permission["Action"]!.GetValue<string>());
        Assert.Equal(CfnTemplate.AccountId, permission["SourceAccount"]!.GetValue<string>());

        // The automation role may invoke only the revoke function's alias and publish only to the topic.
        var run = Statements(stack).Where(s => s.Where.StartsWith("AutomationRole policy", StringComparison.Ordinal)).Select(s => s.Statement).ToList();
        Assert.Equal(["ref:RevokeFunction.Alias"], List(run.Single(s => List(s["Action"]).Contains("lambda:InvokeFunction"))["Resource"]));
        Assert.Equal(["ref:NotificationTopic"], List(run.Single(s => List(s["Action"]).Contains("sns:Publish"))["Resource"]));
    }

    [Fact]
    public void The_topic_policy_refuses_other_accounts_and_plain_HTTP()
    {
        var statements = Statements(Render("template.yaml", "{}")).Where(s => s.Where == "NotificationTopicPolicy").Select(s => s.Statement).ToList();
        Assert.Contains(statements, s => s["Effect"]!.GetValue<string>() == "Deny"
            && s["Condition"]!["Bool"]?["aws:SecureTransport"]?.GetValue<string>() == "false");
        Assert.Contains(statements, s => s["Effect"]!.GetValue<string>() == "Deny"
            && s["Condition"]!["StringNotEquals"]?["aws:PrincipalAccount"]?.GetValue<string>() == CfnTemplate.AccountId);
        var allow = Assert.Single(statements, s => s["Effect"]!.GetValue<string>() == "Allow");
        Assert.Equal("getatt:AutomationRole.Arn", allow["Principal"]!["AWS"]!.GetValue<string>());
        Assert.Equal(["sns:Publish"], List(allow["Action"]));
    }

    [Fact]
    public void Function_logs_go_only_to_their_own_log_group()
    {
        var stack = Render("template.yaml", "{}");
        foreach (var (where, statement) in Statements(stack).Where(s => List(s.Statement["Action"]).Any(a => a.StartsWith("logs:", StringComparison.Ordinal))))
        {
            Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], List(statement["Action"]));
            var group = where.StartsWith("RuleFunctionRole", StringComparison.Ordinal) ? "RuleFunctionLogGroup" : "RevokeFunctionLogGroup";
            Assert.Equal([$"getatt:{group}.Arn"], List(statement["Resource"]));
        }
    }
}
