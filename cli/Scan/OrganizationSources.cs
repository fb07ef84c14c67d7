using System.Runtime.CompilerServices;
using Amazon.Runtime;
using SgConfigRule.Aws;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Aws.ConfigService.Model;
using SgConfigRule.Aws.Protocol;
using SgConfigRule.Input;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Cli.Scan;

/// <summary>An AWS call that ends the whole scan, said in one line that names what to do (the runner prints it, exit 2).</summary>
public sealed class ScanStoppedException : Exception
{
    public ScanStoppedException(string message) : base(message) { }

    public ScanStoppedException() { }

    public ScanStoppedException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Every account's and Region's security groups through an AWS Config aggregator: one advanced query
/// (SelectAggregateResourceConfig), 100 rows a page. Each row names its account and Region and is read as a row of a
/// <c>select-aggregate-resource-config</c> output file is. Prefix lists of other accounts cannot be resolved from here,
/// so rules using them fail closed (their findings say <c>prefix list unresolved</c>), as for exported files.
/// </summary>
public sealed class AggregatorScanSource(IAmazonConfigService config, string aggregator, string region) : IScanSource
{
    /// <summary>The fields the reader needs: identity, where, tags (exemptions), the configuration and whether it still exists.</summary>
    public const string Expression =
        "SELECT accountId, awsRegion, resourceId, resourceName, resourceType, tags, configuration, configurationItemStatus " +
        "WHERE resourceType = 'AWS::EC2::SecurityGroup'";

    public string Name => $"(aggregator {aggregator})";

    public async IAsyncEnumerable<ScanInput> ReadAsync(PolicyParameters parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new SelectAggregateResourceConfigRequest
        {
            Expression = Expression,
            ConfigurationAggregatorName = aggregator,
            Limit = AmazonConfigServiceClient.MaxSelectResultsPerPage,
        };
        var pages = config.SelectAggregateResourceConfigPages(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (pages.ConfigureAwait(false))
        {
            var row = 0;
            while (true)
            {
                SelectAggregateResourceConfigResponse page;
                try
                {
                    if (!await pages.MoveNextAsync().ConfigureAwait(false)) yield break;
                    page = pages.Current;
                }
                catch (AwsServiceException e)
                {
                    throw Explain(e);
                }
                foreach (var outcome in InputReader.ReadSelectRows(page.Results, JsonPath.Root.Property("Results"), row))
                {
                    yield return new ScanInput(Name, outcome, PrefixListCatalog.Empty);
                }
                row += page.Results.Count;
            }
        }
    }

    private ScanStoppedException Explain(AwsServiceException e) => e.ErrorCode switch
    {
        "NoSuchConfigurationAggregatorException" => new ScanStoppedException(
            $"--aggregator: there is no configuration aggregator '{aggregator}' in {region} ({e.ErrorCode}); an aggregator lives in one Region: pass that Region with --region", e),
        "AccessDeniedException" or "AccessDenied" or "UnauthorizedOperation" => new ScanStoppedException(
            $"--aggregator {aggregator}: access denied ({e.ErrorCode}): the caller needs config:SelectAggregateResourceConfig on the aggregator ({e.ErrorMessage})", e),
        _ => new ScanStoppedException($"--aggregator {aggregator}: {e.Message}", e),
    };
}

/// <summary>One part of a scan read as a whole (a Region of an account): its results, in the order they are to be reported.</summary>
public delegate Task<IReadOnlyList<ScanInput>> ScanUnit(PolicyParameters parameters, CancellationToken cancellationToken);

/// <summary>
/// Parts read concurrently — each part bounds itself with the shared limiter — and reported in the order given
/// (account, then Region, then group), whatever order they finish in: the same state gives the same report.
/// A part's results are held until the parts before it are reported.
/// </summary>
public sealed class OrderedConcurrentSource(IReadOnlyList<ScanUnit> units) : IScanSource
{
    public async IAsyncEnumerable<ScanInput> ReadAsync(PolicyParameters parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reads = units.Select(unit => Task.Run(() => unit(parameters, stop.Token), stop.Token)).ToList();
        try
        {
            foreach (var read in reads)
            {
                foreach (var input in await read.ConfigureAwait(false)) yield return input;
            }
        }
        finally
        {
            // A scan that stops early (an error, Ctrl-C) leaves no read running behind it.
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(reads).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException || AwsCallFailure.Is(e) || e is AwsRequestException)
            {
                // Already reported through the read that was awaited, or cancelled because the scan stopped.
            }
        }
    }
}

/// <summary>
/// Reading Regions and accounts: each Region of an account is one part, read under the concurrency bound, its AWS
/// failures an error line naming the account and Region (the other parts are still read; exit 2 at the end).
/// </summary>
public static class LiveParts
{
    /// <summary>One Region of one account (null: the signed-in one), read whole while holding a place of the limiter.</summary>
    public static ScanUnit Region(Func<AwsClientOptions> options, string region, string? account, SemaphoreSlim limiter, TextWriter warnings) =>
        async (parameters, cancellationToken) =>
        {
            await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            var source = LiveScanSource.NameOf(region, account);
            try
            {
                using var ec2 = AwsClients.Ec2(options() with { Region = region });
                var live = new LiveScanSource(ec2, region, warnings, account);
                var read = new List<ScanInput>();
                await foreach (var input in live.ReadAsync(parameters, cancellationToken).ConfigureAwait(false)) read.Add(input);
                return [.. read.OrderBy(i => i.Outcome.Item is null ? 1 : 0).ThenBy(i => i.Outcome.Item?.ResourceId, StringComparer.Ordinal)];
            }
            catch (Exception e) when (AwsCallFailure.Is(e) || e is AwsRequestException)
            {
                return [Failed(source, $"the Region was not scanned: {Describe(e)}")];
            }
            finally
            {
                limiter.Release();
            }
        };

