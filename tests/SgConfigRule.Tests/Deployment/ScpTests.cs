using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SgConfigRule.Tests.Support;
using static SgConfigRule.Tests.Deployment.IamPolicyTests;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// The service control policies shipped in <c>org/scp/</c> (issue 15, finding 4), evaluated on requests a member-account
/// administrator, an exemption approver and StackSets' execution role would make, and checked against the names the
/// templates create: every role that writes a protected tag is excepted and nothing else, and no one outside the
/// exceptions can take an excepted role's name.
/// </summary>
public sealed class ScpTests
{
    private const string Account = "444455556666";
    private const string Admin = $"arn:aws:iam::{Account}:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef";
    private const string Approver = $"arn:aws:iam::{Account}:role/SecurityExemptionApprover";
    private const string StackSets = $"arn:aws:iam::{Account}:role/stacksets-exec-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d";
    private const string Group = $"arn:aws:ec2:eu-west-1:{Account}:security-group/sg-0123456789abcdef0";
    private const string ExemptKey = "sg-config-rule:exempt";

    private static JsonObject Load(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "org", "scp", name)))!.AsObject();

    private static readonly string[] Policies = ["protect-exemption-tag.json", "protect-sg-config-rule.json"];

    /// <summary>One API request as IAM sees it: who, what, on which resource, with which tag keys and request tags.</summary>
    private sealed record Request(string Principal, string Action, string Resource, IReadOnlyList<string>? TagKeys = null,
                                  IReadOnlyDictionary<string, string>? RequestTags = null)
    {
        public IReadOnlyList<string>? Values(string key) => key switch
        {
            "aws:PrincipalArn" => [Principal],
            "aws:TagKeys" => TagKeys,
            _ when key.StartsWith("aws:RequestTag/", StringComparison.Ordinal) =>
                RequestTags is not null && RequestTags.TryGetValue(key["aws:RequestTag/".Length..], out var v) ? [v] : null,
            _ => throw new InvalidOperationException($"the evaluator does not know the condition key {key}"),
        };
    }

    /// <summary>IAM's glob: <c>*</c> any run of characters, <c>?</c> one.</summary>
    private static bool Like(string value, string pattern, bool ignoreCase = false) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline);

    /// <summary>The condition operators the shipped SCPs use, with IAM's semantics for absent keys; any other fails the test.</summary>
    private static bool ConditionHolds(string op, string key, IReadOnlyList<string> expected, Request request)
    {
        var actual = request.Values(key);
        return op switch
        {
            "Null" => (actual is null) == (expected.Single() == "true"),
            "ArnLike" or "StringLike" => actual is not null && actual.Any(a => expected.Any(e => Like(a, e))),
            // Negated operators hold when the key is absent.
            "ArnNotLike" or "StringNotLike" => actual is null || !actual.Any(a => expected.Any(e => Like(a, e))),
            "ForAnyValue:StringEqualsIgnoreCase" => actual is not null && actual.Any(a => expected.Any(e => string.Equals(a, e, StringComparison.OrdinalIgnoreCase))),
            _ => throw new InvalidOperationException($"the evaluator does not know the operator {op}"),
        };
    }

    private static IEnumerable<JsonObject> Statements(JsonObject policy) => policy["Statement"]!.AsArray().Select(s => s!.AsObject());

    /// <summary>Whether any Deny statement of the shipped SCPs matches (SCPs only deny here; the account's own policies grant).</summary>
    private static string? DeniedBy(Request request)
    {
        foreach (var statement in Policies.SelectMany(p => Statements(Load(p))))
        {
            if (!List(statement["Action"]).Any(a => Like(request.Action, a, ignoreCase: true))) continue;
            if (!List(statement["Resource"]).Any(r => Like(request.Resource, r))) continue;
            var conditions = statement["Condition"]?.AsObject() ?? [];
            if (conditions.All(op => op.Value!.AsObject().All(k => ConditionHolds(op.Key, k.Key, [.. List(k.Value)], request))))
            {
                return statement["Sid"]!.GetValue<string>();
            }
        }
        return null;
    }

    private static Request Tag(string principal, string key, string value = "2026-12-31 change 4711") =>
        new(principal, "ec2:CreateTags", Group, [key], new Dictionary<string, string> { [key] = value });

    public static TheoryData<string, string, bool> TagRequests() => new()
    {
        { Admin, ExemptKey, true },
        { Admin, "SG-Config-Rule:Exempt", true },     // a look-alike key: the function compares case-sensitively, the SCP does not
        { Admin, "Name", false },
        { Approver, ExemptKey, false },
        { StackSets, ExemptKey, true },               // no SgConfigRule role writes tags: none is excepted
    };

    [Theory]
    [MemberData(nameof(TagRequests))]
    public void Only_approvers_write_the_exemption_tag(string principal, string key, bool denied) =>
        Assert.Equal(denied, DeniedBy(Tag(principal, key)) is not null);

    [Theory]
    [InlineData("2026-12-31", false)]
    [InlineData("2026-12-31 CHG-4711 until the migration", false)]
    [InlineData("forever", true)]
    [InlineData("", true)]
    public void Even_an_approver_writes_only_a_value_that_starts_with_a_date(string value, bool denied) =>
        Assert.Equal(denied, DeniedBy(Tag(Approver, ExemptKey, value)) is not null);

    [Fact]
    public void Deleting_every_tag_of_a_group_is_only_for_approvers()
    {
        Assert.NotNull(DeniedBy(new Request(Admin, "ec2:DeleteTags", Group)));
        Assert.Null(DeniedBy(new Request(Approver, "ec2:DeleteTags", Group)));
        Assert.NotNull(DeniedBy(new Request(Admin, "ec2:DeleteTags", Group, [ExemptKey])));
        Assert.Null(DeniedBy(new Request(Admin, "ec2:DeleteTags", Group, ["Name"])));
    }

    private static CfnTemplate.Rendered Member() =>
        CfnTemplate.Load(Path.Combine(TestData.RepositoryRoot, "org", "member.yaml"))
            .Render(new Dictionary<string, string> { ["CentralAccountId"] = "999988887777", ["RemediationMode"] = "Revoke", ["EnableDeployHook"] = "true" });

    private static readonly string[] RoleWrites =
        ["iam:CreateRole", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
         "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary"];

    [Fact]
    public void Every_role_the_member_stack_creates_is_changed_only_by_StackSets()
    {
        var roles = Member().OfType("AWS::IAM::Role")
            .Select(r => r.Resource["Properties"]!["RoleName"]?.GetValue<string>())
            .OfType<string>().ToList();
        // The member, remediation, automation and hook invocation roles have fixed names; the fast path's has none to take.
        Assert.Equal(4, roles.Count);
        foreach (var role in roles)
        {
            var arn = $"arn:aws:iam::{Account}:role/{role}";
            foreach (var action in RoleWrites)
            {
                Assert.True(DeniedBy(new Request(Admin, action, arn)) is not null, $"{action} on {role} by a member administrator");
                Assert.Null(DeniedBy(new Request(StackSets, action, arn)));
            }
        }
    }

    [Fact]
    public void The_document_and_every_event_rule_are_changed_only_by_StackSets()
    {
        var stack = Member();
        var document = $"arn:aws:ssm:{CfnTemplate.Region}:{Account}:document/{stack.Properties("RemediationDocument")["Name"]!.GetValue<string>()}";
        foreach (var action in new[] { "ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion", "ssm:DeleteDocument", "ssm:ModifyDocumentPermission" })
        {
            Assert.NotNull(DeniedBy(new Request(Admin, action, document)));
            Assert.Null(DeniedBy(new Request(StackSets, action, document)));
        }
        var rules = stack.OfType("AWS::Events::Rule").Select(r => r.Id).ToList();
        Assert.Equal(["FastPathOnAuthorize", "FastPathOnModify", "MemberFailuresForward"], rules.Order());
        foreach (var rule in rules)
        {
            var arn = $"arn:aws:events:{CfnTemplate.Region}:{Account}:rule/{stack.Properties(rule)["Name"]!.GetValue<string>()}";
            foreach (var action in new[] { "events:DisableRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets", "events:PutRule" })
            {
                Assert.NotNull(DeniedBy(new Request(Admin, action, arn)));
                Assert.Null(DeniedBy(new Request(StackSets, action, arn)));
            }
        }
    }

    /// <summary>Each principal an SCP excepts, by name pattern.</summary>
    private static IEnumerable<string> Exceptions() =>
        Policies.SelectMany(p => Statements(Load(p)))
            .SelectMany(s => List(s["Condition"]?["ArnNotLike"]?["aws:PrincipalArn"]))
            .Distinct();

    [Fact]
    public void No_one_outside_the_exceptions_can_take_an_excepted_role_name()
    {
        var excepted = Exceptions().ToList();
        Assert.Equal(["arn:aws:iam::*:role/SecurityExemptionApprover", "arn:aws:iam::*:role/stacksets-exec-*"], excepted.Order());
        foreach (var pattern in excepted)
        {
            var name = pattern.Split("role/")[1].Replace("*", "mine", StringComparison.Ordinal);
            var arn = $"arn:aws:iam::{Account}:role/{name}";
            foreach (var action in new[] { "iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy" })
            {
                Assert.True(DeniedBy(new Request(Admin, action, arn)) is not null, $"a member administrator may {action} on {name}");
            }
        }
    }

    [Fact]
    public void Every_role_that_writes_a_protected_tag_is_excepted_and_nothing_else()
    {
        // The roles the templates give ec2:CreateTags or ec2:DeleteTags: since the loop guard moved to the ledger, none.
        var writers = new[] { "template.yaml", "org/member.yaml", "org/central.yaml" }
            .SelectMany(file => IamPolicyTests.Statements(Render(file, file == "org/central.yaml" ? Organization : file == "org/member.yaml" ? IamPolicyTests.Member : "{}")))
            .Where(s => s.Statement["Effect"]!.GetValue<string>() == "Allow" && List(s.Statement["Action"]).Any(a => a is "ec2:CreateTags" or "ec2:DeleteTags"))
            .Select(s => s.Where)
            .ToList();
        Assert.Empty(writers);
        var tagStatements = Statements(Load("protect-exemption-tag.json"))
            .Where(s => List(s["Action"]).Any(a => a.StartsWith("ec2:", StringComparison.Ordinal)) && s["Condition"]?["ArnNotLike"] is not null);
        Assert.All(tagStatements, s => Assert.Equal(["arn:aws:iam::*:role/SecurityExemptionApprover"], List(s["Condition"]!["ArnNotLike"]!["aws:PrincipalArn"])));
    }

    [Theory]
    [InlineData("protect-exemption-tag.json")]
    [InlineData("protect-sg-config-rule.json")]
    public void Each_file_is_a_valid_service_control_policy(string name)
    {
        var text = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "org", "scp", name));
        // AWS Organizations limits an SCP to 5,120 characters.
        Assert.InRange(text.Length, 1, 5_120);
        var policy = Load(name);
        Assert.Equal("2012-10-17", policy["Version"]!.GetValue<string>());
        foreach (var statement in Statements(policy))
        {
            Assert.Equal("Deny", statement["Effect"]!.GetValue<string>());
            Assert.False(statement.ContainsKey("Principal"), "SCPs take no Principal");
            Assert.All(statement.Select(p => p.Key), k => Assert.Contains(k, new[] { "Sid", "Effect", "Action", "Resource", "Condition" }));
            Assert.Matches("^[A-Za-z0-9]+$", statement["Sid"]!.GetValue<string>());
        }
    }
}
