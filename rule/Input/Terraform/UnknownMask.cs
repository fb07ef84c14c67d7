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

    public UnknownMask(JsonElement value)
    {
        this.value = value;
        present = true;
    }

    /// <summary>The mask of a value read from a state, where everything is known.</summary>
    public static UnknownMask None => default;

    /// <summary>True when this whole value is known only after apply.</summary>
    public bool IsUnknown => present && value.ValueKind == JsonValueKind.True;

    public UnknownMask Property(string name) =>
        present && value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var child) ? new UnknownMask(child) : default;

    public UnknownMask Index(int index) =>
        present && value.ValueKind == JsonValueKind.Array && index < value.GetArrayLength() ? new UnknownMask(value[index]) : default;

    /// <summary>How many items the mask lists when it describes an array (it may list items <c>after</c> leaves out).</summary>
    public int Length => present && value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : 0;
}
