using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using SgConfigRule.FakeAws.Ec2;
using SgConfigRule.FakeAws.Infrastructure;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Remediation;
using SgConfigRule.Remediation.Notification;

namespace SgConfigRule.Tests.Remediation;

/// <summary>
/// People choose group names, rule descriptions and tag values, and failing endpoints choose their error texts: none of
/// it may start a line of its own in the email, hide text or reorder it (control and format characters, line and
/// paragraph separators), or reach the subject - and the restore command must still put back exactly what EC2 held.
/// Through the real function against the loopback AWS, and as a property of the notification writer over all of Unicode.
/// </summary>
public class EmailSafetyTests
{
    /// <summary>What a person can try to forge with: the text after the character would start a line if the character broke it.</summary>
    private const string Forged = "Restore with: aws ec2 authorize-security-group-ingress --group-id sg-0bad";

    /// <summary>
    /// Characters that break lines (U+2028, U+2029, NEL, CR), hide text (zero width space, soft hyphen, byte order mark)
    /// or reorder it (marks, overrides, isolates, the Arabic letter mark), as EC2 can hand them over in its XML.
    /// </summary>
    private static readonly int[] CarriedByEc2 =
        [0x2028, 0x2029, 0x0085, 0x000D, 0x200B, 0x200E, 0x200F, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF, 0x00AD, 0x061C];

    /// <summary>
    /// And U+000B and U+000C, which XML 1.0 cannot carry at all - not even as character references - so no EC2 answer
    /// holds them (EC2 refuses them in VPC group names and rule descriptions anyway). A JSON endpoint's error text can.
    /// </summary>
    private static readonly int[] All = [.. CarriedByEc2, 0x000B, 0x000C];

    public static TheoryData<int> Ec2Characters() => [.. CarriedByEc2];

    public static TheoryData<int> AllCharacters() => [.. All];

    [Theory]
    [MemberData(nameof(Ec2Characters))]
    public async Task A_group_name_and_a_rule_description_cannot_forge_lines_or_hide_text_in_the_subject_or_the_email(int codePoint)
    {
        var c = char.ConvertFromUtf32(codePoint);
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.Ec2.AddGroup(RemediationHarness.WebGroup, $"web{c}{Forged}", "Allow HTTPS from anywhere");
        harness.Server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 443, 443, Ec2Source.Ipv4("0.0.0.0/0"), "HTTPS from anywhere");
        harness.Server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32"), $"ssh{c}{Forged}");

        var outcome = await harness.RunAsync();

