using System.Reflection;
using SgConfigRule.Input;
using SgConfigRule.Policy.Evaluation;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// The layering the code promises (docs/development.md): the policy core reads no bytes and depends on nothing of
/// ours or AWS's; input reading depends on the policy core alone; neither knows AWS's SDK.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Assembly Policy = typeof(Evaluator).Assembly;
    private static readonly Assembly Input = typeof(InputStreamReader).Assembly;

    private static string[] References(Assembly assembly) => [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];

    [Fact]
    public void The_policy_core_depends_on_the_BCL_only()
    {
        Assert.All(References(Policy), name => Assert.True(name.StartsWith("System", StringComparison.Ordinal), name));
    }

    [Fact]
    public void Input_reading_depends_on_the_policy_core_and_the_BCL_only()
    {
        Assert.Contains(Policy.GetName().Name, References(Input));
        Assert.All(References(Input), name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == Policy.GetName().Name, name));
    }

    [Fact]
    public void No_type_of_the_policy_core_takes_or_gives_a_stream_or_bytes()
    {
        var members = Policy.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType.IsAssignableTo(typeof(Stream)) || m.GetParameters().Any(p => p.ParameterType.IsAssignableTo(typeof(Stream))
                || p.ParameterType == typeof(byte[]) || p.ParameterType == typeof(ReadOnlySpan<byte>) || p.ParameterType == typeof(ReadOnlyMemory<byte>)))
            .Select(m => $"{m.DeclaringType}.{m.Name}");
        Assert.Empty(members);
        Assert.DoesNotContain(Policy.GetTypes(), t => t.Namespace?.Contains("Parsing", StringComparison.Ordinal) == true);
    }
}