    /// <summary>
    /// One account through a role assumed in it from the signed-in credentials: the role first (one error line naming the
    /// account when it cannot be assumed), then its Regions (given, or every enabled one), each a part of its own.
    /// </summary>
    public static ScanUnit Account(AwsClientOptions signedIn, string account, string roleName, IReadOnlyList<string>? regions,
                                   SemaphoreSlim limiter, TextWriter warnings) =>
        async (parameters, cancellationToken) =>
        {
            var source = $"(account {account})";
            var roleArn = RoleArn(account, roleName, signedIn.Region!);
            AwsClientOptions asRole;
            IReadOnlyList<string> names;
            await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                try
                {
                    asRole = signedIn with { Credentials = await AssumeAsync(signedIn, roleArn, cancellationToken).ConfigureAwait(false) };
                }
                catch (Exception e) when (AwsCallFailure.Is(e))
                {
                    return [Failed(source, $"role {roleArn} could not be assumed, so the account was not scanned: {Describe(e)} " +
                                           "(the role must exist there and trust the signed-in principal, which needs sts:AssumeRole on it)")];
                }
                try
                {
                    names = regions ?? await EnabledRegionsAsync(asRole, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (AwsCallFailure.Is(e))
                {
                    return [Failed(source, $"--region all: EC2 DescribeRegions failed, so the account was not scanned: {Describe(e)}")];
                }
            }
            finally
            {
                limiter.Release();
            }
            var parts = names.Select(name => Region(() => asRole, name, account, limiter, warnings)(parameters, cancellationToken)).ToList();
            return [.. (await Task.WhenAll(parts).ConfigureAwait(false)).SelectMany(p => p)];
        };

    /// <summary><c>arn:PARTITION:iam::ACCOUNT:role/NAME</c>, the partition that of the Region signed in to (aws-cn, aws-us-gov, aws).</summary>
    public static string RoleArn(string account, string roleName, string region) =>
        $"arn:{Partition(region)}:iam::{account}:role/{roleName}";

    public static string Partition(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : region.StartsWith("us-iso-", StringComparison.Ordinal) ? "aws-iso"
        : region.StartsWith("us-isob-", StringComparison.Ordinal) ? "aws-iso-b"
        : "aws";

    private static async Task<AWSCredentials> AssumeAsync(AwsClientOptions signedIn, string roleArn, CancellationToken cancellationToken)
    {
        using var sts = AwsClients.Sts(signedIn);
        var answer = await sts.AssumeRoleAsync(new Amazon.SecurityToken.Model.AssumeRoleRequest
        {
            RoleArn = roleArn,
            RoleSessionName = "sg-config-rule-scan",
        }, cancellationToken).ConfigureAwait(false);
        var issued = answer.Credentials;
        return new SessionAWSCredentials(issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken);
    }

    /// <summary>--region all: the Regions enabled for the account, as EC2's DescribeRegions names them, in name order.</summary>
    internal static async Task<IReadOnlyList<string>> EnabledRegionsAsync(AwsClientOptions options, CancellationToken cancellationToken)
    {
        using var ec2 = AwsClients.Ec2(options);
        var answer = await ec2.DescribeRegionsAsync(new Amazon.EC2.Model.DescribeRegionsRequest { AllRegions = false }, cancellationToken).ConfigureAwait(false);
        return [.. (answer.Regions ?? []).Select(r => r.RegionName).Where(RegionName.IsValid).Order(StringComparer.Ordinal)];
    }

    private static string Describe(Exception e) => e switch
    {
        AmazonServiceException s => $"{s.ErrorCode}: {s.Message.ReplaceLineEndings(" ")}",
        _ => e.Message.ReplaceLineEndings(" "),
    };

    private static ScanInput Failed(string source, string problem) =>
        new(source, ReadResult.Failed(new InputException("$", problem)), PrefixListCatalog.Empty);
}
