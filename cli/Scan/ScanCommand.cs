using System.CommandLine;
using System.Globalization;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Input;

namespace SgConfigRule.Cli.Scan;

/// <summary><c>scan [INPUT…] [--params JSON|@FILE] [--at ISO-8601] [--format table|json|csv|sarif|html] [--soft-fail]</c> (DESIGN §7).</summary>
public static class ScanCommand
{
    public static Command Create(Terminal terminal)
    {
        var inputs = new Argument<string[]>("INPUT")
        {
            Description = "JSON files or folders of them (any shape: EC2 DescribeSecurityGroups/DescribeSecurityGroupRules, " +
                          "AWS Config items, API responses or rule events; .json.gz as AWS Config delivers them); '-' reads standard input. None: standard input when something is piped in, else the bundled sample.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        CommandLineChecks.RefuseUnknownOptions(inputs);
        var parameters = new Option<string?>("--params")
        {
            Description = "Rule parameters as JSON, or @FILE to read them from a file (the Config rule's InputParameters).",
            HelpName = "JSON|@FILE",
        };
        var at = new Option<string?>("--at")
        {
            Description = "Evaluate as of this time (ISO-8601, UTC if no offset), for exemption expiry. Default: now.",
            HelpName = "ISO-8601",
        };
        var format = new Option<string>("--format")
        {
            Description = "table for people, json for tools, csv for spreadsheets (one row per finding), sarif for code-scanning dashboards, html for one self-contained page (summary, chart, sortable findings).",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json", "csv", "sarif", "html");
        var all = new Option<bool>("--all")
        {
            Description = "With --format csv or html: a row for every group, also those without findings.",
        };
        var onlyNonCompliant = new Option<bool>("--only-non-compliant")
        {
            Description = "Report only NON_COMPLIANT groups (the summary still counts every group).",
        };
        var quiet = new Option<bool>("--quiet", "-q")
        {
            Description = "No progress line on standard error (errors are still said).",
        };
        var outputFile = new Option<string?>("--output")
        {
            Description = "Write the report to FILE instead of standard output (errors stay on standard error).",
            HelpName = "FILE",
        };
        var softFail = new Option<bool>("--soft-fail")
        {
            Description = "Exit 0 even when a group is NON_COMPLIANT (input errors still exit 2).",
        };
        var live = new Option<bool>("--live")
        {
            Description = "Read the security groups of an AWS account instead of files (read-only: DescribeSecurityGroups, " +
                          "DescribeSecurityGroupRules, DescribeManagedPrefixLists, GetManagedPrefixListEntries).",
        };
        var region = new Option<string?>("--region")
        {
            Description = "With --live: the Region, several separated by commas (us-east-1,eu-west-1), or 'all' (every Region enabled for the account); default: AWS_REGION or the profile's.",
        };
        var profile = new Option<string?>("--profile") { Description = "With --live: a named profile from the shared AWS config files." };
        var aggregator = new Option<string?>("--aggregator")
        {
            Description = "With --live: every account and Region of an organization through this AWS Config aggregator " +
                          "(SelectAggregateResourceConfig); --region is the Region the aggregator is in.",
            HelpName = "NAME",
        };
        var roleName = new Option<string?>("--role-name")
        {
            Description = "With --live and --accounts: assume this role in each account (sts:AssumeRole) and read it live.",
            HelpName = "ROLE",
        };
        var accounts = new Option<string?>("--accounts")
        {
            Description = "With --role-name: the account ids, separated by commas, or @FILE with one a line.",
            HelpName = "IDS|@FILE",
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "With --live: how many Regions (of all accounts) are read at once.",
            DefaultValueFactory = _ => OrganizationScan.DefaultConcurrency,
        };
        var templateParameters = new Option<string?>("--template-parameters")
        {
            Description = "Values for CloudFormation template parameters: KEY=VALUE,KEY=VALUE, or @FILE ([{\"ParameterKey\", \"ParameterValue\"}]). Others take their Default.",
            HelpName = "KEY=VALUE,...|@FILE",
        };

        var command = new Command("scan", "Evaluate security groups from exported JSON, or a live account, and report what the rule would flag.")
        {
            inputs, parameters, at, format, all, onlyNonCompliant, outputFile, quiet, softFail, live, region, profile,
            aggregator, roleName, accounts, concurrency, templateParameters,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = BuildOptions(result.GetValue(inputs) ?? [], result.GetValue(parameters), result.GetValue(at),
                result.GetValue(format)!, result.GetValue(softFail), terminal);
            if (options is null) return ExitCodes.InputError;
            if (result.GetValue(all) && options.Format is not (OutputFormat.Csv or OutputFormat.Html))
            {
                terminal.Error.WriteLine("error: --all goes with --format csv or html (the table and JSON list every group already)");
                return ExitCodes.InputError;
            }
            if (result.GetValue(all) && result.GetValue(onlyNonCompliant))
            {
                terminal.Error.WriteLine("error: --all and --only-non-compliant ask for opposite things; give one");
                return ExitCodes.InputError;
            }
            options = options with { AllGroups = result.GetValue(all), OnlyNonCompliant = result.GetValue(onlyNonCompliant), Quiet = result.GetValue(quiet) };
            IReadOnlyDictionary<string, string> templateValues;
            try
            {
                templateValues = TemplateInput.ParseParameters(result.GetValue(templateParameters));
            }
            catch (CliUsageException e)
            {
                terminal.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.InputError;
            }
            var isLive = result.GetValue(live);
            var liveRegion = result.GetValue(region);
            var liveProfile = result.GetValue(profile);
            if (!isLive && (liveRegion is not null || liveProfile is not null))
            {
                terminal.Error.WriteLine("error: --region and --profile go with --live");
                return ExitCodes.InputError;
            }
            var organization = new OrganizationScan(result.GetValue(aggregator), result.GetValue(roleName), result.GetValue(accounts),
                result.GetValue(concurrency), result.GetResult(concurrency) is { Implicit: false });
            if (organization.Check(isLive) is { } wrong)
            {
                terminal.Error.WriteLine($"error: {wrong}");
                return ExitCodes.InputError;
            }
            if (isLive && options.Inputs.Count > 0)
            {
                terminal.Error.WriteLine("error: --live reads the account; give no INPUT files with it");
                return ExitCodes.InputError;
            }
            if (result.GetValue(outputFile) is not { } path) return await RunAsync(terminal).ConfigureAwait(false);
            // The report goes to the file; errors and notes stay on the terminal's standard error.
            StreamWriter file;
            try
            {
                file = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                terminal.Error.WriteLine($"error: --output: cannot write {path}: {e.Message}");
                return ExitCodes.InputError;
            }
            await using (file.ConfigureAwait(false))
            {
                return await RunAsync(terminal with { Out = file, UseColour = false, OutputIsTerminal = false, Width = null }).ConfigureAwait(false);
            }

            async Task<int> RunAsync(Terminal to)
            {
                if (!isLive)
                {
                    return await ScanRunner.RunAsync(options, new FileScanSource(options.Inputs, to.OpenStandardInput, to.StandardInputHasData) { TemplateParameters = templateValues }, to, cancellationToken).ConfigureAwait(false);
                }
                var clients = new List<Amazon.EC2.IAmazonEC2>();
                try
                {
                    // Signed in once (the first Region checks credentials); every Region is checked by name before any call.
                    var regions = LiveRegions(liveRegion);
                    var all = regions is [AllRegions];
                    if (organization.Aggregator is not null && (all || regions.Count > 1))
                    {
                        throw new CliUsageException("--aggregator reads every account and Region through the aggregator: --region names the one Region the aggregator is in");
                    }
                    var aws = all
                        ? CliAws.Options(null, liveProfile, "--region all asks EC2 which Regions are enabled, and needs a Region to ask: set AWS_REGION or the profile's region")
                        : CliAws.Options(regions[0], liveProfile);
                    if (organization.Aggregator is { } aggregatorName)
                    {
                        var config = SgConfigRule.Aws.AwsClients.ConfigService(aws);
                        return await ScanRunner.RunAsync(options, new AggregatorScanSource(config, aggregatorName, aws.ResolveRegion()), to, cancellationToken).ConfigureAwait(false);
                    }
                    // Parts read at once write their warnings from several threads.
                    to = to with { Error = TextWriter.Synchronized(to.Error) };
                    using var limiter = new SemaphoreSlim(organization.Concurrency);
                    if (organization.RoleName is { } role)
                    {
                        IReadOnlyList<string>? named = all ? null : regions[0] is null ? [aws.ResolveRegion()] : [.. regions.OfType<string>()];
                        var accountParts = organization.AccountIds().Select(a => LiveParts.Account(aws, a, role, named, limiter, to.Error)).ToList();
                        return await ScanRunner.RunAsync(options, new OrderedConcurrentSource(accountParts), to, cancellationToken).ConfigureAwait(false);
                    }
                    if (all) regions = await EnabledRegionsAsync(aws, cancellationToken).ConfigureAwait(false);
                    List<string> names = all || regions.Count > 1 ? [.. regions.OfType<string>()] : [aws.ResolveRegion()];
                    if (names.Count == 1)
                    {
                        var client = SgConfigRule.Aws.AwsClients.Ec2(aws with { Region = names[0] });
                        clients.Add(client);
                        return await ScanRunner.RunAsync(options, new LiveScanSource(client, names[0], to.Error), to, cancellationToken).ConfigureAwait(false);
                    }
                    var regionParts = names.Select(name => LiveParts.Region(() => aws, name, null, limiter, to.Error)).ToList();
                    return await ScanRunner.RunAsync(options, new OrderedConcurrentSource(regionParts), to, cancellationToken).ConfigureAwait(false);
                }
                catch (CliUsageException e)
                {
                    to.Error.WriteLine($"error: {e.Message}");
                    return ExitCodes.InputError;
                }
                finally
                {
                    foreach (var client in clients) client.Dispose();
                }
            }
        });
        return command;
    }

    private static ScanOptions? BuildOptions(string[] inputs, string? parametersText, string? atText, string format,
                                             bool softFail, Terminal terminal)
    {
        PolicyParameters parameters;
        try
        {
            parameters = ReadParameters(parametersText);
        }
        catch (ParameterException e)
        {
            var source = parametersText!.StartsWith('@') ? parametersText[1..] : "--params";
            var path = e.Key.Length > 0 ? $"{JsonPath.Root.Property(e.Key)}: " : "";
            terminal.Error.WriteLine($"error: {source}: {path}{e.Message}");
            return null;
        }
        catch (CliUsageException e)
        {
            terminal.Error.WriteLine($"error: {e.Message}");
            return null;
        }
        var evaluatedAt = DateTimeOffset.UtcNow;
        if (atText is not null && !TryParseTime(atText, out evaluatedAt))
        {
            terminal.Error.WriteLine($"error: --at: '{atText}' is not an ISO-8601 date or time (e.g. 2026-11-26 or 2026-11-26T15:00:00Z)");
            return null;
        }
        return new ScanOptions(inputs, parameters, evaluatedAt,
            format switch { "json" => OutputFormat.Json, "csv" => OutputFormat.Csv, "sarif" => OutputFormat.Sarif, "html" => OutputFormat.Html, _ => OutputFormat.Table }, softFail);
    }

    /// <summary>--region all: every Region enabled for the account, as EC2's DescribeRegions names them.</summary>
    internal const string AllRegions = "all";

    private static async Task<IReadOnlyList<string?>> EnabledRegionsAsync(SgConfigRule.Aws.Protocol.AwsClientOptions aws, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> names;
        try
        {
            names = await LiveParts.EnabledRegionsAsync(aws, cancellationToken).ConfigureAwait(false);
        }
        catch (Amazon.Runtime.AmazonServiceException e)
        {
            throw new CliUsageException($"--region all: EC2 DescribeRegions failed ({e.ErrorCode}): {e.Message}; name the Regions instead");
        }
        return names.Count > 0 ? [.. names] : throw new CliUsageException("--region all: DescribeRegions named no enabled Region");
    }

    /// <summary>The Regions of --region: one (null: the default chain's), several, each a valid name, each once — or all.</summary>
    internal static IReadOnlyList<string?> LiveRegions(string? text)
    {
        if (text is null) return [null];
        if (text.Trim() == AllRegions) return [AllRegions];
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0) throw new CliUsageException("--region: no Region named");
        return [.. names.Select(CliAws.CheckRegionName)];
    }

    private static PolicyParameters ReadParameters(string? text)
    {
        if (text is null) return PolicyParameters.Default;
        return ParameterParser.Parse(CommandLineChecks.ReadParameters(text));
    }

    internal static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}

public enum OutputFormat
{
    Table,
    Json,
    Csv,
    Sarif,
    Html,
}

public sealed record ScanOptions(
    IReadOnlyList<string> Inputs,
    PolicyParameters Parameters,
    DateTimeOffset EvaluatedAt,
    OutputFormat Format,
    bool SoftFail)
{
    /// <summary>CSV and HTML: a row for every group, not only for findings.</summary>
    public bool AllGroups { get; init; }

    /// <summary>Report NON_COMPLIANT groups only; the summary and the exit code still count every group.</summary>
    public bool OnlyNonCompliant { get; init; }

    /// <summary>No progress line on standard error.</summary>
    public bool Quiet { get; init; }
}
