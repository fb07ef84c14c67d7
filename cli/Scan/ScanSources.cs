using System.Runtime.CompilerServices;
using Amazon.EC2;
using SgConfigRule.Live;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Input;

namespace SgConfigRule.Cli.Scan;

/// <summary>One resource read for a scan, where it came from, and the prefix lists resolved for it.</summary>
public sealed record ScanInput(string Source, ReadResult Outcome, PrefixListCatalog PrefixLists);

/// <summary>Where a scan reads its resources from: exported files, or a live account.</summary>
public interface IScanSource
{
    /// <summary>Whether this is the bundled sample account rather than the user's own data (every report says so).</summary>
    bool IsBundledSample => false;

    IAsyncEnumerable<ScanInput> ReadAsync(PolicyParameters parameters, CancellationToken cancellationToken);
}

/// <summary>Exported JSON files (or the bundled sample). Offline: prefix lists are not resolved.</summary>
public sealed class FileScanSource(IReadOnlyList<string> inputs, Func<Stream> standardInput, bool standardInputHasData = false) : IScanSource
{
    public bool IsBundledSample => InputFile.UsesBundledSample(inputs, standardInputHasData);

    /// <summary>Values for CloudFormation templates' parameters (<c>--template-parameters</c>).</summary>
    public IReadOnlyDictionary<string, string> TemplateParameters { get; init; } = new Dictionary<string, string>();

    public async IAsyncEnumerable<ScanInput> ReadAsync(PolicyParameters parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var input in InputFile.Expand(inputs, standardInput, standardInputHasData))
        {
            foreach (var outcome in Read(input, TemplateParameters))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new ScanInput(input.Name, outcome, PrefixListCatalog.Empty);
            }
        }
    }

    private static IEnumerable<ReadResult> Read(InputFile input, IReadOnlyDictionary<string, string> templateParameters)
    {
        Stream stream;
        try
        {
            stream = input.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [ReadResult.Failed(new InputException("$", $"cannot read: {e.Message}"))];
        }
        return ReadAndDispose(stream, input.Name, templateParameters);
    }

    /// <summary>Streams the input: memory stays flat however many groups the file holds.</summary>
    private static IEnumerable<ReadResult> ReadAndDispose(Stream stream, string name, IReadOnlyDictionary<string, string> templateParameters)
    {
        using (stream)
        {
            // A CloudFormation template is told by its content; anything else is an export, read from the same bytes.
            IEnumerable<ReadResult>? template;
            Stream replay = stream;
            try
            {
                template = TemplateInput.TryRead(stream, name, templateParameters, out replay);
            }
            catch (IOException e)
            {
                template = [ReadResult.Failed(new InputException("$", $"cannot read: {e.Message}"))];
            }
            foreach (var result in template ?? InputStreamReader.Read(replay)) yield return result;
        }
    }
}

/// <summary>
/// A live account, read-only: DescribeSecurityGroups and DescribeSecurityGroupRules a page at a time, and the prefix
/// lists the policy needs through DescribeManagedPrefixLists and GetManagedPrefixListEntries.
/// </summary>
public sealed class LiveScanSource(IAmazonEC2 ec2, string region, TextWriter warnings, string? account = null) : IScanSource
{
    /// <summary>Names the account too when several are read (an organization through roles).</summary>
    public string Name => NameOf(region, account);

    public static string NameOf(string region, string? account) => account is null ? $"(live {region})" : $"(live {account} {region})";

    public async IAsyncEnumerable<ScanInput> ReadAsync(PolicyParameters parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lists = new PrefixListCache(() => ec2, id => warnings.WriteLine($"warning: prefix list {id} could not be resolved; rules using it count as in scope"));
        await foreach (var outcome in LiveAccount.ReadAllAsync(ec2, region, cancellationToken).ConfigureAwait(false))
        {
            var catalog = outcome.Item?.Group is { } group
                ? await lists.CatalogForAsync([group], parameters, cancellationToken).ConfigureAwait(false)
                : PrefixListCatalog.Empty;
            yield return new ScanInput(Name, outcome, catalog);
        }
    }
}

/// <summary>
/// Several sources read one after another, in the order given (several Regions of a live account). Each resource
/// keeps its own source, so every result names its Region.
/// </summary>
public sealed class CombinedScanSource(IReadOnlyList<IScanSource> sources) : IScanSource
{
    public async IAsyncEnumerable<ScanInput> ReadAsync(PolicyParameters parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            await foreach (var input in source.ReadAsync(parameters, cancellationToken).ConfigureAwait(false)) yield return input;
        }
    }
}
