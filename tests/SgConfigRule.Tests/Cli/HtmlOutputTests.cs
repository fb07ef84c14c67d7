using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using CsCheck;
using SgConfigRule.Cli;
using SgConfigRule.Cli.Output;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Cli;

/// <summary>
/// `scan --format html`: one self-contained page — summary by account, Region and verdict with an SVG chart, the
/// findings with their restore command, the input errors — parsed as a browser parses it (AngleSharp), compared with
/// the JSON report of the same input, proven to load nothing and to escape hostile text, and rendered by headless
/// Chromium (issue 17).
/// </summary>
public sealed class HtmlOutputTests
{
    private static readonly HtmlParser Parser = new();

    private static IDocument Page(string html) => Parser.ParseDocument(html);

    private static (IDocument Page, string Html) Html(params string[] args)
    {
        var run = CliRunner.Run(["scan", "--format", "html", .. args]);
        Assert.True(run.ExitCode is ExitCodes.Clean or ExitCodes.NonCompliant or ExitCodes.InputError, run.Error);
        return (Page(run.Out), run.Out);
    }

    private static JsonNode Json(params string[] args) => JsonNode.Parse(CliRunner.Run(["scan", "--format", "json", .. args]).Out)!;

    /// <summary>The findings table's rows, each as heading key → cell text.</summary>
    private static List<Dictionary<string, string>> Findings(IDocument page)
    {
        var keys = page.QuerySelectorAll("#findings-table thead th").Select(th => th.GetAttribute("data-key")!).ToList();
        Assert.Equal(HtmlReportWriter.Columns.Select(c => c.Key), keys);
        return [.. page.QuerySelectorAll("#findings-table tbody tr").Select(tr =>
        {
            var cells = tr.QuerySelectorAll("td").Select(td => td.TextContent).ToList();
            Assert.Equal(keys.Count, cells.Count);
            return keys.Zip(cells).ToDictionary(p => p.First, p => p.Second);
        })];
    }

    private static int Total(IDocument page, string id) => int.Parse(page.QuerySelector($"#total-{id} b")!.TextContent, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An organization's groups as `aws configservice select-aggregate-resource-config` prints them: each names its account and Region.</summary>
    private static string AggregatorRow(string account, string region, string id, string name, string tags, string permissions) =>
        JsonSerializer.Serialize(
            "{\"accountId\":" + JsonSerializer.Serialize(account) + ",\"awsRegion\":" + JsonSerializer.Serialize(region) + ",\"resourceId\":\"" + id +
            "\",\"resourceType\":\"AWS::EC2::SecurityGroup\",\"tags\":" + tags +
            ",\"configuration\":{\"groupId\":\"" + id + "\",\"groupName\":" + JsonSerializer.Serialize(name) + ",\"ipPermissions\":" + permissions + "}}");

    private static string Permission(int port, string cidr, string? description = null) =>
        "{\"ipProtocol\":\"tcp\",\"fromPort\":" + port + ",\"toPort\":" + port + ",\"ipv4Ranges\":[{\"cidrIp\":\"" + cidr + "\"" +
        (description is null ? "" : ",\"description\":" + JsonSerializer.Serialize(description)) + "}]}";

    [Fact]
    public void One_row_per_finding_with_the_JSON_reports_verdicts_rules_and_exemptions()
    {
        var (page, _) = Html("--at", "2026-11-26");
        var json = Json("--at", "2026-11-26");
        var expected = json["results"]!.AsArray().SelectMany(r => r!["findings"]!.AsArray().Select(f => (Group: r, Finding: f!))).ToList();
        var rows = Findings(page);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, rows.Count);
        foreach (var ((group, finding), row) in expected.Zip(rows))
        {
            Assert.Equal(group["resourceId"]!.GetValue<string>(), row["group"]);
            Assert.Equal(group["resourceName"]?.GetValue<string>() ?? "", row["name"]);
            Assert.Equal(group["accountId"]?.GetValue<string>() ?? "", row["account"]);
            Assert.Equal(group["compliance"]!.GetValue<string>(), row["verdict"]);
            Assert.Equal(finding["protocol"]!.GetValue<string>(), row["protocol"]);
            Assert.Equal(finding["source"]!.GetValue<string>(), row["source"]);
            Assert.Equal(finding["description"]?.GetValue<string>() ?? "", row["description"]);
            Assert.StartsWith(finding["reason"]!.GetValue<string>() == "blockedPort" ? "blocked port" : "not authorized", row["reason"], StringComparison.Ordinal);
            Assert.Equal(group["exemption"]?["status"]?.GetValue<string>() ?? "", row["exemption"]);
            Assert.Equal(group["exemption"]?["until"]?.GetValue<string>() ?? "", row["until"]);
            Assert.Equal(group["exemption"]?["reason"]?.GetValue<string>() ?? "", row["exemption-reason"]);
            var from = finding["fromPort"]!.GetValue<int>();
            var to = finding["toPort"]!.GetValue<int>();
            Assert.Equal(finding["protocol"]!.GetValue<string>() == "all" ? "all" : from == to ? $"{from}" : $"{from}-{to}", row["ports"]);
        }
        // An exempt group's findings are listed, under COMPLIANT, with the exemption.
        Assert.Contains(rows, r => r["verdict"] == "COMPLIANT" && r["exemption"] == "active" && r["until"] == "2099-12-31");
    }

