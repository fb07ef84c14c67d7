using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SgConfigRule.Cli.Scan;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Remediation.Notification;
using SgConfigRule.Remediation.Plan;

namespace SgConfigRule.Cli.Output;

/// <summary>
/// One self-contained HTML page for people who review a scan away from a terminal: a summary by account, Region and
/// verdict with a bar chart (inline SVG, drawn here, so it shows without scripts), then a table of findings — one row
/// per disallowed rule, with the rule, the reason, the exemption and the command that puts the rule back if remediation
/// removes it — that a small inline script sorts by any column (without scripts it is a plain table), then the input
/// errors. <c>--all</c> adds a row for each group without findings.
/// <para>
/// The table streams: each row is written as its group is evaluated, so a scan of a million groups keeps only the
/// counts by account and Region and at most <see cref="JsonReportWriter.MaxListedErrors"/> input errors in memory.
/// The summary, known only at the end, is therefore written last and shown first by the stylesheet (a flex column in
/// which it comes first): capping the table instead would drop findings an auditor needs.
/// </para>
/// <para>
/// Nothing leaves the page: no external style, script, font or image, and a Content-Security-Policy that allows only
/// this page's own stylesheet and script (by hash) and no load at all, so even text that escaped escaping could not
/// run or fetch. Every text from the input (names, descriptions, tags, reasons, paths) is HTML-escaped, and characters
/// that hide or reorder text are shown as <c>\uXXXX</c>, as in the remediation notice.
/// </para>
/// </summary>
public sealed class HtmlReportWriter(TextWriter output, bool allGroups, bool onlyNonCompliant) : IReportWriter
{
    /// <summary>The chart draws at most this many accounts and Regions (the most NON_COMPLIANT first); the summary table lists all.</summary>
    public const int MaxChartPlaces = 40;

    /// <summary>The findings table's columns: the key a script or a URL fragment (<c>#sort=KEY[:desc]</c>) sorts by, and the heading.</summary>
    public static readonly (string Key, string Heading)[] Columns =
    [
        ("account", "Account"), ("region", "Region"), ("group", "Group"), ("name", "Name"), ("verdict", "Verdict"),
        ("protocol", "Protocol"), ("ports", "Ports"), ("source", "Source"), ("rule", "Rule id"),
        ("description", "Rule description"), ("reason", "Reason"), ("exemption", "Exemption"), ("until", "Until"),
        ("exemption-reason", "Exemption reason"), ("restore", "Restore command"),
    ];

    private const string Stylesheet = """
        :root{color-scheme:light;--ok:#2e7d32;--nc:#c62828;--na:#9e9e9e;--line:#d0d7de}
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
        header{padding:16px 24px;border-bottom:1px solid var(--line)}
        h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0 0 8px}
        .meta{color:#59636e;margin:2px 0;word-break:break-word}
        main{display:flex;flex-direction:column;gap:24px;padding:16px 24px}
        #summary{order:-2}#input-errors{order:-1}
        .totals{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 12px;padding:0;list-style:none}
        .totals li{border:1px solid var(--line);border-radius:6px;padding:6px 12px}
        .totals b{font-size:18px;display:block}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse}
        th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
        thead th{background:#f6f8fa;position:sticky;top:0}
        th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;color:inherit;text-align:left}
        th[aria-sort=ascending] button::after{content:" \25B2"}th[aria-sort=descending] button::after{content:" \25BC"}
        td.num{text-align:right}
        td{overflow-wrap:break-word;max-width:22em}td.id{white-space:nowrap;max-width:none}
        td code{display:block;white-space:pre-wrap;word-break:break-all;font-size:12px;min-width:36em}
        .v-COMPLIANT{color:var(--ok)}.v-NON_COMPLIANT{color:var(--nc);font-weight:bold}.v-NOT_APPLICABLE{color:#59636e}
        svg .ok{fill:var(--ok)}svg .nc{fill:var(--nc)}svg .na{fill:var(--na)}svg text{font:12px system-ui,sans-serif;fill:#1f2328}
        .note{color:#59636e}
        """;

