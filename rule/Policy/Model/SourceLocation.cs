namespace SgConfigRule.Policy.Model;

/// <summary>
/// Where a resource or rule is written in infrastructure code: the file and its 1-based line, and the name the code
/// gives it (a CloudFormation logical id). Reports point code-scanning dashboards at it.
/// </summary>
public sealed record SourceLocation(string File, int Line, string? Name = null);
