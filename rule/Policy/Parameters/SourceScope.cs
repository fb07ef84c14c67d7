namespace SgConfigRule.Policy.Parameters;

/// <summary>Which sources of an ingress rule count for the policy (parameter <c>sourceScope</c>).</summary>
public enum SourceScope
{
    /// <summary><c>world</c>: only 0.0.0.0/0 and ::/0 (after canonicalisation) — the AWS managed rules' view.</summary>
    World,

    /// <summary><c>public</c>: any CIDR not entirely inside private address space.</summary>
    Public,

    /// <summary><c>address</c> (default): every CIDR and every prefix list.</summary>
    Address,

    /// <summary><c>all</c>: every CIDR, prefix list and referenced security group (self-references included).</summary>
    All,
}

public static class SourceScopeNames
{
    public static string ToParameterValue(this SourceScope scope) => scope switch
    {
        SourceScope.World => "world",
        SourceScope.Public => "public",
        SourceScope.Address => "address",
        SourceScope.All => "all",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, null),
    };

    public static bool TryParse(string text, out SourceScope scope)
    {
        switch (text)
        {
            case "world": scope = SourceScope.World; return true;
            case "public": scope = SourceScope.Public; return true;
            case "address": scope = SourceScope.Address; return true;
            case "all": scope = SourceScope.All; return true;
            default: scope = default; return false;
        }
    }
}
