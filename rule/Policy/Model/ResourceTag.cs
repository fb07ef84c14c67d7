namespace SgConfigRule.Policy.Model;

/// <summary>A tag on a security group. Keys are case-sensitive, as in EC2.</summary>
public readonly record struct ResourceTag(string Key, string Value)
{
    /// <summary>
    /// The value is known only at deployment (a template's import, a Terraform value known after apply); <see
    /// cref="Value"/> then only names it. Such a value exempts nothing and keeps a group inside the scope (fail closed).
    /// </summary>
    public bool ValueUnknown { get; init; }
}
