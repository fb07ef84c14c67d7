using CsCheck;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Tests.Parameters;

/// <summary>
/// An unknown key is an error that helps: a key within two edits of a parameter name (ignoring case) gets
/// "did you mean", a key that differs only in case says keys are case-sensitive, anything else lists every name.
/// </summary>
public class UnknownKeyTests
{
    private const string AllNames = "blockedPorts, authorizedTcpPorts, authorizedUdpPorts, sourceScope, trustedSources, "
        + "exemptionTagKey, maxExemptionDays, scopeTagKey, scopeTagValue, executionRoleName, fullRepostDays";

    private static string Problem(string key)
    {
        var e = Assert.Throws<ParameterException>(() => ParameterParser.Parse($"{{\"{key}\":\"22\"}}"));
        Assert.Equal(key, e.Key);
        Assert.Equal("22", e.Value);
        return e.Problem;
    }

    [Theory]
    [InlineData("blockedport")]   // one edit, ignoring case
    [InlineData("blockPorts")]    // two edits
    [InlineData("blockedPortz")]
    [InlineData("bockedPors")]
    public void A_key_within_two_edits_gets_a_suggestion(string key) =>
        Assert.Equal("unknown parameter; did you mean 'blockedPorts'?", Problem(key));

    [Theory]
    [InlineData("blockPort")]          // three edits
    [InlineData("blockdPor")]          // three edits, the last character of the name among them
    [InlineData("oldBlockedPorts")]    // the name with three characters in front
    [InlineData("allowedPorts")]       // as long as blockedPorts, four characters different
    [InlineData("qqqqqqqqqqqq")]
    [InlineData("maximumExemptionDaysAllowed")]
    [InlineData("ports")]
    public void A_key_further_away_gets_the_list_of_every_name(string key) =>
        Assert.Equal("unknown parameter; known parameters are " + AllNames, Problem(key));

    [Theory]
    [InlineData("BlockedPorts", "blockedPorts")]
    [InlineData("AuthorizedUdpPorts", "authorizedUdpPorts")] // two edits from authorizedTcpPorts, which comes first
    [InlineData("authorizedudpports", "authorizedUdpPorts")]
    [InlineData("SOURCESCOPE", "sourceScope")]
    public void A_key_that_differs_only_in_case_names_its_parameter_and_says_keys_are_case_sensitive(string key, string name) =>
        Assert.Equal($"unknown parameter; did you mean '{name}'? (keys are case-sensitive)", Problem(key));

    [Fact]
    public void The_suggestion_is_the_first_name_within_two_edits_and_there_is_one_exactly_when_a_name_is_that_close()
    {
        var names = ParameterNames.All;
        var edit = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 40], Gen.Char['a', 'z']);
        Gen.Select(Gen.Int[0, names.Count - 1], edit.List[0, 4])
            .Select(t => Mutate(names[t.Item1], t.Item2))
            .Where(key => !names.Contains(key))
            .Sample(key =>
            {
                var sameButCase = names.FirstOrDefault(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase));
                var near = sameButCase ?? names.FirstOrDefault(n => Levenshtein(n.ToUpperInvariant(), key.ToUpperInvariant()) <= 2);
                var expected = near is null ? "unknown parameter; known parameters are " + AllNames
                    : sameButCase is null ? $"unknown parameter; did you mean '{near}'?"
                    : $"unknown parameter; did you mean '{near}'? (keys are case-sensitive)";
                Assert.Equal(expected, Problem(key));
            }, iter: 1000);
    }

    /// <summary>Applies edits (0 insert, 1 delete, 2 substitute, 3 flip case) at positions taken modulo the length.</summary>
    private static string Mutate(string name, List<(int Kind, int Position, char Letter)> edits)
    {
        var text = new System.Text.StringBuilder(name);
        foreach (var (kind, position, letter) in edits)
        {
            if (kind == 0 || text.Length == 0) { text.Insert(position % (text.Length + 1), letter); continue; }
            var at = position % text.Length;
            if (kind == 1 && text.Length > 1) text.Remove(at, 1);
            else if (kind == 2) text[at] = letter;
            else text[at] = char.IsUpper(text[at]) ? char.ToLowerInvariant(text[at]) : char.ToUpperInvariant(text[at]);
        }
        return text.ToString();
    }

    /// <summary>The textbook edit distance (insert, delete, substitute), from its recursive definition.</summary>
    private static int Levenshtein(string a, string b)
    {
        var memo = new int?[a.Length + 1, b.Length + 1];
        int D(int i, int j) => memo[i, j] ??= i == 0 ? j : j == 0 ? i
            : Math.Min(Math.Min(D(i - 1, j) + 1, D(i, j - 1) + 1), D(i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1));
        return D(a.Length, b.Length);
    }
}
