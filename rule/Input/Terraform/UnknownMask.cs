using System.Text.Json;

namespace SgConfigRule.Input.Terraform;

/// <summary>
/// A plan's <c>after_unknown</c> beside the <c>after</c> value it describes: the same structure, with <c>true</c> for
/// every leaf known only after apply (known leaves are omitted from objects and <c>false</c> in arrays). Descending
/// into a part the mask does not mention gives an empty mask: everything there is known.
/// </summary>
internal readonly struct UnknownMask
{
    private readonly JsonElement value;
    private readonly bool present;

    private readonly Func<string, bool>? configured;

    public UnknownMask(JsonElement value, Func<string, bool>? configured = null)
    {
        this.value = value;
        present = true;
        this.configured = configured;
    }

    /// <summary>
    /// The mask of a resource whose configuration is known: an argument the configuration does not set and the
    /// provider plans as unknown is one the provider computes, not one the user chose (the AWS provider plans
    /// <c>source_security_group_id</c> of every new <c>aws_security_group_rule</c> so): it is read as absent, not as
    /// the widest value. <paramref name="configured"/> tells whether the configuration sets an argument.
    /// </summary>
    public UnknownMask WithConfiguration(Func<string, bool> configured) => present ? new UnknownMask(value, configured) : this;

    /// <summary>The mask of a value read from a state, where everything is known.</summary>
    public static UnknownMask None => default;

    /// <summary>True when this whole value is known only after apply.</summary>
    public bool IsUnknown => present && value.ValueKind == JsonValueKind.True;

    public UnknownMask Property(string name) =>
        present && value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var child)
        && (configured is null || configured(name) || child.ValueKind != JsonValueKind.True)
            ? new UnknownMask(child)
            : default;

    /// <summary>The names of an object's members that are known only after apply (the keys of a map such as <c>tags</c>).</summary>
    public IEnumerable<string> UnknownNames() =>
        present && value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.True).Select(p => p.Name).ToList()
            : [];

    public UnknownMask Index(int index) =>
        present && value.ValueKind == JsonValueKind.Array && index < value.GetArrayLength() ? new UnknownMask(value[index]) : default;

    /// <summary>How many items the mask lists when it describes an array (it may list items <c>after</c> leaves out).</summary>
    public int Length => present && value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : 0;
}
