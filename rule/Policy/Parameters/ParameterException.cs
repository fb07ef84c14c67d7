namespace SgConfigRule.Policy.Parameters;

/// <summary>A rule parameter that is unknown or malformed. Names the key and the value as given.</summary>
public sealed class ParameterException : Exception
{
    public ParameterException(string key, string? value, string problem)
        : base(value is null
            ? $"rule parameter '{key}': {problem}"
            : $"rule parameter '{key}' = '{value}': {problem}")
    {
        Key = key;
        Value = value;
        Problem = problem;
    }

    public ParameterException(string message) : base(message)
    {
        Key = "";
        Problem = message;
    }

    public ParameterException() : this("invalid rule parameters") { }

    public ParameterException(string message, Exception innerException) : base(message, innerException)
    {
        Key = "";
        Problem = message;
    }

    public string Key { get; }
    public string? Value { get; }
    public string Problem { get; }
}
