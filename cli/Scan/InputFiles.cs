namespace SgConfigRule.Cli.Scan;

/// <summary>One input to scan: its name for messages and a way to open it (read as a stream, never whole).</summary>
public sealed record InputFile(string Name, Func<Stream> Open)
{
    public const string BundledSampleName = "(bundled sample)";
    private const string SampleResource = "SgConfigRule.Cli.samples.sample-account.json";

    public static InputFile BundledSample() => new(BundledSampleName, () =>
        typeof(InputFile).Assembly.GetManifestResourceStream(SampleResource)
        ?? throw new InvalidOperationException($"resource {SampleResource} is missing from the build"));

    public const string StandardInputName = "(stdin)";

    /// <summary>Whether the command line scans the bundled sample: no INPUT, and nothing piped in.</summary>
    public static bool UsesBundledSample(IReadOnlyList<string> arguments, bool standardInputHasData) =>
        arguments.Count == 0 && !standardInputHasData;

    /// <summary>
    /// Expands the command line: '-' is standard input (as is no INPUT when something is piped in), a folder is every
    /// <c>.json</c> or <c>.json.gz</c> file below it, whatever the case of the extension (sorted, so runs repeat),
    /// anything else is a file. A file reached twice (a folder and a file in it) is read once. A path that does not
    /// exist is returned as a file and fails when read. Compressed input is recognised by its content.
    /// </summary>
    public static IEnumerable<InputFile> Expand(IReadOnlyList<string> arguments, Func<Stream> openStandardInput, bool standardInputHasData = false)
    {
        if (arguments.Count == 0)
        {
            yield return standardInputHasData ? StandardInput(openStandardInput) : BundledSample();
            yield break;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            if (argument == "-")
            {
                if (seen.Add(StandardInputName)) yield return StandardInput(openStandardInput);
            }
            else if (Directory.Exists(argument))
            {
                var files = Directory.EnumerateFiles(argument, "*", SearchOption.AllDirectories)
                    .Where(IsJsonFile)
                    .Order(StringComparer.Ordinal);
                foreach (var file in files.Where(f => seen.Add(Path.GetFullPath(f)))) yield return FromPath(file);
            }
            else if (seen.Add(Path.GetFullPath(argument)))
            {
                yield return FromPath(argument);
            }
        }
    }

    /// <summary>What a folder contributes: JSON, as exported or as AWS Config delivers it to S3 (<c>.json.gz</c>).</summary>
    public static bool IsJsonFile(string path) =>
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase);

    private static InputFile StandardInput(Func<Stream> open) => new(StandardInputName, () => InputDecoding.Decode(open()));

    private static InputFile FromPath(string path) => new(path, () =>
        InputDecoding.Decode(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan)));
}
