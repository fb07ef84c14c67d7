using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SgConfigRule.Cli.Scan;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Cli.Output;

/// <summary>
/// SARIF 2.1.0 for code-scanning dashboards: one result per disallowed rule, under one of two rules (a blocked port
/// opened; a port outside the allow-list opened); the group as the logical location, and the file it was read from as
/// the physical one when it came from a file; a fingerprint made of what the finding is (account, Region, group,
/// protocol, ports, source — not the <c>sgr-</c> id, which a rule re-created with the same content changes), so a
/// dashboard tracks the same finding across scans. An exempt group's findings carry a suppression with the exemption.
/// Input errors are tool notifications and make the invocation unsuccessful, so a partial scan cannot pass for a whole one.
/// </summary>
public sealed class SarifReportWriter(TextWriter output) : IReportWriter, IDisposable
{
    private static readonly (string Id, string Name, FindingReason Reason, string Short, string Full)[] Rules =
    [
        ("SGCR001", "BlockedPortOpen", FindingReason.BlockedPort,
            "A security group rule opens a blocked port to a source the policy covers.",
            "An ingress rule opens one of the blockedPorts (22 and 3389 by default) to a source in the policy's scope (by default any address). SgConfigRule's AWS Config rule reports the group NON_COMPLIANT and its remediation, when on, revokes exactly this rule."),
        ("SGCR002", "PortNotAuthorized", FindingReason.NotAuthorized,
            "A security group rule opens a port outside the authorized ports to a source the policy covers.",
            "Allow-list mode (authorizedTcpPorts / authorizedUdpPorts): an ingress rule opens ports that are not authorized to a source in the policy's scope. SgConfigRule's AWS Config rule reports the group NON_COMPLIANT and its remediation, when on, revokes exactly this rule."),
    ];

    private readonly JsonTextOutput text = new(output, indented: true);
    private readonly List<(string Input, string Path, string Problem)> errors = [];

