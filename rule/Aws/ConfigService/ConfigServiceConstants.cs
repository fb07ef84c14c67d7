namespace SgConfigRule.Aws.ConfigService;

/// <summary>Values of <c>ComplianceType</c>, named as in the AWS SDK for .NET.</summary>
public static class ComplianceType
{
    public const string COMPLIANT = "COMPLIANT";
    public const string NON_COMPLIANT = "NON_COMPLIANT";
    public const string NOT_APPLICABLE = "NOT_APPLICABLE";

    /// <summary>Defined by the service model, refused by PutEvaluations; listed so nothing sends it by accident.</summary>
    public const string INSUFFICIENT_DATA = "INSUFFICIENT_DATA";
}

/// <summary>Values of <c>ResourceType</c> used here, named as in the AWS SDK for .NET.</summary>
public static class ResourceType
{
    public const string AWSEC2SecurityGroup = "AWS::EC2::SecurityGroup";
}
