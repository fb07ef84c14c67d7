using System.IO.Compression;
using System.Reflection;
using System.Text.Json.Nodes;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Deployment;

/// <summary>
/// The managed runtime finds a class-library handler by its string <c>Assembly::Namespace.Class::Method</c>; a wrong
/// string only fails on the first invocation in AWS. These tests resolve every Handler of the templates in the built
/// assemblies, and in the bundles package.sh produces, the way the runtime does.
/// </summary>
public sealed class HandlerTests
{
    public static TheoryData<string> Handlers() =>
    [
        .. new[] { "template.yaml", Path.Combine("org", "member.yaml"), Path.Combine("org", "central.yaml") }
            .Select(file => Path.Combine(TestData.RepositoryRoot, file))
            .Where(File.Exists)
            .SelectMany(file => CfnTemplate.Load(file).Resources
                .Where(r => r.Value!["Type"]!.GetValue<string>() is "AWS::Serverless::Function" or "AWS::Lambda::Function")
                .Select(r => r.Value!["Properties"]!["Handler"]!.GetValue<string>()))
            .Distinct(),
    ];

    [Fact]
    public void The_template_declares_both_functions()
    {
        var handlers = Handlers().Select(row => (string)row.Data).ToList();
        Assert.Contains("SgConfigRule.Rule::SgConfigRule.Rule.RuleFunction::HandleAsync", handlers);
        Assert.Contains("SgConfigRule.Remediation::SgConfigRule.Remediation.RevokeFunction::HandleAsync", handlers);
    }

    [Theory]
    [MemberData(nameof(Handlers))]
    public void Each_handler_resolves_in_the_built_assembly(string handler) =>
        AssertResolves(handler, Assembly.Load(handler.Split("::")[0]));

    /// <summary>What the managed .NET runtime requires of a Stream handler without a serializer.</summary>
    internal static void AssertResolves(string handler, Assembly assembly)
    {
        var parts = handler.Split("::");
        Assert.Equal(3, parts.Length);
        Assert.Equal(parts[0], assembly.GetName().Name);
        var type = assembly.GetType(parts[1]);
        Assert.True(type is not null, $"{handler}: no type {parts[1]} in {assembly.GetName().Name}");
        Assert.True(type.IsPublic && type.IsClass && !type.IsAbstract, $"{handler}: {type} must be a public concrete class");
        Assert.True(type.GetConstructor(Type.EmptyTypes) is { IsPublic: true }, $"{handler}: {type} needs a public parameterless constructor");
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Where(m => m.Name == parts[2]).ToList();
        var method = Assert.Single(methods); // the runtime rejects an overloaded handler
        var parameters = method.GetParameters();
        Assert.True(parameters.Length == 1 && parameters[0].ParameterType.FullName == typeof(Stream).FullName,
            $"{handler}: takes ({string.Join(", ", parameters.Select(p => p.ParameterType))}), not (Stream)");
        var returns = method.ReturnType;
        var returnsStream = returns.FullName == typeof(Stream).FullName
            || (returns.IsGenericType && returns.GetGenericTypeDefinition().FullName == typeof(Task<>).FullName
                && returns.GenericTypeArguments[0].FullName == typeof(Stream).FullName);
        Assert.True(returnsStream, $"{handler}: returns {returns}, not Stream or Task<Stream>");
    }
}

