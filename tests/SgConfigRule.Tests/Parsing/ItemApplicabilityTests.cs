using SgConfigRule.Input;

namespace SgConfigRule.Tests.Parsing;

/// <summary>Which of Config's items the rule evaluates, and what it says of the others (one table for every path).</summary>
public sealed class ItemApplicabilityTests
{
    private const string Group = "AWS::EC2::SecurityGroup";

    [Theory]
    [InlineData(Group, null, false, null)]
    [InlineData(Group, "OK", false, null)]
    [InlineData(Group, "ResourceDiscovered", false, null)]
    [InlineData(Group, "ResourceDeleted", false, "Resource deleted")]
    [InlineData(Group, "ResourceDeletedNotRecorded", false, "Resource deleted")]
    [InlineData(Group, "ResourceNotRecorded", false, "Resource not recorded by AWS Config")]
    [InlineData(Group, "OK", true, "Resource left the rule's scope")]
    [InlineData(Group, "ResourceDeleted", true, "Resource left the rule's scope")]
    [InlineData("AWS::EC2::Instance", "OK", false, "Not a security group (AWS::EC2::Instance)")]
    [InlineData("AWS::EC2::Instance", "ResourceDeleted", false, "Not a security group (AWS::EC2::Instance)")]
    [InlineData("AWS::EC2::Instance", "SomethingNew", false, "Not a security group (AWS::EC2::Instance)")]
    [InlineData("AWS::EC2::Instance", "OK", true, "Resource left the rule's scope")]
    public void Each_type_status_and_scope_has_one_answer(string type, string? status, bool leftScope, string? reason) =>
        Assert.Equal(reason, ItemApplicability.NotApplicableReason(type, status, leftScope));

    [Theory]
    [InlineData(null)]
    [InlineData("OK")]
    [InlineData("ResourceDiscovered")]
    [InlineData("ResourceDeleted")]
    [InlineData("ResourceDeletedNotRecorded")]
    [InlineData("ResourceNotRecorded")]
    public void Config_s_documented_statuses_are_known(string? status) => Assert.Null(ItemApplicability.UnknownStatus(status));

    [Theory]
    [InlineData("ResourceArchived")]
    [InlineData("ok")]
    [InlineData("")]
    public void Any_other_status_is_a_problem_that_names_it(string status) =>
        Assert.StartsWith($"unknown configurationItemStatus '{status}'", ItemApplicability.UnknownStatus(status), StringComparison.Ordinal);
}
