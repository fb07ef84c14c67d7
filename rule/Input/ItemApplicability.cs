using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// Whether AWS Config's item is one the rule evaluates, and if not the NOT_APPLICABLE annotation: decided here once
/// for every path that meets an item — the item reader (exports, change events, the sweep's and the oversized
/// notification's fetched items) and the oversized notification's summary — so they cannot disagree.
/// </summary>
public static class ItemApplicability
{
    public const string LeftScope = "Resource left the rule's scope";
    public const string Deleted = "Resource deleted";
    public const string NotRecorded = "Resource not recorded by AWS Config";

    public static string NotASecurityGroup(string resourceType) => $"Not a security group ({resourceType})";

    /// <summary>
    /// The NOT_APPLICABLE annotation for an item of this type and <c>configurationItemStatus</c>, or null when the item
    /// is to be evaluated (or its status is unknown: see <see cref="UnknownStatus"/>). Leaving the rule's scope comes
    /// first, then the type, then the status.
    /// </summary>
    public static string? NotApplicableReason(string resourceType, string? status, bool eventLeftScope = false)
    {
        if (eventLeftScope) return LeftScope;
        if (resourceType != ResourceItem.SecurityGroupType) return NotASecurityGroup(resourceType);
        return status switch
        {
            "ResourceDeleted" or "ResourceDeletedNotRecorded" => Deleted,
            "ResourceNotRecorded" => NotRecorded,
            _ => null,
        };
    }

    /// <summary>The problem with a status Config does not document (a new one is not guessed at: the item is not evaluated), or null.</summary>
    public static string? UnknownStatus(string? status) => status is null or "OK" or "ResourceDiscovered" or "ResourceDeleted" or "ResourceDeletedNotRecorded" or "ResourceNotRecorded"
        ? null
        : $"unknown configurationItemStatus '{status}': expected OK, ResourceDiscovered, ResourceNotRecorded, ResourceDeleted or ResourceDeletedNotRecorded";
}
