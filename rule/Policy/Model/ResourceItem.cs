namespace SgConfigRule.Policy.Model;

/// <summary>
/// One resource read from any input shape: either a security group to evaluate, or a resource the rule does not
/// apply to (deleted, out of scope, another type), with the reason. Exactly one of <see cref="Group"/> and
/// <see cref="NotApplicableReason"/> is set.
/// </summary>
public sealed record ResourceItem
{
    public const string SecurityGroupType = "AWS::EC2::SecurityGroup";

    private ResourceItem(string resourceType, string resourceId, string? resourceName, ResourceContext context,
                         SecurityGroup? group, string? notApplicableReason)
    {
        ResourceType = resourceType;
        ResourceId = resourceId;
        ResourceName = resourceName;
        Context = context;
        Group = group;
        NotApplicableReason = notApplicableReason;
    }

    public string ResourceType { get; }
    public string ResourceId { get; }
    public string? ResourceName { get; }
    public ResourceContext Context { get; }
    public SecurityGroup? Group { get; }
    public string? NotApplicableReason { get; }

    /// <summary>Where the resource is defined, when it was read from infrastructure code rather than from AWS.</summary>
    public SourceLocation? Location { get; init; }

    public static ResourceItem ForGroup(SecurityGroup group, ResourceContext context) =>
        new(SecurityGroupType, group.GroupId, group.GroupName, context, group, null);

    public static ResourceItem NotApplicable(string resourceType, string resourceId, string? resourceName,
                                             ResourceContext context, string reason) =>
        new(resourceType, resourceId, resourceName, context, null, reason);
}

/// <summary>Where and when a resource was seen, when the input says so (Config items do; EC2 responses mostly do not).</summary>
public sealed record ResourceContext(string? AccountId, string? Region, string? Arn, DateTimeOffset? CaptureTime)
{
    public static ResourceContext Unknown { get; } = new(null, null, null, null);
}
