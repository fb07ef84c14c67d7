namespace SgConfigRule.Input;

/// <summary>
/// The field names of a security group and its permissions in one input shape. The Config item's
/// <c>configuration</c> and EC2's <c>DescribeSecurityGroups</c> share a structure and differ in casing and in the
/// IPv4 list (Config: legacy <c>ipRanges</c> strings plus <c>ipv4Ranges</c> objects; EC2: <c>IpRanges</c> objects).
/// </summary>
internal sealed record GroupFieldNames(
    string GroupId,
    string GroupName,
    string Description,
    string OwnerId,
    string VpcId,
    string Tags,
    string TagKey,
    string TagValue,
    string IpPermissions,
    string IpProtocol,
    string FromPort,
    string ToPort,
    string IpRanges,
    string? Ipv4Ranges,
    string CidrIp,
    string Ipv6Ranges,
    string CidrIpv6,
    string PrefixListIds,
    string PrefixListId,
    string UserIdGroupPairs,
    string UserId,
    string PairVpcId,
    string VpcPeeringConnectionId,
    string PeeringStatus,
    string PairGroupName,
    string PairGroupId)
{
    /// <summary>Config configuration items (event and API forms), camelCase.</summary>
    public static GroupFieldNames Config { get; } = new(
        GroupId: "groupId", GroupName: "groupName", Description: "description", OwnerId: "ownerId", VpcId: "vpcId",
        Tags: "tags", TagKey: "key", TagValue: "value", IpPermissions: "ipPermissions", IpProtocol: "ipProtocol",
        FromPort: "fromPort", ToPort: "toPort", IpRanges: "ipRanges", Ipv4Ranges: "ipv4Ranges", CidrIp: "cidrIp",
        Ipv6Ranges: "ipv6Ranges", CidrIpv6: "cidrIpv6", PrefixListIds: "prefixListIds", PrefixListId: "prefixListId",
        UserIdGroupPairs: "userIdGroupPairs", UserId: "userId", PairVpcId: "vpcId",
        VpcPeeringConnectionId: "vpcPeeringConnectionId", PeeringStatus: "peeringStatus", PairGroupName: "groupName",
        PairGroupId: "groupId");

    /// <summary>EC2 <c>DescribeSecurityGroups</c> as the AWS CLI and SDKs print it, PascalCase.</summary>
    public static GroupFieldNames Ec2 { get; } = new(
        GroupId: "GroupId", GroupName: "GroupName", Description: "Description", OwnerId: "OwnerId", VpcId: "VpcId",
        Tags: "Tags", TagKey: "Key", TagValue: "Value", IpPermissions: "IpPermissions", IpProtocol: "IpProtocol",
        FromPort: "FromPort", ToPort: "ToPort", IpRanges: "IpRanges", Ipv4Ranges: null, CidrIp: "CidrIp",
        Ipv6Ranges: "Ipv6Ranges", CidrIpv6: "CidrIpv6", PrefixListIds: "PrefixListIds", PrefixListId: "PrefixListId",
        UserIdGroupPairs: "UserIdGroupPairs", UserId: "UserId", PairVpcId: "VpcId",
        VpcPeeringConnectionId: "VpcPeeringConnectionId", PeeringStatus: "PeeringStatus", PairGroupName: "GroupName",
        PairGroupId: "GroupId");
}