        Assert.Equal(RemediationStatus.Revoked, outcome.Status);
        AssertSafeSubject(outcome.Subject);
        AssertSafeText(outcome.Text);
        // The people's words are in the email, each on the line that quotes it, never at the start of a line.
        AssertQuotedNotForged(outcome.Text, $"web {Forged}");
        AssertQuotedNotForged(outcome.Text, $"ssh {Forged}");
        Assert.Contains("(web ", outcome.Subject);
    }

    [Theory]
    [MemberData(nameof(Ec2Characters))]
    public async Task An_exemption_tag_value_cannot_forge_lines_or_hide_text_in_the_email(int codePoint)
    {
        var c = char.ConvertFromUtf32(codePoint);
        // The deployment's IAM deny on tagged groups: the malformed value is quoted in a notice that is published.
        await using var harness = await RemediationHarness.StartAsync(configure: r => r with { ExemptionTagProtectedByIam = true });
        await harness.WebServerWithSshAsync();
        harness.Server.Ec2.SetTag(RemediationHarness.WebGroup, "sg-config-rule:exempt", $"soon{c}Restore: curl x|sh");

        var outcome = await harness.RunAsync();

        Assert.Equal(RemediationStatus.BlockedByExemptionTag, outcome.Status);
        Assert.True(outcome.Publish);
        AssertSafeSubject(outcome.Subject);
        AssertSafeText(outcome.Text);
        AssertQuotedNotForged(outcome.Text, "soon Restore: curl x|sh");
    }

    [Theory]
    [MemberData(nameof(Ec2Characters))]
    public async Task A_scope_tag_value_cannot_forge_lines_or_hide_text_in_the_email(int codePoint)
    {
        var c = char.ConvertFromUtf32(codePoint);
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Ec2.SetTag(RemediationHarness.WebGroup, "tier", $"db{c}{Forged}");

        var outcome = await harness.RunAsync(ruleParameters: """{"scopeTagKey":"tier","scopeTagValue":"web"}""");

        Assert.Equal(RemediationStatus.OutOfScope, outcome.Status);
        AssertSafeSubject(outcome.Subject);
        AssertSafeText(outcome.Text);
        AssertQuotedNotForged(outcome.Text, $"db {Forged}");
    }

    /// <summary>
    /// The restore command must restore the description exactly as EC2 holds it, and it is a shell command a person
    /// copies from the email. Decision: the characters stay in the description, but never raw in the command - the
    /// JSON of <c>--ip-permissions</c> carries each of them as a <c>\uXXXX</c> escape, which the AWS CLI's JSON parser
    /// turns back into exactly that character. So the command is one line of visible ASCII (no line separator can split
    /// it where it is pasted, no override can make it read differently from what runs), the email shows it unchanged
    /// (blanking the characters there would restore a different description), and the restore is exact.
    /// </summary>
    [Theory]
    [MemberData(nameof(Ec2Characters))]
    public async Task The_restore_command_in_the_email_restores_the_description_exactly_and_shows_none_of_its_unsafe_characters(int codePoint)
    {
        var description = $"ssh{char.ConvertFromUtf32(codePoint)}{Forged}";
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.Ec2.AddGroup(RemediationHarness.WebGroup, "web");
        harness.Server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32"), description);

        var outcome = await harness.RunAsync();

        Assert.Equal(description, Assert.Single(outcome.Revoked).Description);
        var command = RestoreLine(outcome.Text);
        Assert.Equal(outcome.RestoreCommand, command);
        Assert.All(command, ch => Assert.InRange(ch, ' ', '~'));
        var permissions = JsonNode.Parse(ShellUnquote(command[(command.IndexOf('\'', StringComparison.Ordinal))..]))!;
        Assert.Equal(description, permissions[0]!["IpRanges"]![0]!["Description"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_restore_command_copied_from_the_email_puts_back_a_description_full_of_such_characters_exactly()
    {
        Assert.True(File.Exists("/usr/bin/aws"), "the AWS CLI (Debian package awscli) is missing: ./test.sh installs it");
        var description = "ssh" + string.Concat(CarriedByEc2.Select(char.ConvertFromUtf32)) + "'quoted' \"twice\" " + Forged;
        await using var harness = await RemediationHarness.StartAsync();
        harness.Server.Ec2.AddGroup(RemediationHarness.WebGroup, "web");
        harness.Server.Ec2.AddIngress(RemediationHarness.WebGroup, "tcp", 22, 22, Ec2Source.Ipv4("203.0.113.7/32"), description);
        var outcome = await harness.RunAsync();
        Assert.Empty(harness.Server.Ec2.Rules(RemediationHarness.WebGroup));

        await AwsCli.RunAsync(RestoreLine(outcome.Text), harness.Server);

        var restored = Assert.Single(harness.Server.Ec2.Rules(RemediationHarness.WebGroup));
        Assert.Equal(("tcp", 22, "203.0.113.7/32"), (restored.Protocol, restored.FromPort, restored.Source.CidrIpv4));
        Assert.Equal(Escaped(description), Escaped(restored.Description!));
    }

    /// <summary>Error texts come from endpoints: a JSON endpoint can carry every one of the characters, U+000B and U+000C too.</summary>
    [Theory]
    [MemberData(nameof(AllCharacters))]
    public async Task An_error_text_from_a_failing_endpoint_cannot_forge_lines_or_hide_text_in_the_email(int codePoint)
    {
        var c = char.ConvertFromUtf32(codePoint);
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        harness.Server.Faults.Add(FaultRule.Raw("config", "DescribeConfigRules",
            Reply.JsonError(400, "ValidationException", $"bad rule{c}{Forged}", "com.amazonaws.starling.dove")));

        var outcome = await harness.RunAsync(configRuleName: "sg-config-rule");

        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
        AssertSafeSubject(outcome.Subject);
        AssertSafeText(outcome.Text);
        AssertQuotedNotForged(outcome.Text, $"bad rule {Forged}");
        Assert.Single(outcome.Text.Split('\n'), l => l.StartsWith("Error:", StringComparison.Ordinal));
    }

    /// <summary>
    /// Input that cannot be read is answered with a failure that names the group id as the input gave it. The document
    /// only passes ids that match its pattern, but anyone allowed to invoke the function gets this text back.
    /// </summary>
    [Fact]
    public async Task A_group_id_in_input_that_could_not_be_read_cannot_forge_lines_in_the_email()
    {
        await using var harness = await RemediationHarness.StartAsync();
        var input = new JsonObject { ["SecurityGroupId"] = $"sg-1\n{Forged}\u2028\u202Ex", ["Mode"] = "Revoke" }.ToJsonString();

        var outcome = await harness.Function.InvokeAsync(Encoding.UTF8.GetBytes(input), TestContext.Current.CancellationToken);

        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Contains("is not a security group id", outcome.Error);
        Assert.Empty(harness.Server.Calls);
        AssertSafeSubject(outcome.Subject);
        AssertSafeText(outcome.Text);
        AssertQuotedNotForged(outcome.Text, $"sg-1 {Forged}");
    }

    [Fact]
    public async Task An_HTML_error_page_from_a_proxy_becomes_one_plain_line_in_the_email()
    {
        const string page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{}</style></head>"
                            + "<body><h1>502 Bad Gateway</h1><script>x()</script></body></html>";
        await using var harness = await RemediationHarness.StartAsync();
        await harness.WebServerWithSshAsync();
        // A load balancer in front of EC2 answers every attempt of the first call (the SDK tries it 4 times).
        harness.Server.Faults.Add(FaultRule.Raw("ec2", "DescribeSecurityGroups", new Reply(502, "text/html", page)));

        var outcome = await harness.RunAsync();

        Assert.Equal(RemediationStatus.Failed, outcome.Status);
        Assert.Equal(4, harness.Server.CountCalls("ec2", "DescribeSecurityGroups"));
        Assert.Equal(3, harness.Server.Ec2.Rules(RemediationHarness.WebGroup).Count);
        // The SDK's error, with the page reduced to its words.
        Assert.StartsWith("AmazonEC2Exception (HTTP 502)", outcome.Error);
        var error = Assert.Single(outcome.Text.Split('\n'), l => l.StartsWith("Error:", StringComparison.Ordinal));
        Assert.Contains("502 Bad Gateway", error);
        Assert.DoesNotContain('<', error);
        Assert.DoesNotContain('>', error);
        Assert.DoesNotContain("body{}", error);
        Assert.DoesNotContain("x()", error);
        Assert.DoesNotContain("DOCTYPE", outcome.Text);
        Assert.DoesNotContain('<', outcome.Text);
        AssertSafeText(outcome.Text);
        Assert.StartsWith("SgConfigRule: remediation FAILED for sg-0f3c6a1e2b4d58a90", outcome.Subject);
    }

    // ---- the property ----

    private static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("SGCR_EMAIL_ITER"), out var n) && n > 0 ? n : 3000;

    /// <summary>The characters the examples use, and format characters beyond the BMP (tag characters, musical and hieroglyph format controls).</summary>
    private static readonly int[] Special = [.. All, '\n', '\t', 0x7F, 0x9B, 0x180E, 0x2060, 0x206F, 0xFFF9, 0xE0001, 0xE0041, 0xE007F, 0x1D173, 0x13430, 0x1BCA0];

    private static readonly Gen<int> ScalarValue = Gen.Frequency(
        (3, Gen.Int[0, Special.Length - 1].Select(i => Special[i])),
        (3, Gen.Int[0x20, 0x7E]),
        (2, Gen.Int[0, 0xFFFF].Where(v => v is < 0xD800 or > 0xDFFF)),
        (2, Gen.Int[0x10000, 0x10FFFF]),
        (1, Gen.Int[0x1F300, 0x1F64F]));

    /// <summary>Text from people or endpoints: any Unicode scalar values, short or long (EC2 names take 255 characters).</summary>
    private static readonly Gen<string> PersonText = Gen.Frequency(
        (4, ScalarValue.Array[0, 40]),
        (1, ScalarValue.Array[60, 300])).Select(values => string.Concat(values.Select(char.ConvertFromUtf32)));

    private static readonly Gen<string?> MaybeText = Gen.Frequency((1, Gen.Const((string?)null)), (3, PersonText.Select(s => (string?)s)));

    private static readonly Gen<RevokedRule> RandomRule = Gen.Select(PersonText, MaybeText, MaybeText, PersonText, PersonText, Gen.Int[0, 3])
        .Select(t => new RevokedRule
        {
            RuleId = "sgr-0123456789abcdef0",
            Protocol = "tcp",
            FromPort = 22,
            ToPort = 22,
            Source = "203.0.113.7/32",
            SourceType = "ipv4",
            Description = t.Item2,
            Reason = "blocked port 22",
            Display = "tcp/22 from 203.0.113.7/32",
            Evidence = t.Item6 switch { 0 => RevokeEvidence.Confirmed, 1 => RevokeEvidence.AnswerLost, 2 => RevokeEvidence.Unverified, _ => RevokeEvidence.EarlierRun },
            AddedBy = t.Item3 is null ? null : new Actor
            {
                Principal = t.Item1,
                SourceIpAddress = t.Item3,
                EventName = t.Item4,
                EventId = t.Item5,
                EventTime = new DateTime(2026, 11, 26, 11, 58, 2, DateTimeKind.Utc),
            },
        });

    private static readonly RemediationStatus[] Statuses = Enum.GetValues<RemediationStatus>();

    private static readonly string[] Attributions =
        [AttributionStatus.Found, AttributionStatus.Partial, AttributionStatus.NotYetAvailable, AttributionStatus.NotNeeded, AttributionStatus.Unavailable];

    /// <summary>
    /// Outcomes of every status whose people- and endpoint-controlled texts are random: group name, VPC, descriptions,
    /// CloudTrail actors, notes (which quote tag values) and errors - and, for a run whose input could not be read,
    /// the group id as the input gave it.
    /// </summary>
    private static readonly Gen<RemediationOutcome> RandomOutcome = Gen.Select(
            Gen.Int[0, Statuses.Length - 1].Select(i => Statuses[i]),
            MaybeText,
            MaybeText,
            RandomRule.List[0, 3],
            RandomRule.List[0, 2],
            Gen.Select(MaybeText, MaybeText, PersonText, Gen.Bool, Gen.Int[0, Attributions.Length - 1]))
        .Select(t =>
        {
            var (status, groupName, vpcId, revoked, others, (note, error, inputGroupId, inputUnreadable, attribution)) = t;
            var groupId = status == RemediationStatus.Failed && inputUnreadable ? inputGroupId : RemediationHarness.WebGroup;
            return new RemediationOutcome
            {
                Status = status,
                Mode = "Revoke",
                SecurityGroupId = groupId,
                GroupName = groupName,
                VpcId = vpcId,
                AccountId = "111122223333",
                Region = "us-east-1",
                Time = new DateTime(2026, 11, 26, 12, 0, 5, DateTimeKind.Utc),
                Revoked = revoked,
                WouldRevoke = others,
                Skipped = others,
                Remaining = others,
                Guarded = others,
                LoopGuard = LoopGuardSettings.Default,
                Note = note,
                Error = error,
                Attribution = Attributions[attribution],
                CloudTrailUrl = RevokeFunction.CloudTrailUrl("us-east-1", RemediationHarness.WebGroup),
                RestoreCommand = RestoreCommand.For(RemediationHarness.WebGroup, "us-east-1", revoked),
                AutomationExecutionId = RemediationHarness.ExecutionId,
                RunId = "5f0c3a9e1b7d4c2a8e6f0b1d3c5a7e9f",
                Subject = "",
                Text = "",
                Message = "",
                RevokedRules = "[]",
            };
        });

    [Fact]
    public void No_text_from_all_of_Unicode_puts_an_unsafe_character_in_the_subject_or_the_email_or_a_long_subject_in_SNS()
    {
        RandomOutcome.Sample(outcome =>
        {
            var completed = NotificationWriter.Complete(outcome, PolicyParameters.Default);
            Assert.Empty(Unsafe(completed.Subject, allowNewLine: false));
            Assert.Empty(Unsafe(completed.Text, allowNewLine: true));
            Assert.True(completed.Subject.Length < 100, $"subject of {completed.Subject.Length} characters: {completed.Subject}");
            Assert.Equal(completed.Text, JsonNode.Parse(completed.Message)!["email"]!.GetValue<string>());
        }, iter: Iterations, print: Describe);
    }

    /// <summary>
    /// The lines of the email are the writer's: the same outcome with every random text replaced by a plain word has
    /// exactly as many lines, and each line begins as it does there - no text of a person's begins a line.
    /// </summary>
    [Fact]
    public void No_text_from_all_of_Unicode_adds_a_line_to_the_email_or_begins_one()
    {
        RandomOutcome.Sample(outcome =>
        {
            var lines = NotificationWriter.Complete(outcome, PolicyParameters.Default).Text.Split('\n');
            var plain = NotificationWriter.Complete(Plain(outcome), PolicyParameters.Default).Text.Split('\n');
            Assert.Equal(plain.Length, lines.Length);
            for (var i = 0; i < lines.Length; i++)
            {
                var fixedStart = Math.Min(2, plain[i].Length);
                Assert.True(lines[i].Length >= fixedStart && string.CompareOrdinal(lines[i], 0, plain[i], 0, fixedStart) == 0,
                    $"line {i + 1} begins '{Escaped(lines[i])}' where the writer's begins '{plain[i]}'");
            }
        }, iter: Iterations, print: Describe);
    }

    /// <summary>The outcome with each random text (never null or empty ones) replaced by "x".</summary>
    private static RemediationOutcome Plain(RemediationOutcome o)
    {
        static string? X(string? s) => string.IsNullOrEmpty(s) ? s : "x";
        static RevokedRule Rule(RevokedRule r) => r with
        {
            Description = X(r.Description),
            AddedBy = r.AddedBy is null ? null : r.AddedBy with
            {
                Principal = X(r.AddedBy.Principal)!,
                SourceIpAddress = X(r.AddedBy.SourceIpAddress),
                EventName = X(r.AddedBy.EventName)!,
                EventId = X(r.AddedBy.EventId)!,
            },
        };
        return o with
        {
            SecurityGroupId = X(o.SecurityGroupId)!,
            GroupName = X(o.GroupName),
            VpcId = X(o.VpcId),
            Note = X(o.Note),
            Error = X(o.Error),
            Revoked = [.. o.Revoked.Select(Rule)],
            WouldRevoke = [.. o.WouldRevoke.Select(Rule)],
            Skipped = [.. o.Skipped.Select(Rule)],
            Remaining = [.. o.Remaining.Select(Rule)],
            Guarded = [.. o.Guarded.Select(Rule)],
            RestoreCommand = RestoreCommand.For(RemediationHarness.WebGroup, "us-east-1", [.. o.Revoked.Select(Rule)]),
        };
    }

    private static string Describe(RemediationOutcome o) =>
        $"{o.Status} group {Escaped(o.SecurityGroupId)} name {Escaped(o.GroupName)} vpc {Escaped(o.VpcId)} note {Escaped(o.Note)} error {Escaped(o.Error)} "
        + $"rules [{string.Join("; ", o.Revoked.Concat(o.WouldRevoke).Select(r => $"{Escaped(r.Description)} by {Escaped(r.AddedBy?.Principal)} {Escaped(r.AddedBy?.SourceIpAddress)} {Escaped(r.AddedBy?.EventName)} {Escaped(r.AddedBy?.EventId)}"))}]";

    // ---- checks ----

    private static bool IsUnsafeCategory(UnicodeCategory category) =>
        category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>
    /// Every character of Unicode categories Cc, Cf, Zl or Zp in <paramref name="text"/> (beyond the BMP too), and every
    /// half of a surrogate pair on its own (a string cut inside a character); '\n' only when it is not allowed.
    /// </summary>
    internal static IReadOnlyList<string> Unsafe(string text, bool allowNewLine)
    {
        var found = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var rune = new Rune(text[i], text[i + 1]);
                if (IsUnsafeCategory(Rune.GetUnicodeCategory(rune))) found.Add($"U+{rune.Value:X4} at {i}");
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                found.Add($"lone surrogate U+{(int)text[i]:X4} at {i}");
            }
            else if (!(allowNewLine && text[i] == '\n') && IsUnsafeCategory(CharUnicodeInfo.GetUnicodeCategory(text[i])))
            {
                found.Add($"U+{(int)text[i]:X4} at {i}");
            }
        }
        return found;
    }

    private static void AssertSafeSubject(string subject)
    {
        Assert.True(Unsafe(subject, allowNewLine: false) is [], $"unsafe in the subject: {string.Join(", ", Unsafe(subject, false))}: {Escaped(subject)}");
        Assert.True(subject.Length < 100, $"subject of {subject.Length} characters");
    }

    private static void AssertSafeText(string text) =>
        Assert.True(Unsafe(text, allowNewLine: true) is [], $"unsafe in the email: {string.Join(", ", Unsafe(text, true))}:\n{Escaped(text)}");

    /// <summary><paramref name="quoted"/> is in the email, inside lines that begin with the writer's words, and its own words begin no line.</summary>
    private static void AssertQuotedNotForged(string text, string quoted)
    {
        var lines = text.Split('\n');
        Assert.Contains(lines, l => l.Contains(quoted, StringComparison.Ordinal));
        var forgedStart = quoted[(quoted.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith(forgedStart, StringComparison.Ordinal)
                                          || l.TrimStart().StartsWith(quoted, StringComparison.Ordinal));
    }

    /// <summary>The command under "To restore exactly what was removed:", as a person copies it.</summary>
    private static string RestoreLine(string text)
    {
        var lines = text.Split('\n');
        var heading = Array.IndexOf(lines, "To restore exactly what was removed:");
        Assert.True(heading >= 0, text);
        return lines[heading + 1].Trim(' ');
    }

    /// <summary>What a POSIX shell makes of a word quoted with single quotes (and '\'' for a quote).</summary>
    private static string ShellUnquote(string word)
    {
        Assert.StartsWith("'", word);
        Assert.EndsWith("'", word);
        return word[1..^1].Replace("'\\''", "'", StringComparison.Ordinal);
    }

    private static string Escaped(string? text) => text is null ? "(null)" : string.Concat(text.Select(ch =>
        ch is >= ' ' and <= '~' ? ch.ToString() : $"\\u{(int)ch:X4}"));
}
