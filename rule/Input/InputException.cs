namespace SgConfigRule.Input;

/// <summary>
/// Input that cannot be read into the policy model. Carries the JSON path of the offending value and the problem;
/// the caller adds the file or event it came from.
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string jsonPath, string problem) : base($"{jsonPath}: {problem}")
    {
        JsonPath = jsonPath;
        Problem = problem;
    }

    public InputException(JsonPath path, string problem) : this(path.ToString(), problem) { }

    public InputException() : this("$", "invalid input") { }

    public InputException(string message) : this("$", message) { }

    public InputException(string message, Exception innerException) : base(message, innerException)
    {
        JsonPath = "$";
        Problem = message;
    }

    public string JsonPath { get; }
    public string Problem { get; }
}
