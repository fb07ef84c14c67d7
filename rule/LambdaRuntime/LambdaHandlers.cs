using SgConfigRule.Remediation;
using SgConfigRule.Rule;

namespace SgConfigRule.LambdaRuntime;

/// <summary>A function as the runtime calls it: the invocation's payload in, the response out.</summary>
public delegate Task<Stream> LambdaHandler(Stream input);

/// <summary>
/// The functions this bootstrap can run, by the handler string the template gives them — the same strings the managed
/// dotnet10 runtime takes, so only <c>Runtime</c> changes between the two deployments. A table, not reflection: Native
/// AOT keeps only what the code names.
/// </summary>
public static class LambdaHandlers
{
    public const string Rule = "SgConfigRule.Rule::SgConfigRule.Rule.RuleFunction::HandleAsync";
    public const string Revoke = "SgConfigRule.Remediation::SgConfigRule.Remediation.RevokeFunction::HandleAsync";
    public const string Hook = "SgConfigRule.Rule::SgConfigRule.Rule.Hook.HookFunction::HandleAsync";

    private static readonly Dictionary<string, Func<LambdaHandler>> Known = new(StringComparer.Ordinal)
    {
        [Rule] = () => new RuleFunction().HandleAsync,
        [Revoke] = () => new RevokeFunction().HandleAsync,
        [Hook] = () => new SgConfigRule.Rule.Hook.HookFunction().HandleAsync,
    };

    public static IReadOnlyCollection<string> Names => Known.Keys;

    /// <summary>Builds the function <paramref name="handler"/> names (once per execution environment, as the managed runtime does).</summary>
    /// <exception cref="UnknownHandlerException">_HANDLER is unset or names no function of this bootstrap.</exception>
    public static LambdaHandler Create(string? handler)
    {
        if (string.IsNullOrWhiteSpace(handler))
            throw new UnknownHandlerException($"_HANDLER is not set; set the function's Handler to one of: {string.Join(", ", Known.Keys)}");
        if (!Known.TryGetValue(handler.Trim(), out var create))
            throw new UnknownHandlerException($"_HANDLER '{handler}' is not a function of this bootstrap; it runs: {string.Join(", ", Known.Keys)}");
        return create();
    }
}

/// <summary>The function's Handler setting names nothing this bootstrap runs.</summary>
public sealed class UnknownHandlerException(string message) : Exception(message);
