using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SgConfigRule.Aws.Protocol;

/// <summary>
/// AWS JSON 1.1 timestamps: epoch seconds as a JSON number, fractions allowed (not ISO strings). Reads ISO strings
/// too, for tolerance. Values are UTC.
/// </summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            var seconds = reader.GetDouble();
            return DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }
        if (reader.TokenType == JsonTokenType.String
            && DateTime.TryParse(reader.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }
        throw new JsonException($"expected a timestamp in epoch seconds, found {reader.TokenType}");
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        var ticks = (utc - DateTime.UnixEpoch).Ticks;
        // Millisecond precision is what the services keep; writing it as a decimal avoids binary float noise.
        writer.WriteRawValue(((decimal)Math.Round(ticks / (double)TimeSpan.TicksPerMillisecond) / 1000m).ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
    }
}

/// <summary><see cref="EpochSecondsConverter"/> for optional timestamps.</summary>
public sealed class NullableEpochSecondsConverter : JsonConverter<DateTime?>
{
    private static readonly EpochSecondsConverter Inner = new();

    public override bool HandleNull => true;

    public override DateTime? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(DateTime), options);

    public override void Write(Utf8JsonWriter writer, DateTime? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else Inner.Write(writer, value.Value, options);
    }
}