    /// <summary>The restore command puts back exactly the rule of its row: read back from the page, the --ip-permissions JSON is that rule.</summary>
    [Fact]
    public void The_restore_command_of_each_row_authorizes_exactly_its_rule_again()
    {
        var json = Json();
        var expected = json["results"]!.AsArray().SelectMany(r => r!["findings"]!.AsArray().Select(f => (Group: r!["resourceId"]!.GetValue<string>(), Finding: f!))).ToList();
        var commands = Html().Page.QuerySelectorAll("#findings-table tbody tr td:last-child code").Select(c => c.TextContent).ToList();
        Assert.Equal(expected.Count, commands.Count);
        foreach (var ((group, finding), command) in expected.Zip(commands))
        {
            var prefix = $"aws ec2 authorize-security-group-ingress --group-id {group} --ip-permissions '";
            Assert.StartsWith(prefix, command, StringComparison.Ordinal);
            Assert.EndsWith("'", command, StringComparison.Ordinal);
            var permission = Assert.Single(Permissions(command))!;
            var protocol = finding["protocol"]!.GetValue<string>();
            Assert.Equal(protocol == "all" ? "-1" : protocol, permission["IpProtocol"]!.GetValue<string>());
            if (protocol != "all")
            {
                Assert.Equal(finding["fromPort"]!.GetValue<int>(), permission["FromPort"]!.GetValue<int>());
                Assert.Equal(finding["toPort"]!.GetValue<int>(), permission["ToPort"]!.GetValue<int>());
            }
            var (list, field) = finding["sourceType"]!.GetValue<string>() switch
            {
                "ipv4" => ("IpRanges", "CidrIp"),
                "ipv6" => ("Ipv6Ranges", "CidrIpv6"),
                "prefixList" => ("PrefixListIds", "PrefixListId"),
                _ => ("UserIdGroupPairs", "GroupId"),
            };
            var source = Assert.Single(permission[list]!.AsArray())!;
            Assert.Equal(finding["source"]!.GetValue<string>(), source[field]!.GetValue<string>());
            Assert.Equal(finding["description"]?.GetValue<string>(), source["Description"]?.GetValue<string>());
        }
    }

    /// <summary>The <c>--ip-permissions</c> of a restore command: its last word, a POSIX single-quoted string (<c>'\''</c> is a quote).</summary>
    private static JsonArray Permissions(string command)
    {
        var start = command.IndexOf(" --ip-permissions '", StringComparison.Ordinal) + " --ip-permissions '".Length;
        Assert.EndsWith("'", command, StringComparison.Ordinal);
        return JsonNode.Parse(command[start..^1].Replace("'\\''", "'", StringComparison.Ordinal))!.AsArray();
    }

