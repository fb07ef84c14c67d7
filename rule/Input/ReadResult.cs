using SgConfigRule.Policy.Model;

namespace SgConfigRule.Input;

/// <summary>
/// One outcome of reading an input: a resource, or the error that kept one resource from being read. Errors are
/// per resource where the input allows it, so one bad group does not cost the others their verdicts.
/// </summary>
public readonly record struct ReadResult(ResourceItem? Item, InputException? Error)
{
    public static ReadResult Read(ResourceItem item) => new(item, null);
    public static ReadResult Failed(InputException error) => new(null, error);
}
