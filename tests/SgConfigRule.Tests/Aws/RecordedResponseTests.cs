using System.Text.Json;
using SgConfigRule.Aws.ConfigService;
using SgConfigRule.Tests.Support;

namespace SgConfigRule.Tests.Aws;

/// <summary>The client's wire types read real recorded AWS Config responses (tests/data/recorded) field for field.</summary>
public class RecordedResponseTests
{
    public static TheoryData<string> HistoryFiles() =>
        [.. TestData.RecordedFiles("config_items").Where(f => f.Contains("GetResourceConfigHistory", StringComparison.Ordinal)).Select(f => Path.GetFileName(f)!)];

    [Theory]
    [MemberData(nameof(HistoryFiles))]
    public void Recorded_GetResourceConfigHistory_responses_deserialize_completely(string file)
    {
        var bytes = File.ReadAllBytes(TestData.Recorded("config_items", file));
        var response = JsonSerializer.Deserialize(bytes, ConfigCamelJsonContext.Default.GetResourceConfigHistoryResponse)!;
        using var raw = JsonDocument.Parse(bytes);
        var rawItems = raw.RootElement.GetProperty("configurationItems").EnumerateArray().ToList();

        Assert.Equal(rawItems.Count, response.ConfigurationItems.Count);
        for (var i = 0; i < rawItems.Count; i++)
        {
            var item = response.ConfigurationItems[i];
            var expected = rawItems[i];
            Assert.Equal(expected.GetProperty("resourceId").GetString(), item.ResourceId);
            Assert.Equal(expected.GetProperty("accountId").GetString(), item.AccountId);
            Assert.Equal(expected.GetProperty("arn").GetString(), item.Arn);
            Assert.Equal(expected.GetProperty("configurationStateId").GetString(), item.ConfigurationStateId);
            Assert.Equal(expected.GetProperty("configuration").GetString(), item.Configuration);
            Assert.Equal(DateTime.UnixEpoch.AddTicks((long)Math.Round(expected.GetProperty("configurationItemCaptureTime").GetDouble() * TimeSpan.TicksPerSecond)),
                item.ConfigurationItemCaptureTime);
            Assert.Equal(expected.GetProperty("tags").EnumerateObject().Count(), item.Tags.Count);
            Assert.Equal(expected.GetProperty("relationships").GetArrayLength(), item.Relationships.Count);
            Assert.All(item.Relationships, r => Assert.NotNull(r.RelationshipName));
        }
    }
}