    [Fact]
    public void All_adds_a_row_for_each_group_without_findings_and_only_non_compliant_keeps_those()
    {
        var json = Json()["results"]!.AsArray();
        var clean = json.Where(r => r!["findings"]!.AsArray().Count == 0).Select(r => r!["resourceId"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(clean);
        var all = Findings(Html("--all").Page);
        Assert.Equal(clean, all.Where(r => r["protocol"] == "").Select(r => r["group"]));
        Assert.Equal(json.Select(r => r!["resourceId"]!.GetValue<string>()).Order(), all.Select(r => r["group"]).Distinct().Order());
        Assert.All(all.Where(r => r["protocol"] == ""), r => Assert.Equal("", r["restore"]));

        var (only, _) = Html("--only-non-compliant");
        var nonCompliant = json.Where(r => r!["compliance"]!.GetValue<string>() == "NON_COMPLIANT").Select(r => r!["resourceId"]!.GetValue<string>()).ToList();
        Assert.Equal(nonCompliant, Findings(only).Select(r => r["group"]).Distinct());
        // The summary still counts every group.
        Assert.Equal(json.Count, Total(only, "evaluated"));
        Assert.Contains("--only-non-compliant", only.QuerySelector("#findings .note")!.TextContent, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.InputError, CliRunner.Run("scan", "--format", "html", "--all", "--only-non-compliant").ExitCode);
        Assert.Equal(ExitCodes.InputError, CliRunner.Run("scan", "--format", "json", "--all").ExitCode);
    }

    /// <summary>
    /// For any organization — accounts, Regions, verdicts, and files that cannot be read — the totals, the table by
    /// account and Region and the chart say what the JSON report of the same input says.
    /// </summary>
    [Fact]
    public void Counts_equal_the_JSON_reports_for_any_organization()
    {
        string[] accounts = ["111122223333", "444455556666", "777788889999"];
        string[] regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
        var group = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 3]);
        Gen.Select(group.Array[1, 30], Gen.Int[0, 3]).Sample((groups, broken) =>
        {
            var dir = Directory.CreateTempSubdirectory("sgcr-html-org-").FullName;
            var rows = groups.Select((g, i) =>
            {
                var (account, region, kind) = g;
                var id = $"sg-{i:x17}";
                return kind switch
                {
                    0 => AggregatorRow(accounts[account], regions[region], id, "open", "[]", "[" + Permission(22, "0.0.0.0/0") + "]"),
                    1 => AggregatorRow(accounts[account], regions[region], id, "exempt", """[{"key":"sg-config-rule:exempt","value":"2099-01-01 vendor"}]""", "[" + Permission(3389, "0.0.0.0/0") + "]"),
                    2 => AggregatorRow(accounts[account], regions[region], id, "private", "[]", "[" + Permission(22, "10.0.0.0/8") + "]"),
                    _ => JsonSerializer.Serialize("{\"accountId\":\"" + accounts[account] + "\",\"awsRegion\":\"" + regions[region] + "\",\"resourceId\":\"" + id +
                                                  "\",\"resourceType\":\"AWS::EC2::SecurityGroup\",\"configurationItemStatus\":\"ResourceDeleted\",\"configuration\":null}"),
                };
            });
            File.WriteAllText(Path.Combine(dir, "org.json"), "{\"Results\": [" + string.Join(", ", rows) + "]}");
            for (var i = 0; i < broken; i++) File.WriteAllText(Path.Combine(dir, $"broken-{i}.json"), """{"SecurityGroups": [{"GroupId": 5}]}""");

            var json = Json(dir, "--at", "2026-11-26");
            var (page, _) = Html(dir, "--at", "2026-11-26");
            var summary = json["summary"]!;
            Assert.Equal(summary["COMPLIANT"]!.GetValue<int>(), Total(page, "COMPLIANT"));
            Assert.Equal(summary["NON_COMPLIANT"]!.GetValue<int>(), Total(page, "NON_COMPLIANT"));
            Assert.Equal(summary["NOT_APPLICABLE"]!.GetValue<int>(), Total(page, "NOT_APPLICABLE"));
            Assert.Equal(json["inputErrorCount"]!.GetValue<int>(), Total(page, "input-errors"));
            Assert.Equal(json["results"]!.AsArray().Count, Total(page, "evaluated"));
            Assert.Equal(broken, page.QuerySelectorAll("#input-errors-table tbody tr").Length);

            // By account and Region: NON_COMPLIANT, COMPLIANT, exempt, NOT_APPLICABLE, all.
            var expected = json["results"]!.AsArray()
                .GroupBy(r => (r!["accountId"]!.GetValue<string>(), r["region"]!.GetValue<string>()))
                .OrderBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
                .Select(p => string.Join(' ', p.Key.Item1, p.Key.Item2, Count(p, "NON_COMPLIANT"), Count(p, "COMPLIANT"),
                    p.Count(r => r!["exemption"]?["status"]?.GetValue<string>() == "active"), Count(p, "NOT_APPLICABLE"), p.Count()))
                .ToList();
            var table = page.QuerySelectorAll("#places-table tbody tr").Select(tr => string.Join(' ', tr.QuerySelectorAll("td").Select(td => td.TextContent))).ToList();
            Assert.Equal(expected, table);
            // The chart: one bar per place, each segment's tooltip a count.
            var bars = page.QuerySelectorAll("#chart g.bar").ToList();
            Assert.Equal(expected.Count, bars.Count);
            var charted = bars.SelectMany(b => b.QuerySelectorAll("rect title")).Select(t => t.TextContent).ToList();
            Assert.Equal(summary["NON_COMPLIANT"]!.GetValue<int>(), Sum(charted, "NON_COMPLIANT"));
            Assert.Equal(summary["COMPLIANT"]!.GetValue<int>(), Sum(charted, "COMPLIANT"));
            Assert.Equal(summary["NOT_APPLICABLE"]!.GetValue<int>(), Sum(charted, "NOT_APPLICABLE"));
        }, iter: 25);

        static int Count(IEnumerable<JsonNode?> results, string verdict) => results.Count(r => r!["compliance"]!.GetValue<string>() == verdict);
        static int Sum(List<string> titles, string verdict) => titles.Where(t => t.EndsWith(" " + verdict, StringComparison.Ordinal))
            .Sum(t => int.Parse(t[(t.LastIndexOf(": ", StringComparison.Ordinal) + 2)..t.LastIndexOf(' ')], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Input_errors_are_listed_with_their_file_and_path()
    {
        var input = CliRunner.WriteTemp("""{"SecurityGroups": [{"GroupId": 5}]}""", "bad <file>.json");
        var run = CliRunner.Run("scan", "--format", "html", input);
        Assert.Equal(ExitCodes.InputError, run.ExitCode);
        var page = Page(run.Out);
        var cells = page.QuerySelectorAll("#input-errors-table tbody tr td").Select(td => td.TextContent).ToList();
        Assert.Equal([input, "$.SecurityGroups[0].GroupId", "must be a string, not a number"], cells);
        Assert.Equal(1, Total(page, "input-errors"));
        Assert.NotNull(page.QuerySelector("#no-findings"));
    }

    /// <summary>
    /// Nothing can be fetched: no element that loads (img, link, iframe, object, embed, audio, video, source), no URL in a
    /// src or href, no url() or @import in the stylesheet, and a Content-Security-Policy, first in the head, allowing no
    /// load and only this page's own stylesheet and script by their hashes.
    /// </summary>
    [Fact]
    public void The_page_loads_nothing_and_its_policy_allows_only_its_own_style_and_script()
    {
        var (page, html) = Html("--all");
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Empty(page.QuerySelectorAll("img, link, iframe, frame, object, embed, audio, video, source, track, base, form"));
        Assert.DoesNotContain(page.All, e => e.HasAttribute("src") || e.HasAttribute("href") || e.HasAttribute("xlink:href") || e.HasAttribute("srcset"));
        Assert.DoesNotContain("http://", html.Replace("xmlns=\"http://www.w3.org/2000/svg\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        var style = Assert.Single(page.QuerySelectorAll("style")).TextContent;
        var script = Assert.Single(page.QuerySelectorAll("script"));
        Assert.False(script.HasAttribute("src"));
        Assert.DoesNotContain("url(", style, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", style, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch(", script.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("XMLHttpRequest", script.TextContent, StringComparison.Ordinal);

        var head = page.Head!.Children.ToList();
        Assert.Equal("utf-8", head[0].GetAttribute("charset"));
        Assert.Equal("Content-Security-Policy", head[1].GetAttribute("http-equiv"));
        var policy = head[1].GetAttribute("content")!.Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ')[1..]);
        Assert.Equal(["'none'"], policy["default-src"]);
        Assert.Equal([$"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)))}'"], policy["style-src"]);
        Assert.Equal([$"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.TextContent)))}'"], policy["script-src"]);
        Assert.Equal(["'none'"], policy["base-uri"]);
        Assert.Equal(["'none'"], policy["form-action"]);
        // No inline style attribute or event handler the policy would have to allow.
        Assert.DoesNotContain(page.All, e => e.Attributes.Any(a => a.Name == "style" || a.Name.StartsWith("on", StringComparison.Ordinal)));
    }

    private static readonly string[] Hostile =
    [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "</style>", "</td></tr></table>", "'", "\"", "&amp;",
        "&", "<!--", "-->", "]]>", "</svg>", "<svg onload=alert(1)>", "javascript:", "</title>", "<textarea>", "</script>",
        "<a href=//evil.example>", "é", "日本語", "😀", " ", "web", "&#60;", "<![CDATA[", "<base href=//x>", "ﬁ",
    ];

    /// <summary>
    /// Whatever a group's creator typed — name, rule description, exemption reason, even the account id of an export —
    /// the page parses to the same elements as with plain text, no attribute runs code, and each cell shows the text
    /// exactly as typed.
    /// </summary>
    [Fact]
    public void Hostile_text_adds_no_element_or_attribute_and_reads_back_exactly()
    {
        static (IDocument Page, string Input) Scan(string text)
        {
            var row = AggregatorRow(text, "us-east-1", "sg-0123456789abcdef0", text,
                "[{\"key\":\"sg-config-rule:exempt\",\"value\":" + JsonSerializer.Serialize("2099-01-01 [" + text + "]") + "}]",
                "[" + Permission(22, "0.0.0.0/0", text) + "]");
            var input = CliRunner.WriteTemp("{\"Results\": [" + row + "]}");
            var run = CliRunner.Run("scan", "--format", "html", "--at", "2026-11-26", input);
            Assert.Equal(ExitCodes.Clean, run.ExitCode);
            return (Page(run.Out), input);
        }
        static string Shape(IDocument page) => string.Join(' ', page.All.Select(e => e.LocalName + "[" + string.Join(',', e.Attributes.Select(a => a.Name)) + "]"));

        var plain = Shape(Scan("plain").Page);
        Gen.Int[0, Hostile.Length - 1].Array[1, 6].Select(picks => string.Concat(picks.Select(i => Hostile[i]))).Sample(text =>
        {
            var (page, _) = Scan(text);
            Assert.Equal(plain, Shape(page));
            Assert.DoesNotContain(page.All.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.Ordinal));
            var row = Assert.Single(Findings(page));
            Assert.Equal(text, row["account"]);
            Assert.Equal(text, row["name"]);
            Assert.Equal(text, row["description"]);
            Assert.Equal("[" + text + "]", row["exemption-reason"]);
            Assert.Equal(text, Permissions(row["restore"])[0]!["IpRanges"]![0]!["Description"]!.GetValue<string>());
            Assert.Equal(text, page.QuerySelector("#places-table tbody td")!.TextContent);
        }, iter: 60);
    }

    [Theory]
    [InlineData("admin\u202Egnp.exe", "admin\\u202Egnp.exe")]      // right-to-left override: would show "exe.png"
    [InlineData("a\u200Bb", "a\\u200Bb")]                          // zero-width space
    [InlineData("line\nbreak", "line\\u000Abreak")]
    [InlineData("tag\U000E0041", "tag\\U000E0041")]                // an invisible tag character, beyond the BMP
    [InlineData("<b>&'\"", "&lt;b&gt;&amp;&#39;&quot;")]
    [InlineData("日本語 😀", "日本語 😀")]
    public void Characters_that_hide_or_reorder_text_are_shown_not_obeyed(string text, string escaped) =>
        Assert.Equal(escaped, HtmlReportWriter.Escape(text));

    [Fact]
    public void Half_a_surrogate_pair_is_shown_not_replaced() =>
        // Built at run time: an attribute's string cannot hold a lone surrogate.
        Assert.Equal("lone\\uD800 and \\uDC00", HtmlReportWriter.Escape("lone" + (char)0xD800 + " and " + (char)0xDC00));

    [Fact]
    public void Output_writes_the_page_to_the_file()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("sgcr-html-").FullName, "report.html");
        var run = CliRunner.Run("scan", "--format", "html", "--at", "2026-11-26T00:00:00Z", "--output", path);
        Assert.Equal(ExitCodes.NonCompliant, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Equal(CliRunner.Run("scan", "--format", "html", "--at", "2026-11-26T00:00:00Z").Out, File.ReadAllText(path));
    }

    // ---- rendered by a real browser ----

    private static string Chromium()
    {
        var path = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (path is null) Assert.Skip("chromium is not installed (./test.sh installs the Debian package chromium; it could not here)");
        return path;
    }

    private static ProcessRunner.Result Browse(string chromium, string url, params string[] args)
    {
        // A profile of its own: tests run in parallel, and two browsers cannot share one.
        var profile = Directory.CreateTempSubdirectory("sgcr-chromium-").FullName;
        return ProcessRunner.Run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile}", .. args, url],
            timeout: TimeSpan.FromMinutes(2));
    }

    private static string WriteReport(string name, params string[] args)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("sgcr-html-").FullName, name);
        var run = CliRunner.Run(["scan", "--format", "html", "--output", path, .. args]);
        Assert.True(run.ExitCode is ExitCodes.Clean or ExitCodes.NonCompliant, run.Error);
        return path;
    }

