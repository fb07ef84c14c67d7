namespace SgConfigRule.Input.CloudFormation;

/// <summary>What a template value comes to before deployment.</summary>
public enum TemplateValueKind
{
    /// <summary>Known text.</summary>
    Text,

    /// <summary>A resource of the same template (<c>Ref</c>, or <c>Fn::GetAtt</c> of its id): a security group reference.</summary>
    Resource,

    /// <summary><c>Ref AWS::NoValue</c>: the property is left out.</summary>
    Absent,

    /// <summary>Only known at deployment (an import, an attribute, an unresolvable condition or parameter).</summary>
    Unknown,
}

/// <summary>
/// A resolved template value: known text, a reference to a resource of the template (its logical id), left out, or
/// unknown — then <see cref="Text"/> says what it was (<c>Fn::ImportValue SharedCidr</c>), for the finding's note.
/// </summary>
public readonly record struct TemplateValue(TemplateValueKind Kind, string Text)
{
    public static TemplateValue Known(string text) => new(TemplateValueKind.Text, text);
    public static TemplateValue ResourceOf(string logicalId) => new(TemplateValueKind.Resource, logicalId);
    public static TemplateValue Absent { get; } = new(TemplateValueKind.Absent, "AWS::NoValue");
    public static TemplateValue NotKnown(string what) => new(TemplateValueKind.Unknown, what);

    public bool IsKnown => Kind == TemplateValueKind.Text;
    public bool IsUnknown => Kind == TemplateValueKind.Unknown;
}
