using BenchmarkDotNet.Attributes;
using SgConfigRule.Policy.Evaluation;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;
using SgConfigRule.Input;

namespace SgConfigRule.Bench;

/// <summary>
/// Reading each input shape, per group: the streaming reader scan uses (EC2 DescribeSecurityGroups through the fast
/// group reader; Config BatchGetResourceConfig through the fast Config item reader), and the whole-document
/// reader the functions use, on the same synthetic export of 1,000 groups.
/// </summary>
[MemoryDiagnoser]
public class ParsingBenchmarks
{
    private const int Groups = 1000;
    private byte[] ec2 = [];
    private byte[] config = [];

    [GlobalSetup]
    public void Setup()
    {
        ec2 = Export("ec2");
        config = Export("config");
    }

    [Benchmark(OperationsPerInvoke = Groups, Description = "EC2 shape, streamed (scan)")]
    public int Ec2Streamed() => Stream(ec2);

    [Benchmark(OperationsPerInvoke = Groups, Description = "EC2 shape, whole document (functions)")]
    public int Ec2Whole() => Whole(ec2);

    [Benchmark(OperationsPerInvoke = Groups, Description = "Config shape, streamed (scan)")]
    public int ConfigStreamed() => Stream(config);

    [Benchmark(OperationsPerInvoke = Groups, Description = "Config shape, whole document (functions)")]
    public int ConfigWhole() => Whole(config);

    private static int Stream(byte[] export)
    {
        using var input = new MemoryStream(export, writable: false);
        var read = 0;
        foreach (var result in InputStreamReader.Read(input)) read += result.Item is null ? 0 : 1;
        return Checked(read);
    }

    private static int Whole(byte[] export)
    {
        using var document = JsonText.Parse(export, JsonPath.Root);
        var read = 0;
        foreach (var result in InputReader.Read(document.RootElement)) read += result.Item is null ? 0 : 1;
        return Checked(read);
    }

    private static int Checked(int read) =>
        read == Groups ? read : throw new InvalidOperationException($"read {read} of {Groups} groups");

    internal static byte[] Export(string shape, int groups = Groups)
    {
        using var output = new MemoryStream();
        ExportGenerator.Write(output, groups, shape);
        return output.ToArray();
    }
}

/// <summary>Evaluating one group under the default policy and under an address-scope policy with trusted sources.</summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    private const int Groups = 1000;
    private static readonly DateTimeOffset At = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private ResourceItem[] items = [];
    private PolicyParameters trusted = PolicyParameters.Default;

    [GlobalSetup]
    public void Setup()
    {
        using var input = new MemoryStream(ParsingBenchmarks.Export("ec2", Groups));
        items = [.. InputStreamReader.Read(input).Select(r => r.Item!)];
        trusted = ParameterParser.Parse("""{"blockedPorts": "22,3389,5432", "trustedSources": "10.0.0.0/8,203.0.113.0/24"}""");
    }

    [Benchmark(OperationsPerInvoke = Groups, Description = "evaluate, default policy")]
    public int Default() => Evaluate(PolicyParameters.Default);

    [Benchmark(OperationsPerInvoke = Groups, Description = "evaluate, 3 blocked ports + trusted sources")]
    public int Trusted() => Evaluate(trusted);

    private int Evaluate(PolicyParameters parameters)
    {
        var nonCompliant = 0;
        foreach (var item in items)
        {
            if (Evaluator.Evaluate(item, parameters, At).Compliance == Compliance.NonCompliant) nonCompliant++;
        }
        return nonCompliant;
    }
}

/// <summary>
/// Reading the other input shapes, whole text as the functions and <c>scan</c> read them, on one recorded file of each
/// (tests/data/recorded, with their attribution): the Config rule event the function gets on every change, a
/// configuration history, an advanced-query result, a bare configuration item, a DescribeSecurityGroupRules page.
/// </summary>
[MemoryDiagnoser]
public class RecordedShapeBenchmarks
{
    public static IEnumerable<string> Shapes => Files.Keys;

    private static readonly Dictionary<string, string> Files = new()
    {
        ["Config rule event (change)"] = "lambda_events/c7n__event-config-rule-security-group.json",
        ["GetResourceConfigHistory"] = "config_items/c7n__test_sg_config_diff__config.GetResourceConfigHistory_1.json",
        ["SelectResourceConfig"] = "config_items/c7n__test_security_group_config_source__config.SelectResourceConfig_1.json",
        ["configuration item"] = "config_items/rdk__example_ci__AWS_EC2_SecurityGroup.json",
        ["DescribeSecurityGroupRules"] = "ec2_api/describe_security_group_rules/awscli__describe-security-group-rules_example1.json",
    };

    private byte[] input = [];
    private int expected;

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        input = File.ReadAllBytes(Path.Combine(RepositoryRoot(), "tests", "data", "recorded", Files[Shape]));
        expected = Read();
        if (expected == 0) throw new InvalidOperationException($"{Files[Shape]} holds no resource");
    }

    [Benchmark(Description = "read the whole file")]
    public int ReadFile() => Read() == expected ? expected : throw new InvalidOperationException("a different result");

    private int Read()
    {
        using var document = JsonText.Parse(input, JsonPath.Root);
        var read = 0;
        foreach (var result in InputReader.Read(document.RootElement)) read += result.Item is null ? throw new InvalidOperationException(result.Error!.Problem) : 1;
        return read;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SgConfigRule.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no SgConfigRule.sln above {AppContext.BaseDirectory}");
    }
}
