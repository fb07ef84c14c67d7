namespace SgConfigRule.Cli.Scan;

/// <summary>
/// The options that read more than one account: <c>--aggregator</c> (AWS Config sees them all), or <c>--role-name</c>
/// with <c>--accounts</c> (a role assumed in each), and <c>--concurrency</c>. Checked before anything is signed.
/// </summary>
public sealed record OrganizationScan(string? Aggregator, string? RoleName, string? Accounts, int Concurrency, bool ConcurrencyGiven)
{
    public const int DefaultConcurrency = 4;
    public const int MaxConcurrency = 64;

    /// <summary>What is wrong with the combination given, or null.</summary>
    public string? Check(bool live)
    {
        if (!live && (Aggregator ?? RoleName ?? Accounts) is not null || !live && ConcurrencyGiven)
        {
            return "--aggregator, --role-name, --accounts and --concurrency go with --live";
        }
        if (Aggregator is not null && (RoleName ?? Accounts) is not null)
        {
            return "--aggregator reads the organization through AWS Config, --role-name and --accounts through a role in each account; give one way";
        }
        if ((RoleName is null) != (Accounts is null)) return "--role-name and --accounts go together: the role to assume, and the accounts to assume it in";
        if (Concurrency is < 1 or > MaxConcurrency) return $"--concurrency: {Concurrency} is not 1-{MaxConcurrency}";
        if (Aggregator is not null && (Aggregator.Length is 0 or > 256 || !Aggregator.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            return $"--aggregator: '{Shorten(Aggregator)}' is not an aggregator name (1-256 letters, digits, '_' and '-')";
        }
        if (RoleName is not null && (RoleName.Length is 0 or > 64 || !RoleName.All(c => char.IsAsciiLetterOrDigit(c) || "+=,.@_-".Contains(c, StringComparison.Ordinal))))
        {
            return $"--role-name: '{Shorten(RoleName)}' is not an IAM role name (1-64 letters, digits and +=,.@_-; the name, not the ARN)";
        }
        if (Accounts is null) return null;
        try
        {
            AccountIds();
        }
        catch (CliUsageException e)
        {
            return e.Message;
        }
        return null;
    }

    /// <summary>The accounts of --accounts, in the order given, each once: ids separated by commas, or @FILE with one a line ('#' starts a comment).</summary>
    public IReadOnlyList<string> AccountIds()
    {
        var text = Accounts ?? throw new InvalidOperationException("no --accounts");
        string[] ids;
        if (CommandLineChecks.ReadFileArgument("--accounts", text, "the ids themselves") is { } content)
        {
            ids = [.. content.Split('\n').Select(line => (line.Contains('#', StringComparison.Ordinal) ? line[..line.IndexOf('#', StringComparison.Ordinal)] : line).Trim())
                .Where(line => line.Length > 0)];
        }
        else
        {
            ids = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }
        if (ids.Length == 0) throw new CliUsageException("--accounts: no account id given");
        if (ids.FirstOrDefault(id => id.Length != 12 || !id.All(char.IsAsciiDigit)) is { } bad)
        {
            throw new CliUsageException($"--accounts: '{Shorten(bad)}' is not an AWS account id (12 digits)");
        }
        return [.. ids.Distinct(StringComparer.Ordinal)];
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
