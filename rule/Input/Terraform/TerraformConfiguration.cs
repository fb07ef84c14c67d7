using System.Text;

namespace SgConfigRule.Input.Terraform;

/// <summary>
/// The <c>configuration</c> of a plan, indexed for the one question the reader asks of it: what a resource block's
/// argument refers to. Blocks are keyed by their module call path (instance keys dropped: a module called with
/// <c>for_each</c> has one configuration for all its instances) and their module-relative address, as the
/// configuration representation writes them.
/// </summary>
internal sealed class TerraformConfiguration
{
    private readonly Dictionary<string, JsonCursor> blocks = new(StringComparer.Ordinal);

    private TerraformConfiguration() { }

    public static TerraformConfiguration Empty { get; } = new();

    /// <summary>Whether the plan carried a configuration at all (a state, or a plan stripped of it, does not).</summary>
    public bool IsPresent { get; private init; }

    public static TerraformConfiguration Read(JsonCursor? configuration)
    {
        if (configuration is not { } root) return Empty;
        root.ExpectObject("configuration");
        var result = new TerraformConfiguration { IsPresent = true };
        if (root.Get("root_module") is { } module) result.AddModule(module, "");
        return result;
    }

    private void AddModule(JsonCursor module, string callPath)
    {
        module.ExpectObject("a module configuration");
        foreach (var resource in module.Items("resources"))
        {
            resource.ExpectObject("a resource configuration");
            if (resource.OptionalString("address") is not { } address) continue;
            if (resource.Get("expressions") is { } expressions) blocks[Key(callPath, address)] = expressions;
        }
        if (module.Get("module_calls") is not { } calls) return;
        foreach (var (name, call) in calls.Properties())
        {
            if (call.Get("module") is { } child) AddModule(child, callPath.Length == 0 ? name : callPath + "." + name);
        }
    }

    /// <summary>The expressions of the block that declares the resource <paramref name="type"/>.<paramref name="name"/> in the given module instance.</summary>
    public JsonCursor? Expressions(string moduleAddress, string type, string name) =>
        blocks.TryGetValue(Key(CallPath(moduleAddress), type + "." + name), out var expressions) ? expressions : null;

    /// <summary>The references of one argument (<c>expressions.NAME.references</c>), empty when it has none or is a constant.</summary>
    public static IReadOnlyList<string> References(JsonCursor? expressions, string argument)
    {
        if (expressions?.Get(argument) is not { IsObject: true } expression) return [];
        return [.. expression.Items("references").Where(r => r.Kind == System.Text.Json.JsonValueKind.String).Select(r => r.AsString())];
    }

    private static string Key(string callPath, string address) => callPath + "|" + address;

    /// <summary><c>module.web["a"].module.sg[0]</c> → <c>web.sg</c>: the call names, without instance keys.</summary>
    internal static string CallPath(string moduleAddress)
    {
        var path = new StringBuilder();
        var i = 0;
        while (i < moduleAddress.Length)
        {
            if (!moduleAddress.AsSpan(i).StartsWith("module.", StringComparison.Ordinal)) break;
            i += "module.".Length;
            var start = i;
            while (i < moduleAddress.Length && moduleAddress[i] is not ('.' or '[')) i++;
            if (path.Length > 0) path.Append('.');
            path.Append(moduleAddress, start, i - start);
            i = TerraformAddress.SkipInstanceKey(moduleAddress, i);
            if (i < moduleAddress.Length && moduleAddress[i] == '.') i++;
        }
        return path.ToString();
    }
}

/// <summary>Pieces of Terraform's resource addresses and references, compared as the format asks: as strings.</summary>
internal static class TerraformAddress
{
    /// <summary>Past an instance key (<c>[0]</c>, <c>["a.b]"]</c>) at <paramref name="i"/>, or <paramref name="i"/> when there is none.</summary>
    public static int SkipInstanceKey(string text, int i)
    {
        if (i >= text.Length || text[i] != '[') return i;
        var quoted = false;
        for (var j = i + 1; j < text.Length; j++)
        {
            var c = text[j];
            if (quoted)
            {
                if (c == '\\') j++;
                else if (c == '"') quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ']') return j + 1;
        }
        return text.Length;
    }

    /// <summary>
    /// A reference to a resource of one of <paramref name="types"/> (<c>aws_security_group.web[0].id</c>): its
    /// module-relative address with the instance key when the reference has one (<c>aws_security_group.web[0]</c>),
    /// and whether it had one. Null for references to anything else (variables, modules, data sources).
    /// </summary>
    public static (string Address, bool HasKey)? ResourceReference(string reference, IReadOnlyCollection<string> types)
    {
        foreach (var type in types)
        {
            if (!reference.StartsWith(type + ".", StringComparison.Ordinal)) continue;
            var i = type.Length + 1;
            var nameStart = i;
            while (i < reference.Length && reference[i] is not ('.' or '[')) i++;
            if (i == nameStart) return null;
            var end = SkipInstanceKey(reference, i);
            return (reference[..end], end > i);
        }
        return null;
    }
}