    /// <summary>
    /// A screenshot at 1280×2000 is that size, not blank, and shows the summary first although it is written last:
    /// the chart's NON_COMPLIANT bar (the stylesheet's red, so the policy let the stylesheet apply) is in the upper part
    /// of the page, above the findings.
    /// </summary>
    [Fact]
    public void Chromium_renders_the_page_with_the_summary_chart_on_top()
    {
        var chromium = Chromium();
        var page = WriteReport("report.html", "--all");
        var shot = Path.Combine(Path.GetDirectoryName(page)!, "shot.png");
        var run = Browse(chromium, new Uri(page).AbsoluteUri, $"--screenshot={shot}", "--window-size=1280,2000", "--hide-scrollbars");
        Assert.True(File.Exists(shot), run.All);
        var image = Png.Read(File.ReadAllBytes(shot));
        Assert.Equal((1280, 2000), (image.Width, image.Height));
        var colours = new HashSet<int>();
        var nonWhite = 0;
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
            {
                var p = image.Pixel(x, y);
                colours.Add(p);
                if (p != 0xFFFFFF) nonWhite++;
            }
        Assert.True(colours.Count > 20, $"only {colours.Count} colours: a blank page?");
        Assert.True(nonWhite > 10_000, $"only {nonWhite} non-white pixels");
        // The red bar: a run of at least 40 pixels of exactly #c62828 in one line, in the top 600 lines.
        var barLine = Enumerable.Range(0, image.Height).FirstOrDefault(y => Run(image, y, 0xC62828) >= 40, -1);
        Assert.InRange(barLine, 0, 600);
        var greenLine = Enumerable.Range(0, image.Height).FirstOrDefault(y => Run(image, y, 0x2E7D32) >= 40, -1);
        Assert.InRange(greenLine, 0, 600);

        static int Run(Png image, int y, int colour)
        {
            int longest = 0, current = 0;
            for (var x = 0; x < image.Width; x++)
            {
                current = image.Pixel(x, y) == colour ? current + 1 : 0;
                longest = Math.Max(longest, current);
            }
            return longest;
        }
    }

