using System.Text.RegularExpressions;

namespace SgConfigRule.Aws.Protocol;

/// <summary>What an AWS Region name looks like (<c>us-east-1</c>, <c>us-gov-west-1</c>): checked before a name is put in a host or a signature.</summary>
public static partial class RegionName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$")]
    private static partial Regex Pattern();
}
