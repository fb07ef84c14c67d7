using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// cfn-lint 1.9.7 fed the CloudFormation resource specification of @aws-cdk/cfnspec 2.72.1 (tests/tools/patch-cfn-lint.js,
/// run by ./test.sh): every template must pass it, and it must still catch the mistakes it is there for.
/// </summary>
public sealed class LintTests
{
    private static string Tools => Path.Combine(TestData.RepositoryRoot, "tests", "tools");

    internal static ProcessRunner.Result Lint(string template)
    {
        var linter = Path.Combine(Tools, "cfn-lint-patched", "lib", "index.js");
        Assert.True(File.Exists(linter), $"{linter} is missing: run ./test.sh, which installs and patches cfn-lint");
        return ProcessRunner.Run("node", [linter, "validate", template], workingDirectory: Tools, timeout: TimeSpan.FromMinutes(2));
    }

    public static TheoryData<string> Templates() =>
    [
        .. new[] { "template.yaml", "org/conformance-pack.yaml", "org/member.yaml", "org/central.yaml" }
            .Where(file => File.Exists(Path.Combine(TestData.RepositoryRoot, file))),
    ];

    [Theory]
    [MemberData(nameof(Templates))]
    public void The_template_passes_cfn_lint(string file)
    {
        var result = Lint(Path.Combine(TestData.RepositoryRoot, file));
        Assert.True(result.ExitCode == 0, $"{file}:\n{result.All}");
        Assert.Contains("Template valid!", result.Output);
    }

    [Fact]
    public void The_linter_catches_unknown_properties_references_and_resource_types_in_our_template()
    {
        var text = File.ReadAllText(TemplateTests.TemplatePath);
        var broken = text
            .Replace("      Runtime: dotnet10\n", "      Runtime: dotnet10\n      NotAProperty: 1\n", StringComparison.Ordinal)
            .Replace("      TopicArn: !Ref NotificationTopic\n      Protocol: email", "      TopicArn: !Ref NoSuchTopic\n      Protocol: email", StringComparison.Ordinal)
            .Replace("      TargetType: SSM_DOCUMENT\n", "      TargetType: SSM_DOCUMENT\n      BogusRemediationProp: x\n", StringComparison.Ordinal)
            .Replace("Resource: !GetAtt RuleFunctionLogGroup.Arn", "Resource: !GetAtt RuleFunctionLogGroup.NoSuchAttribute", StringComparison.Ordinal);
        Assert.NotEqual(text, broken);
        var path = Path.Combine(Path.GetTempPath(), $"sgcr-broken-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, broken);
        try
        {
            var result = Lint(path);
            Assert.Equal(1, result.ExitCode);
            var report = System.Text.RegularExpressions.Regex.Replace(result.All, @"\x1b\[[0-9;]*m", "");
            Assert.Contains("NotAProperty is not a valid property of AWS::Serverless::Function", report);
            Assert.Contains("Referenced value NoSuchTopic does not exist", report);
            Assert.Contains("BogusRemediationProp is not a valid property of AWS::Config::RemediationConfiguration", report);
            Assert.Contains("No such attribute NoSuchAttribute", report);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