/// <summary>package.sh run for real: both zips are produced, hold a loadable handler, and the template it writes passes the linter.</summary>
public sealed class PackagingTests
{
    [Fact]
    public void Package_builds_both_bundles_and_a_template_that_points_at_them()
    {
        var output = Directory.CreateTempSubdirectory("sgcr-package-").FullName;
        try
        {
            RunPackage(output, TimeSpan.FromMinutes(10), "--architecture", "arm64");

            foreach (var (name, template, functions) in LintedTemplates(output))
            {
                Assert.Equal("arm64", template.Parameters["Architecture"]!["Default"]!.GetValue<string>());
                foreach (var (id, resource) in functions)
                {
                    var codeUri = resource!["Properties"]!["CodeUri"]!.GetValue<string>();
                    var handler = resource["Properties"]!["Handler"]!.GetValue<string>();
                    var zip = Path.Combine(output, codeUri);
                    Assert.True(File.Exists(zip), $"{name} {id}: CodeUri {codeUri} is not in {output}");

                    var extracted = Path.Combine(output, $"extracted-{name}-{id}");
                    ZipFile.ExtractToDirectory(zip, extracted);
                    var assemblyName = handler.Split("::")[0];
                    var runtimeConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(extracted, assemblyName + ".runtimeconfig.json")))!;
                    Assert.Equal("Microsoft.NETCore.App", runtimeConfig["runtimeOptions"]!["framework"]!["name"]!.GetValue<string>());
                    Assert.StartsWith("10.", runtimeConfig["runtimeOptions"]!["framework"]!["version"]!.GetValue<string>(), StringComparison.Ordinal);
                    Assert.True(File.Exists(Path.Combine(extracted, assemblyName + ".deps.json")));

                    // Read-only reflection: the bundle is compiled for arm64, which this machine may not be able to load.
                    var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
                    var resolver = new PathAssemblyResolver(Directory.GetFiles(extracted, "*.dll").Concat(Directory.GetFiles(runtime, "*.dll")));
                    using var context = new MetadataLoadContext(resolver);
                    HandlerTests.AssertResolves(handler, context.LoadFromAssemblyPath(Path.Combine(extracted, assemblyName + ".dll")));
                }
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>
    /// The Native AOT option for real: one executable in both zips, the templates switched to provided.al2023 with the
    /// same handlers, a binary Amazon Linux 2023 can load (glibc 2.34, no other libraries), and that binary serving
    /// both functions against the loopback Runtime API and AWS endpoints, over HTTP and over TLS.
    /// </summary>
    [Fact]
    public async Task Package_with_native_aot_bundles_one_executable_that_serves_both_functions()
    {
        var output = Directory.CreateTempSubdirectory("sgcr-package-aot-").FullName;
        try
        {
            RunPackage(output, TimeSpan.FromMinutes(15), "--native-aot");
            var architecture = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "x86_64";

            foreach (var (name, template, functions) in LintedTemplates(output))
            {
                Assert.Equal([architecture], template.Parameters["Architecture"]!["AllowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
                Assert.Equal(["false"], template.Parameters["EnableSnapStart"]!["AllowedValues"]!.AsArray().Select(v => v!.GetValue<string>()));
                Assert.Equal(3, functions.Count); // with the deploy-time hook's
                foreach (var (id, resource) in functions)
                {
                    Assert.Equal("provided.al2023", resource!["Properties"]!["Runtime"]!.GetValue<string>());
                    Assert.Contains(resource["Properties"]!["Handler"]!.GetValue<string>(), SgConfigRule.LambdaRuntime.LambdaHandlers.Names);
                    using var zip = ZipFile.OpenRead(Path.Combine(output, resource["Properties"]!["CodeUri"]!.GetValue<string>()));
                    var entry = Assert.Single(zip.Entries);
                    Assert.Equal("bootstrap", entry.FullName);
                    Assert.True((entry.ExternalAttributes >> 16 & 0b001_001_001) == 0b001_001_001, $"{name} {id}: bootstrap is not executable in the zip");
                }
            }

            var extracted = Path.Combine(output, "extracted");
            ZipFile.ExtractToDirectory(Path.Combine(output, "rule.zip"), extracted);
            var bootstrap = Path.Combine(extracted, "bootstrap");
            Assert.True(OperatingSystem.IsLinux() && File.GetUnixFileMode(bootstrap).HasFlag(UnixFileMode.UserExecute), "bootstrap is executable once extracted");

            var symbols = ProcessRunner.Run("objdump", ["-T", bootstrap]);
            Assert.True(symbols.ExitCode == 0, symbols.All);
            var newestGlibc = System.Text.RegularExpressions.Regex.Matches(symbols.Output, @"GLIBC_(\d+)\.(\d+)")
                .Select(m => new Version(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value))).Max();
            Assert.True(newestGlibc <= new Version(2, 34), $"bootstrap needs glibc {newestGlibc}; Amazon Linux 2023 has 2.34");
            var dynamic = ProcessRunner.Run("readelf", ["-d", bootstrap]);
            var needed = System.Text.RegularExpressions.Regex.Matches(dynamic.Output, @"\(NEEDED\)\s+Shared library: \[([^\]]+)\]").Select(m => m.Groups[1].Value);
            Assert.All(needed, library => Assert.Matches(@"^(libc|libm|libdl|libpthread|librt|ld-linux-[\w-]+)\.so", library));

            await LambdaRuntime.BootstrapTests.AssertRuleFunctionServesAsync(bootstrap);
            await LambdaRuntime.BootstrapTests.AssertRevokeFunctionServesAsync(bootstrap);
            await LambdaRuntime.BootstrapTests.AssertUnknownHandlerFailsInitAsync(bootstrap);
            await LambdaRuntime.BootstrapTests.AssertServesOverHttpsAsync(bootstrap);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static void RunPackage(string output, TimeSpan timeout, params string[] options)
    {
        var run = ProcessRunner.Run("bash", [Path.Combine(TestData.RepositoryRoot, "package.sh"), .. options, "--output", output], timeout: timeout);
        Assert.True(run.ExitCode == 0, run.All);
    }

    /// <summary>The two templates package.sh writes, each checked by the linter first, with their functions.</summary>
    private static IEnumerable<(string Name, CfnTemplate Template, List<KeyValuePair<string, JsonNode?>> Functions)> LintedTemplates(string output)
    {
        foreach (var name in new[] { "template.yaml", "central.yaml" })
        {
            var packaged = Path.Combine(output, name);
            var lint = LintTests.Lint(packaged);
            Assert.True(lint.ExitCode == 0, lint.All);
            var template = CfnTemplate.Load(packaged);
            yield return (name, template, [.. template.Resources.Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::Serverless::Function")]);
        }
    }
}
