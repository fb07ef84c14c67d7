using System.Buffers;
using System.Text.Json;

namespace SgConfigRule.LambdaRuntime;

/// <summary>
/// An error as the Runtime API takes it (<c>errorMessage</c>, <c>errorType</c>, <c>stackTrace</c>): what Lambda records
/// for a failed invocation, and what the CloudWatch log line says.
/// </summary>
public sealed record FunctionError(string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace)
{
    public static FunctionError From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = exception.InnerException is { } inner && inner.Message != exception.Message
            ? $"{exception.Message} ({inner.GetType().Name}: {inner.Message})"
            : exception.Message;
        var trace = (exception.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new FunctionError(exception.GetType().Name, message, trace);
    }

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("errorMessage", ErrorMessage);
            json.WriteString("errorType", ErrorType);
            json.WriteStartArray("stackTrace");
            foreach (var line in StackTrace) json.WriteStringValue(line);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