    // Sorts the findings table when a heading is clicked, and on load by '#sort=KEY' or '#sort=KEY:desc'.
    private const string Script = """
        (function () {
          var table = document.getElementById('findings-table');
          if (!table) return;
          var heads = table.tHead.rows[0].cells, body = table.tBodies[0];
          var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
          function sort(column, direction) {
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) { return direction * collator.compare(a.cells[column].textContent, b.cells[column].textContent); });
            var moved = document.createDocumentFragment();
            rows.forEach(function (row) { moved.appendChild(row); });
            body.appendChild(moved);
            for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
            heads[column].setAttribute('aria-sort', direction > 0 ? 'ascending' : 'descending');
          }
          Array.prototype.forEach.call(heads, function (head, column) {
            var button = document.createElement('button');
            button.type = 'button';
            while (head.firstChild) button.appendChild(head.firstChild);
            head.appendChild(button);
            button.addEventListener('click', function () {
              var direction = head.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
              sort(column, direction);
              try { history.replaceState(null, '', '#sort=' + head.dataset.key + (direction < 0 ? ':desc' : '')); } catch (e) { }
            });
          });
          var asked = /^#sort=([a-z-]+)(:desc)?$/.exec(location.hash);
          if (asked) Array.prototype.forEach.call(heads, function (head, column) {
            if (head.dataset.key === asked[1]) sort(column, asked[2] ? -1 : 1);
          });
        })();
        """;

    /// <summary>Only this page's own stylesheet and script, by hash; no load of anything (images, fonts, frames, connections, forms).</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src '{Hash(Stylesheet)}'; script-src '{Hash(Script)}'; base-uri 'none'; form-action 'none'";

    /// <summary>Shown where the input did not say the account or Region (an EC2 answer does not name its Region).</summary>
    public const string NoAccount = "(no account)", NoRegion = "(no Region)";

    private readonly List<(string Input, string Path, string Problem)> errors = [];
    private readonly StringBuilder row = new();
    private long rows;

