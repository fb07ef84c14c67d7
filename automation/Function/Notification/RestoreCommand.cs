using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SgConfigRule.Remediation.Notification;

/// <summary>
/// The AWS CLI command that puts back exactly the revoked rules — same protocol, ports, source and description, one
/// permission per rule — quoted for a POSIX shell. A person copies it from an email: characters of a description that
/// break lines, hide or reorder text (<see cref="PlainText.IsUnsafe(char)"/>) are <c>\uXXXX</c> escapes in its JSON,
/// which the CLI's JSON parser turns back into exactly those characters.
/// </summary>
public static class RestoreCommand
{
    public static string? For(string groupId, string? region, IReadOnlyList<RevokedRule> rules)
    {
        if (rules.Count == 0) return null;
        var regionArgument = region is null ? "" : $" --region {region}";
        return $"aws ec2 authorize-security-group-ingress{regionArgument} --group-id {groupId} --ip-permissions {ShellQuote(PermissionsJson(rules))}";
    }

    /// <summary>The <c>--ip-permissions</c> JSON: EC2's IpPermission shape.</summary>
    public static string PermissionsJson(IReadOnlyList<RevokedRule> rules)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var rule in rules)
            {
                json.WriteStartObject();
                json.WriteString("IpProtocol", rule.Protocol);
                if (rule.Protocol != "-1")
                {
                    json.WriteNumber("FromPort", rule.FromPort);
                    json.WriteNumber("ToPort", rule.ToPort);
                }
                switch (rule.SourceType)
                {
                    case "ipv4": WriteSource(json, "IpRanges", "CidrIp", rule); break;
                    case "ipv6": WriteSource(json, "Ipv6Ranges", "CidrIpv6", rule); break;
                    case "prefixList": WriteSource(json, "PrefixListIds", "PrefixListId", rule); break;
                    default:
                        json.WriteStartArray("UserIdGroupPairs");
                        json.WriteStartObject();
                        json.WriteString("GroupId", rule.Source);
                        if (rule.SourceUserId is not null) json.WriteString("UserId", rule.SourceUserId);
                        if (rule.SourceVpcId is not null) json.WriteString("VpcId", rule.SourceVpcId);
                        if (rule.SourcePeeringConnectionId is not null) json.WriteString("VpcPeeringConnectionId", rule.SourcePeeringConnectionId);
                        if (rule.Description is not null) json.WriteString("Description", rule.Description);
                        json.WriteEndObject();
                        json.WriteEndArray();
                        break;
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return EscapeUnsafe(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>
    /// The relaxed encoder leaves format characters (bidi overrides, zero-width spaces, soft hyphens) as they are; they
    /// can only be inside JSON strings here, where an escape means the same character.
    /// </summary>
    private static string EscapeUnsafe(string json)
    {
        var result = new StringBuilder(json.Length);
        foreach (var c in json)
        {
            if (PlainText.IsUnsafe(c) || char.IsSurrogate(c)) result.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else result.Append(c);
        }
        return result.ToString();
    }

    private static void WriteSource(Utf8JsonWriter json, string list, string field, RevokedRule rule)
    {
        json.WriteStartArray(list);
        json.WriteStartObject();
        json.WriteString(field, rule.Source);
        if (rule.Description is not null) json.WriteString("Description", rule.Description);
        json.WriteEndObject();
        json.WriteEndArray();
    }

    /// <summary>Single quotes keep everything literal in a POSIX shell; a single quote itself becomes <c>'\''</c>.</summary>
    public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
