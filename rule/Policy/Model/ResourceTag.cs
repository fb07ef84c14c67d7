namespace SgConfigRule.Policy.Model;

/// <summary>A tag on a security group. Keys are case-sensitive, as in EC2.</summary>
public readonly record struct ResourceTag(string Key, string Value);