    public void Begin(PolicyParameters parameters, DateTimeOffset evaluatedAt, bool bundledSample)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var at = Timestamps.Format(evaluatedAt);
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>sg-config-rule scan, ").Append(at).Append("</title>\n")
            .Append("<style>").Append(Stylesheet).Append("</style>\n</head>\n<body>\n<header>\n<h1>Security group scan</h1>\n")
            .Append("<p class=\"meta\">Evaluated at <time>").Append(at).Append("</time> by sg-config-rule</p>\n");
        if (bundledSample) page.Append("<p class=\"meta\">").Append(Escape(TableReportWriter.BundledSampleNote)).Append("</p>\n");
        page.Append("<p class=\"meta\" id=\"policy\">Policy: ");
        var first = true;
        foreach (var (key, value) in parameters.ToInputParameters())
        {
            if (!first) page.Append(" &middot; ");
            first = false;
            page.Append("<code>").Append(Escape(key)).Append('=').Append(Escape(value)).Append("</code>");
        }
        page.Append("</p>\n</header>\n<main>\n<section id=\"findings\">\n<h2>Findings</h2>\n<p class=\"note\">")
            .Append(allGroups ? "One row per disallowed rule, and one for each group without findings. "
                : onlyNonCompliant ? "One row per disallowed rule of a NON_COMPLIANT group (--only-non-compliant); the summary counts every group. "
                : "One row per disallowed rule (an exempt group's findings too; --all adds the groups without findings). ")
            .Append("Click a heading to sort. The restore command puts a rule back if remediation removed it.</p>\n")
            .Append("<div class=\"scroll\"><table id=\"findings-table\">\n<thead><tr>");
        foreach (var (key, heading) in Columns) page.Append("<th scope=\"col\" data-key=\"").Append(key).Append("\">").Append(heading).Append("</th>");
        page.Append("</tr></thead>\n<tbody>\n");
        output.Write(page.ToString());
    }

    public void Write(ResourceItem item, Evaluation evaluation, string source)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(evaluation);
        var verdict = evaluation.Compliance.ToWire();
        var (status, until, reason) = Exemption(evaluation.Exemption);
        if (evaluation.Findings.IsEmpty)
        {
            if (!allGroups) return;
            Row(item, verdict, null, evaluation.Annotation ?? item.NotApplicableReason, status, until, reason, null);
            return;
        }
        foreach (var finding in evaluation.Findings)
        {
            // The command the remediation notice gives for a revoked rule, for this one rule.
            var restore = RestoreCommand.For(item.ResourceId, item.Context.Region, [RevocationPlan.Describe(finding)]);
            Row(item, verdict, finding.Rule, finding.ReasonText, status, until, reason, restore);
        }
    }

    private void Row(ResourceItem item, string verdict, IngressRule? rule, string? why, string? status, string? until, string? exemptionReason, string? restore)
    {
        row.Clear().Append("<tr>");
        Cell(item.Context.AccountId, "id");
        Cell(item.Context.Region, "id");
        Cell(item.ResourceId, "id");
        Cell(item.ResourceName);
        row.Append("<td class=\"id v-").Append(verdict).Append("\">").Append(verdict).Append("</td>");
        Cell(rule?.Protocol.Name, "id");
        Cell(rule is null ? null : Ports(rule), "id");
        Cell(rule?.Source.Display, "id");
        Cell(rule?.RuleId, "id");
        Cell(rule?.Description);
        Cell(why);
        Cell(status);
        Cell(until, "id");
        Cell(exemptionReason);
        if (restore is null) row.Append("<td></td>");
        else row.Append("<td><code>").Append(Escape(restore)).Append("</code></td>");
        output.Write(row.Append("</tr>\n"));
        rows++;

        void Cell(string? text, string? css = null) =>
            (css is null ? row.Append("<td>") : row.Append("<td class=\"").Append(css).Append("\">")).Append(Escape(text)).Append("</td>");
    }

    /// <summary>What the rule opens, beyond its protocol: <c>22</c>, <c>8000-8080</c>, <c>all</c>, an ICMP <c>8:0</c>.</summary>
    private static string Ports(IngressRule rule) =>
        rule.Protocol.IsAll ? "all" : rule.Ports?.ToString() ?? rule.Icmp?.ToString() ?? "";

    /// <summary>The exemption tag as the policy read it, as the JSON report says it: status, date, reason.</summary>
    private static (string? Status, string? Until, string? Reason) Exemption(ExemptionStatus exemption) => exemption switch
    {
        ActiveExemption active => ("active", Date(active.Until), active.Reason),
        ExpiredExemption expired => ("expired", Date(expired.Until), expired.Reason),
        RefusedExemption refused => ("refused", Date(refused.Until), refused.Note),
        _ when exemption.Note is not null => ("malformed", null, exemption.Note),
        _ => (null, null, null),
    };

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void InputError(string input, string jsonPath, string problem)
    {
        if (errors.Count < JsonReportWriter.MaxListedErrors) errors.Add((input, jsonPath, problem));
    }

    public void Finish(ScanSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var page = new StringBuilder();
        page.Append("</tbody>\n</table></div>\n");
        if (rows == 0) page.Append("<p class=\"note\" id=\"no-findings\">No findings.</p>\n");
        page.Append("</section>\n");
        WriteErrors(page, summary.Errors);
        WriteSummary(page, summary);
        page.Append("</main>\n<script>").Append(Script).Append("</script>\n</body>\n</html>\n");
        output.Write(page.ToString());
        output.Flush();
    }

    private void WriteErrors(StringBuilder page, int count)
    {
        page.Append("<section id=\"input-errors\">\n<h2>Input errors</h2>\n");
        if (count == 0)
        {
            page.Append("<p class=\"note\">None: every resource read was evaluated.</p>\n</section>\n");
            return;
        }
        page.Append("<p class=\"v-NON_COMPLIANT\">").Append(count.ToString(CultureInfo.InvariantCulture))
            .Append(" resource(s) could not be read and were not evaluated: the scan is incomplete.</p>\n")
            .Append("<div class=\"scroll\"><table id=\"input-errors-table\">\n<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">Path</th><th scope=\"col\">Problem</th></tr></thead>\n<tbody>\n");
        foreach (var (input, path, problem) in errors)
        {
            page.Append("<tr><td>").Append(Escape(input)).Append("</td><td><code>").Append(Escape(path)).Append("</code></td><td>")
                .Append(Escape(problem)).Append("</td></tr>\n");
        }
        page.Append("</tbody>\n</table></div>\n");
        if (count > errors.Count)
        {
            page.Append("<p class=\"note\">").Append((count - errors.Count).ToString(CultureInfo.InvariantCulture))
                .Append(" more not listed (standard error has them all).</p>\n");
        }
        page.Append("</section>\n");
    }

    private static void WriteSummary(StringBuilder page, ScanSummary summary)
    {
        page.Append("<section id=\"summary\">\n<h2>Summary</h2>\n<ul class=\"totals\">\n");
        Total("evaluated", "groups evaluated", summary.Evaluated, "");
        Total("NON_COMPLIANT", "NON_COMPLIANT", summary.NonCompliant, "v-NON_COMPLIANT");
        Total("COMPLIANT", $"COMPLIANT ({summary.Exempt.ToString(CultureInfo.InvariantCulture)} exempt)", summary.Compliant, "v-COMPLIANT");
        Total("NOT_APPLICABLE", "NOT_APPLICABLE", summary.NotApplicable, "v-NOT_APPLICABLE");
        Total("input-errors", "input errors", summary.Errors, summary.Errors > 0 ? "v-NON_COMPLIANT" : "");
        page.Append("</ul>\n");
        var places = summary.ByPlace;
        WriteChart(page, places);
        page.Append("<div class=\"scroll\"><table id=\"places-table\">\n<thead><tr><th scope=\"col\">Account</th><th scope=\"col\">Region</th>")
            .Append("<th scope=\"col\">NON_COMPLIANT</th><th scope=\"col\">COMPLIANT</th><th scope=\"col\">exempt</th><th scope=\"col\">NOT_APPLICABLE</th><th scope=\"col\">groups</th></tr></thead>\n<tbody>\n");
        foreach (var ((account, region), counts) in places)
        {
            page.Append("<tr><td>").Append(Escape(account ?? NoAccount)).Append("</td><td>").Append(Escape(region ?? NoRegion)).Append("</td>");
            foreach (var n in (int[])[counts.NonCompliant, counts.Compliant, counts.Exempt, counts.NotApplicable, counts.Total])
            {
                page.Append("<td class=\"num\">").Append(n.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            }
            page.Append("</tr>\n");
        }
        page.Append("</tbody>\n</table></div>\n</section>\n");

        void Total(string id, string label, int value, string css) =>
            page.Append("<li id=\"total-").Append(id).Append("\"><b class=\"").Append(css).Append("\">")
                .Append(value.ToString(CultureInfo.InvariantCulture)).Append("</b>").Append(label).Append("</li>\n");
    }

    /// <summary>One stacked bar per account and Region — NON_COMPLIANT, COMPLIANT, NOT_APPLICABLE — scaled to the largest shown.</summary>
    private static void WriteChart(StringBuilder page, IReadOnlyList<KeyValuePair<(string? Account, string? Region), VerdictCounts>> places)
    {
        if (places.Count == 0) return;
        var shown = places.OrderByDescending(p => p.Value.NonCompliant).ThenByDescending(p => p.Value.Total).Take(MaxChartPlaces).ToList();
        const int labelWidth = 240, barWidth = 520, barHeight = 16, step = 24, top = 28;
        var height = top + shown.Count * step + 8;
        var largest = Math.Max(1, shown.Max(p => p.Value.Total));
        var invariant = CultureInfo.InvariantCulture;
        page.Append(invariant, $"<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{labelWidth + barWidth + 60}\" height=\"{height}\" role=\"img\" aria-labelledby=\"chart-title\">\n")
            .Append("<title id=\"chart-title\">Groups by account, Region and verdict</title>\n")
            .Append(invariant, $"<rect class=\"nc\" x=\"{labelWidth}\" y=\"4\" width=\"12\" height=\"12\"/><text x=\"{labelWidth + 16}\" y=\"15\">NON_COMPLIANT</text>")
            .Append(invariant, $"<rect class=\"ok\" x=\"{labelWidth + 130}\" y=\"4\" width=\"12\" height=\"12\"/><text x=\"{labelWidth + 146}\" y=\"15\">COMPLIANT</text>")
            .Append(invariant, $"<rect class=\"na\" x=\"{labelWidth + 236}\" y=\"4\" width=\"12\" height=\"12\"/><text x=\"{labelWidth + 252}\" y=\"15\">NOT_APPLICABLE</text>\n");
        for (var i = 0; i < shown.Count; i++)
        {
            var ((account, region), counts) = shown[i];
            var y = top + i * step;
            var label = $"{account ?? NoAccount} {region ?? NoRegion}";
            page.Append(invariant, $"<g class=\"bar\"><text x=\"0\" y=\"{y + 12}\">").Append(Escape(Shorten(label, 34))).Append("</text>");
            // Segment edges at rounded cumulative positions, so the bar's length is exactly its total's.
            var done = 0;
            foreach (var (css, name, count) in (ReadOnlySpan<(string, string, int)>)[("nc", "NON_COMPLIANT", counts.NonCompliant), ("ok", "COMPLIANT", counts.Compliant), ("na", "NOT_APPLICABLE", counts.NotApplicable)])
            {
                if (count == 0) continue;
                var x0 = (int)Math.Round((double)done / largest * barWidth);
                done += count;
                var x1 = (int)Math.Round((double)done / largest * barWidth);
                page.Append(invariant, $"<rect class=\"{css}\" x=\"{labelWidth + x0}\" y=\"{y}\" width=\"{Math.Max(1, x1 - x0)}\" height=\"{barHeight}\">")
                    .Append("<title>").Append(Escape(label)).Append(invariant, $": {count} {name}</title></rect>");
            }
            var end = (int)Math.Round((double)done / largest * barWidth);
            page.Append(invariant, $"<text x=\"{labelWidth + end + 6}\" y=\"{y + 12}\">{counts.Total}</text></g>\n");
        }
        page.Append("</svg>\n");
        if (places.Count > shown.Count)
        {
            page.Append("<p class=\"note\">The chart shows the ").Append(shown.Count.ToString(invariant)).Append(" accounts and Regions with the most NON_COMPLIANT groups of ")
                .Append(places.Count.ToString(invariant)).Append("; the table lists them all.</p>\n");
        }
    }

    private static string Shorten(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut] + "\u2026";
    }

    /// <summary>
    /// Text for an element's content or a quoted attribute: <c>&amp; &lt; &gt; " '</c> as references; characters that
    /// break lines, hide or reorder text (and lone surrogates) as a visible <c>\uXXXX</c> — a name cannot disguise itself.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        StringBuilder? escaped = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            string? replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            };
            var width = 1;
            if (replacement is null)
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    var rune = new Rune(c, text[i + 1]);
                    width = 2;
                    if (PlainText.IsUnsafe(rune)) replacement = string.Create(CultureInfo.InvariantCulture, $"\\U{rune.Value:X8}");
                }
                else if (char.IsSurrogate(c) || PlainText.IsUnsafe(c))
                {
                    replacement = string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                }
            }
            if (replacement is null)
            {
                escaped?.Append(text, i, width);
            }
            else
            {
                escaped ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
                escaped.Append(replacement);
            }
            i += width - 1;
        }
        return escaped?.ToString() ?? text;
    }

    private static string Hash(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