    public void Begin(PolicyParameters parameters, DateTimeOffset evaluatedAt, bool bundledSample)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var json = text.Json;
        json.WriteStartObject();
        json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "SgConfigRule");
        json.WriteString("semanticVersion", Version());
        json.WriteString("informationUri", "https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules.html");
        json.WriteStartArray("rules");
        foreach (var rule in Rules)
        {
            json.WriteStartObject();
            json.WriteString("id", rule.Id);
            json.WriteString("name", rule.Name);
            json.WriteStartObject("shortDescription");
            json.WriteString("text", rule.Short);
            json.WriteEndObject();
            json.WriteStartObject("fullDescription");
            json.WriteString("text", rule.Full);
            json.WriteEndObject();
            json.WriteStartObject("help");
            json.WriteString("text", "Remove the rule, narrow its source, or exempt the group with the exemption tag until a date (see the policy's documentation).");
            json.WriteEndObject();
            json.WriteStartObject("defaultConfiguration");
            json.WriteString("level", "error");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        // The policy the scan applied, so a dashboard can tell scans under different parameters apart.
        json.WriteStartObject("properties");
        json.WriteBoolean("bundledSample", bundledSample);
        json.WriteString("evaluatedAt", Timestamps.Format(evaluatedAt));
        json.WriteStartObject("parameters");
        foreach (var (key, value) in parameters.ToInputParameters()) json.WriteString(key, value);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartArray("results");
    }

    public void Write(ResourceItem item, Evaluation evaluation, string source)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(evaluation);
        var writer = text.Json;
        foreach (var finding in evaluation.Findings)
        {
            var index = Array.FindIndex(Rules, r => r.Reason == finding.Reason);
            writer.WriteStartObject();
            writer.WriteString("ruleId", Rules[index].Id);
            writer.WriteNumber("ruleIndex", index);
            writer.WriteString("level", "error");
            writer.WriteStartObject("message");
            writer.WriteString("text", $"Security group {item.ResourceId}{(item.ResourceName is { } name ? $" ({name})" : "")}: {finding.Display}.");
            writer.WriteEndObject();
            writer.WriteStartArray("locations");
            writer.WriteStartObject();
            // Infrastructure code: the line the rule is written on, so the dashboard annotates the pull request there.
            if ((finding.Rule.Location ?? item.Location) is { } at)
            {
                writer.WriteStartObject("physicalLocation");
                writer.WriteStartObject("artifactLocation");
                writer.WriteString("uri", ArtifactUri(at.File));
                writer.WriteEndObject();
                if (at.Line > 0)
                {
                    writer.WriteStartObject("region");
                    writer.WriteNumber("startLine", at.Line);
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
            else if (File.Exists(source))
            {
                writer.WriteStartObject("physicalLocation");
                writer.WriteStartObject("artifactLocation");
                writer.WriteString("uri", ArtifactUri(source));
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteStartArray("logicalLocations");
            writer.WriteStartObject();
            writer.WriteString("name", item.ResourceId);
            writer.WriteString("fullyQualifiedName", item.Location is { } defined
                ? $"{defined.File}/{item.ResourceId}"
                : $"{item.Context.AccountId ?? "unknown-account"}/{item.Context.Region ?? "unknown-region"}/{item.ResourceId}");
            writer.WriteString("kind", "resource");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartObject("partialFingerprints");
            writer.WriteString("sgConfigRuleFinding/v1", Fingerprint(item, finding));
            writer.WriteEndObject();
            if (evaluation.Exemption.IsExempt)
            {
                writer.WriteStartArray("suppressions");
                writer.WriteStartObject();
                writer.WriteString("kind", "external");
                writer.WriteString("justification", evaluation.Annotation);
                writer.WriteEndObject();
                writer.WriteEndArray();
            }
            writer.WriteStartObject("properties");
            writer.WriteString("compliance", evaluation.Compliance.ToWire());
            writer.WriteString("ruleId", finding.Rule.RuleId);
            writer.WriteString("protocol", finding.Rule.Protocol.Name);
            writer.WriteNumber("fromPort", finding.Rule.WireFromPort);
            writer.WriteNumber("toPort", finding.Rule.WireToPort);
            writer.WriteString("source", finding.Rule.Source.Display);
            if (finding.Rule.Assumed is { } unknown) writer.WriteString("assumed", unknown);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        text.FlushIfFull();
    }

    public void InputError(string input, string jsonPath, string problem) => errors.Add((input, jsonPath, problem));

    public void Finish(ScanSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var writer = text.Json;
        writer.WriteEndArray();
        writer.WriteStartArray("invocations");
        writer.WriteStartObject();
        // Something could not be read: the scan is not the whole picture, whatever its results say.
        writer.WriteBoolean("executionSuccessful", summary.Errors == 0 && summary.Evaluated > 0);
        writer.WriteStartArray("toolExecutionNotifications");
        foreach (var (input, path, problem) in errors.Take(JsonReportWriter.MaxListedErrors))
        {
            writer.WriteStartObject();
            writer.WriteString("level", "error");
            writer.WriteStartObject("message");
            writer.WriteString("text", $"{input}: {path}: {problem} (this resource was not evaluated)");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        text.Finish();
    }

    public void Dispose() => text.Dispose();

    /// <summary>A URI reference for the input file: relative paths stay relative (what code scanning matches to the repository).</summary>
    private static string ArtifactUri(string path) =>
        Path.IsPathRooted(path) ? new Uri(Path.GetFullPath(path)).AbsoluteUri : Uri.EscapeDataString(path.Replace('\\', '/')).Replace("%2F", "/", StringComparison.Ordinal);

    private static string Fingerprint(ResourceItem item, Finding finding)
    {
        var rule = finding.Rule;
        var what = string.Join('|', item.Context.AccountId, item.Context.Region, item.ResourceId, rule.Protocol.Name, rule.WireFromPort, rule.WireToPort, rule.Source.Display, finding.ReasonCode);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(what)));
    }

    private static string Version()
    {
        var version = typeof(SarifReportWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}
