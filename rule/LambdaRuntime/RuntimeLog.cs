using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SgConfigRule.LambdaRuntime;

/// <summary>The runtime's own log lines: one JSON object per line, like the functions' logs (CloudWatch Logs Insights reads the fields).</summary>
public sealed class RuntimeLog(TextWriter output, TimeProvider time)
{
    public void Error(string name, string? requestId, FunctionError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("level", "error");
            json.WriteString("event", name);
            if (requestId is not null) json.WriteString("requestId", requestId);
            json.WriteString("errorType", error.ErrorType);
            json.WriteString("errorMessage", error.ErrorMessage);
            json.WriteEndObject();
        }
        output.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Flush();
    }
}
