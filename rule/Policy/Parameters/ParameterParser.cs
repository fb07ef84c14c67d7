using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Policy.Parameters;

/// <summary>
/// Reads rule parameters from the Config rule's <c>InputParameters</c> JSON object. Every key is optional; an unknown
/// key or a malformed value throws a <see cref="ParameterException"/> naming the key — nothing is silently ignored.
/// Values are strings (Config passes them so); <c>maxExemptionDays</c> and <c>fullRepostDays</c> may also be JSON numbers.
/// An empty string means "not given", except for <c>blockedPorts</c> where it blocks nothing and
/// <c>exemptionTagKey</c> where it turns exemptions off.
/// </summary>
public static partial class ParameterParser
{
    private const int MaxExemptionDaysLimit = 36_500;
    private const int FullRepostDaysLimit = 3_650;

    /// <summary>Parses a JSON text; null, empty or blank text means no parameters.</summary>
    public static PolicyParameters Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return PolicyParameters.Default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new ParameterException($"rule parameters are not valid JSON: {e.Message}", e);
        }
        using (document) return Parse(document.RootElement);
    }

    public static PolicyParameters Parse(JsonElement parameters)
    {
        if (parameters.ValueKind == JsonValueKind.Null) return PolicyParameters.Default;
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw new ParameterException($"rule parameters must be a JSON object of strings, not {Describe(parameters.ValueKind)}");
        }
        var result = PolicyParameters.Default;
        foreach (var property in parameters.EnumerateObject())
        {
            var key = property.Name;
            var value = ReadValue(key, property.Value);
            result = key switch
            {
                ParameterNames.BlockedPorts => result with { BlockedPorts = ParsePorts(key, value) },
                ParameterNames.AuthorizedTcpPorts => result with { AuthorizedTcpPorts = IsBlank(value) ? null : ParsePorts(key, value) },
                ParameterNames.AuthorizedUdpPorts => result with { AuthorizedUdpPorts = IsBlank(value) ? null : ParsePorts(key, value) },
                ParameterNames.SourceScope => result with { SourceScope = ParseScope(key, value) },
                ParameterNames.TrustedSources => result with { TrustedSources = ParseTrusted(key, value) },
                ParameterNames.ExemptionTagKey => result with { ExemptionTagKey = ParseTagKey(key, value) },
                ParameterNames.MaxExemptionDays => result with { MaxExemptionDays = ParseDays(key, value, MaxExemptionDaysLimit) },
                ParameterNames.ScopeTagKey => result with { ScopeTagKey = ParseScopeTag(key, value, 128) },
                ParameterNames.ScopeTagValue => result with { ScopeTagValue = ParseScopeTag(key, value, 256) },
                ParameterNames.ExecutionRoleName => result with { ExecutionRoleName = ParseRoleName(key, value) },
                ParameterNames.FullRepostDays => result with { FullRepostDays = ParseDays(key, value, FullRepostDaysLimit) },
                _ => throw UnknownKey(key, value),
            };
        }
        if (result.ScopeTagValue is not null && result.ScopeTagKey is null)
        {
            throw new ParameterException(ParameterNames.ScopeTagValue, result.ScopeTagValue, $"needs {ParameterNames.ScopeTagKey}: a scope names a tag key, optionally with a value");
        }
        return result;
    }

    private static string ReadValue(string key, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number when key is ParameterNames.MaxExemptionDays or ParameterNames.FullRepostDays => value.GetRawText(),
        _ => throw new ParameterException(key, value.GetRawText(), $"must be a string, not {Describe(value.ValueKind)}"),
    };

    private static bool IsBlank(string value) => string.IsNullOrWhiteSpace(value);

    private static PortSet ParsePorts(string key, string value) =>
        PortSet.TryParse(value, out var set, out var error) ? set : throw new ParameterException(key, value, error!);

    private static SourceScope ParseScope(string key, string value)
    {
        if (IsBlank(value)) return SourceScope.Address;
        return SourceScopeNames.TryParse(value.Trim(), out var scope)
            ? scope
            : throw new ParameterException(key, value, "must be one of world, public, address, all");
    }

    private static TrustedSources ParseTrusted(string key, string value)
    {
        if (IsBlank(value)) return TrustedSources.None;
        var cidrs = ImmutableArray.CreateBuilder<Cidr>();
        var prefixLists = ImmutableArray.CreateBuilder<string>();
        var groups = ImmutableArray.CreateBuilder<string>();
        foreach (var rawItem in value.Split(','))
        {
            var item = rawItem.Trim();
            if (item.Length == 0)
            {
                throw new ParameterException(key, value, "empty item in the list (two commas in a row, or a comma at an end)");
            }
            if (item.StartsWith("pl-", StringComparison.Ordinal))
            {
                if (!ResourceIdPattern().IsMatch(item)) throw new ParameterException(key, value, $"'{item}' is not a prefix list id (pl- and 8 or 17 hex digits)");
                prefixLists.Add(item);
            }
            else if (item.StartsWith("sg-", StringComparison.Ordinal))
            {
                if (!ResourceIdPattern().IsMatch(item)) throw new ParameterException(key, value, $"'{item}' is not a security group id (sg- and 8 or 17 hex digits)");
                groups.Add(item);
            }
            else if (Cidr.TryParse(item, out var cidr, out var error))
            {
                cidrs.Add(cidr);
            }
            else
            {
                throw new ParameterException(key, value, $"'{item}' is not a CIDR, a pl- prefix list id or an sg- group id ({error})");
            }
        }
        return new TrustedSources(cidrs.ToImmutable(), prefixLists.ToImmutable(), groups.ToImmutable());
    }

    private static string? ParseTagKey(string key, string value)
    {
        if (value.Length == 0) return null;
        if (value.Length > 128) throw new ParameterException(key, value, "a tag key has at most 128 characters");
        if (value != value.Trim()) throw new ParameterException(key, value, "a tag key must not start or end with blanks");
        if (value.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            throw new ParameterException(key, value, "tag keys starting with aws: are reserved by AWS and cannot be set on a group");
        }
        return value;
    }

    /// <summary>The rule's tag scope (AWS Config's Scope.TagKey / TagValue limits); aws: keys are allowed here, they only select.</summary>
    private static string? ParseScopeTag(string key, string value, int maxLength)
    {
        if (value.Length == 0) return null;
        if (value.Length > maxLength) throw new ParameterException(key, value, $"has at most {maxLength} characters");
        if (value != value.Trim()) throw new ParameterException(key, value, "must not start or end with blanks");
        return value;
    }

    private static int? ParseDays(string key, string value, int limit)
    {
        if (IsBlank(value)) return null;
        var text = value.Trim();
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days > limit)
        {
            throw new ParameterException(key, value, $"must be a whole number of days from 0 to {limit}");
        }
        return days;
    }

    private static string? ParseRoleName(string key, string value)
    {
        if (IsBlank(value)) return null;
        return RoleNamePattern().IsMatch(value)
            ? value
            : throw new ParameterException(key, value, "must be an IAM role name (1-64 of letters, digits and +=,.@_-), not an ARN or path");
    }

    private static ParameterException UnknownKey(string key, string value)
    {
        var sameButCase = ParameterNames.All.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        var near = sameButCase ?? ParameterNames.All.FirstOrDefault(k => EditDistance(k.ToUpperInvariant(), key.ToUpperInvariant()) <= 2);
        var hint = near is null
            ? $"unknown parameter; known parameters are {string.Join(", ", ParameterNames.All)}"
            : $"unknown parameter; did you mean '{near}'?{(sameButCase is null ? "" : " (keys are case-sensitive)")}";
        return new ParameterException(key, value, hint);
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    [GeneratedRegex("^(sg|pl)-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex ResourceIdPattern();

    [GeneratedRegex("^[A-Za-z0-9+=,.@_-]{1,64}$")]
    private static partial Regex RoleNamePattern();
}
