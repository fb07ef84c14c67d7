using System.Globalization;
using BenchmarkDotNet.Running;
using SgConfigRule.Bench;

// usage: SgConfigRule.Bench generate --groups N [--shape cli|ec2|config] --out FILE
//        SgConfigRule.Bench org CLI.dll [--accounts N] [--regions N<=17] [--groups N] [--concurrency N] [--latency-ms N] [--ways aggregator,roles]
//        SgConfigRule.Bench sweep-cost [GROUPS]   (calls and posted evaluations of four sweeps; default 10,000 groups)
//        SgConfigRule.Bench [BenchmarkDotNet arguments, e.g. --filter *]
if (args.Length > 0 && args[0] == "generate")
{
    var groups = 1000;
    var shape = "ec2";
    string? output = null;
    for (var i = 1; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--groups" when i + 1 < args.Length: groups = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--shape" when i + 1 < args.Length: shape = args[++i]; break;
            case "--out" when i + 1 < args.Length: output = args[++i]; break;
            default:
                Console.Error.WriteLine("usage: SgConfigRule.Bench generate --groups N [--shape cli|ec2|config] --out FILE");
                return 2;
        }
    }
    if (output is null || shape is not ("cli" or "ec2" or "config"))
    {
        Console.Error.WriteLine("usage: SgConfigRule.Bench generate --groups N [--shape cli|ec2|config] --out FILE");
        return 2;
    }
    using var file = File.Create(output);
    // cli: what `aws configservice batch-get-resource-config` prints (the realistic shape); ec2, config: the tidy ones.
    if (shape == "cli") RealisticShape.Write(file, groups, seed: 20261205);
    else ExportGenerator.Write(file, groups, shape);
    return 0;
}
if (args.Length >= 2 && args[0] == "org")
{
    var settings = new OrganizationBench.Settings(args[1]);
    for (var i = 2; i < args.Length; i++)
    {
        var value = i + 1 < args.Length ? args[i + 1] : "";
        switch (args[i])
        {
            case "--accounts": settings = settings with { Accounts = int.Parse(value, CultureInfo.InvariantCulture) }; break;
            case "--regions": settings = settings with { Regions = int.Parse(value, CultureInfo.InvariantCulture) }; break;
            case "--groups": settings = settings with { Groups = int.Parse(value, CultureInfo.InvariantCulture) }; break;
            case "--concurrency": settings = settings with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) }; break;
            case "--latency-ms": settings = settings with { LatencyMs = int.Parse(value, CultureInfo.InvariantCulture) }; break;
            case "--ways": settings = settings with { Ways = value }; break;
            default:
                Console.Error.WriteLine("usage: SgConfigRule.Bench org CLI.dll [--accounts N] [--regions N] [--groups N] [--concurrency N] [--latency-ms N] [--ways aggregator,roles]");
                return 2;
        }
        i++;
    }
    return await OrganizationBench.RunAsync(settings);
}
if (args.Length == 2 && args[0] == "floor")
{
    Phases.Floor(args[1]);
    return 0;
}
if (args.Length is 2 or 3 && args[0] == "decode")
{
    DecodeCost.Run(args[1], args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000);
    return 0;
}
if (args.Length is 1 or 2 && args[0] == "sweep-cost")
{
    return await SweepCost.RunAsync(args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000);
}
if (args.Length is 2 or 3 && args[0] == "evaluate")
{
    EvaluateCost.Run(args[1], args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10);
    return 0;
}
if (args.Length == 2 && args[0] == "phases")
{
    Phases.Run(args[1]);
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(ExportGenerator).Assembly).Run(args);
return 0;
