namespace SgConfigRule.Cli.Scan;

/// <summary>One input to scan: its name for messages and a way to open it (read as a stream, never whole).</summary>
public sealed record InputFile(string Name, Func<Stream> Open)
{
    public const string BundledSampleName = "(bundled sample)";
    private const string SampleResource = "SgConfigRule.Cli.samples.sample-account.json";

    public static InputFile BundledSample() => new(BundledSampleName, () =>
        typeof(InputFile).Assembly.GetManifestResourceStream(SampleResource)
        ?? throw new InvalidOperationException($"resource {SampleResource} is missing from the build"));

    /// <summary>
    /// Expands the command line: '-' is standard input, a folder is every *.json file below it (sorted, so runs
    /// repeat), anything else is a file. A path that does not exist is returned as a file and fails when read.
    /// </summary>
    public static IEnumerable<InputFile> Expand(IReadOnlyList<string> arguments, Func<Stream> openStandardInput)
    {
        if (arguments.Count == 0)
        {
            yield return BundledSample();
            yield break;
        }
        foreach (var argument in arguments)
        {
            if (argument == "-")
            {
                yield return new InputFile("(stdin)", openStandardInput);
            }
            else if (Directory.Exists(argument))
            {
                var files = Directory.EnumerateFiles(argument, "*.json", SearchOption.AllDirectories)
                    .Order(StringComparer.Ordinal);
                foreach (var file in files) yield return FromPath(file);
            }
            else
            {
                yield return FromPath(argument);
            }
        }
    }

    private static InputFile FromPath(string path) => new(path, () =>
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan));
}
