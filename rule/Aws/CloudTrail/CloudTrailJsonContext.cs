using System.Text.Json.Serialization;
using SgConfigRule.Aws.CloudTrail.Model;

namespace SgConfigRule.Aws.CloudTrail;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LookupEventsRequest))]
[JsonSerializable(typeof(LookupEventsResponse))]
internal sealed partial class CloudTrailJsonContext : JsonSerializerContext;