    /// <summary>
    /// The page's script runs under its own policy and sorts: loaded with <c>#sort=ports</c> the rows are in numeric
    /// order of their ports (9 before 22 before 443, not text order), with <c>#sort=ports:desc</c> the reverse, and the
    /// heading says so; hostile names stay text in the rendered DOM.
    /// </summary>
    [Fact]
    public void Chromium_runs_the_sort_script_from_the_url_fragment()
    {
        var chromium = Chromium();
        int[] ports = [443, 9, 3389, 22, 8080, 80];
        var rows = ports.Select((port, i) => AggregatorRow("111122223333", "eu-west-1", $"sg-{i:x17}",
            i == 0 ? "<img src=x onerror=alert(1)>" : $"web-{i}", "[]", "[" + Permission(port, "0.0.0.0/0") + "]"));
        var input = CliRunner.WriteTemp("{\"Results\": [" + string.Join(", ", rows) + "]}");
        var page = WriteReport("sorted.html", input, "--params", """{"blockedPorts": "9,22,80,443,3389,8080"}""");
        var unsorted = Findings(Page(File.ReadAllText(page))).Select(r => r["ports"]).ToList();
        Assert.Equal(ports.Select(p => $"{p}"), unsorted);

        foreach (var (fragment, expected, sort) in new[]
                 {
                     ("#sort=ports", ports.Order(), "ascending"),
                     ("#sort=ports:desc", ports.OrderDescending(), "descending"),
                 })
        {
            var run = Browse(chromium, new Uri(page).AbsoluteUri + fragment, "--dump-dom");
            Assert.True(run.ExitCode == 0, run.Error);
            var dom = Page(run.Output);
            Assert.Equal(expected.Select(p => $"{p}"), Findings(dom).Select(r => r["ports"]));
            var heading = dom.QuerySelector("#findings-table th[data-key=ports]")!;
            Assert.Equal(sort, heading.GetAttribute("aria-sort"));
            // Every heading became a button: the script ran for all of them.
            Assert.Equal(HtmlReportWriter.Columns.Length, dom.QuerySelectorAll("#findings-table thead th > button").Length);
            Assert.Empty(dom.QuerySelectorAll("img"));
            Assert.Contains(Findings(dom), r => r["name"] == "<img src=x onerror=alert(1)>");
        }
    }

