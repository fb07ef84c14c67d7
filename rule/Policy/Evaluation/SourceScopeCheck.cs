using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Policy.Evaluation;

public enum SourceVerdict
{
    OutOfScope,
    InScope,

    /// <summary>A prefix list whose entries were needed but unknown: counted, because failing open could hide an exposure.</summary>
    InScopeUnresolved,
}

/// <summary>
/// Whether a source counts under <c>sourceScope</c> and <c>trustedSources</c>. A prefix list stands for its entries:
/// for <c>world</c> and <c>public</c> an AWS-managed list never counts, a customer-managed list counts when one of its
/// untrusted entries would, and an unresolved list counts (fail closed). For <c>address</c> and <c>all</c> every
/// untrusted prefix list counts.
/// </summary>
public static class SourceScopeCheck
{
    public static SourceVerdict Check(IngressSource source, PolicyParameters parameters, PrefixListCatalog prefixLists)
    {
        var trusted = parameters.TrustedSources;
        if (!trusted.IsEmpty && trusted.Trusts(source)) return SourceVerdict.OutOfScope; // none trusted: the usual case
        var scope = parameters.SourceScope;
        switch (source)
        {
            case CidrSource c:
                return CidrCounts(c.Cidr, scope) ? SourceVerdict.InScope : SourceVerdict.OutOfScope;
            case PrefixListSource p:
                if (scope is SourceScope.Address or SourceScope.All) return SourceVerdict.InScope;
                if (prefixLists.Find(p.PrefixListId) is not { } list) return SourceVerdict.InScopeUnresolved;
                if (list.IsAwsManaged) return SourceVerdict.OutOfScope;
                foreach (var entry in list.Entries)
                {
                    if (!trusted.Trusts(entry) && CidrCounts(entry, scope)) return SourceVerdict.InScope;
                }
                return SourceVerdict.OutOfScope;
            case UnresolvedSource:
                // Any address, even 0.0.0.0/0: counts under every scope, and no trusted CIDR is known to cover it.
                return SourceVerdict.InScopeUnresolved;
            case SecurityGroupSource:
                return scope == SourceScope.All ? SourceVerdict.InScope : SourceVerdict.OutOfScope;
            default:
                return SourceVerdict.InScope;
        }
    }

    private static bool CidrCounts(Cidr cidr, SourceScope scope) => scope switch
    {
        SourceScope.World => cidr.IsWholeAddressSpace,
        SourceScope.Public => !PrivateAddressSpace.ContainsEntirely(cidr),
        _ => true,
    };
}