    /// <summary>Just enough PNG to read a screenshot: 8-bit RGB or RGBA, not interlaced, the five filters.</summary>
    private sealed class Png
    {
        private readonly byte[] pixels;
        private readonly int channels;

        private Png(int width, int height, int channels, byte[] pixels) => (Width, Height, this.channels, this.pixels) = (width, height, channels, pixels);

        public int Width { get; }
        public int Height { get; }

        /// <summary>0xRRGGBB.</summary>
        public int Pixel(int x, int y)
        {
            var i = (y * Width + x) * channels;
            return (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
        }

        public static Png Read(byte[] file)
        {
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], file[..8]);
            int width = 0, height = 0, channels = 0;
            using var data = new MemoryStream();
            for (var at = 8; at < file.Length;)
            {
                var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
                var type = Encoding.ASCII.GetString(file, at + 4, 4);
                var body = file.AsSpan(at + 8, length);
                if (type == "IHDR")
                {
                    width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body);
                    height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                    Assert.Equal(8, body[8]);
                    channels = body[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"PNG colour type {body[9]}") };
                    Assert.Equal(0, body[12]);
                }
                else if (type == "IDAT") data.Write(body);
                else if (type == "IEND") break;
                at += 12 + length;
            }
            data.Position = 0;
            using var inflate = new ZLibStream(data, CompressionMode.Decompress);
            var stride = width * channels;
            var raw = new byte[height * (stride + 1)];
            inflate.ReadExactly(raw);
            var pixels = new byte[height * stride];
            for (var y = 0; y < height; y++)
            {
                var filter = raw[y * (stride + 1)];
                for (var x = 0; x < stride; x++)
                {
                    int a = x >= channels ? pixels[y * stride + x - channels] : 0;
                    int b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
                    int c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
                    var value = raw[y * (stride + 1) + 1 + x];
                    pixels[y * stride + x] = (byte)(filter switch
                    {
                        0 => value,
                        1 => value + a,
                        2 => value + b,
                        3 => value + (a + b) / 2,
                        4 => value + Paeth(a, b, c),
                        _ => throw new InvalidDataException($"PNG filter {filter}"),
                    });
                }
            }
            return new Png(width, height, channels, pixels);
        }

        private static int Paeth(int a, int b, int c)
        {
            var p = a + b - c;
            int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
