using System.Text.Json;
using System.Text.Json.Nodes;
using SgConfigRule.Input;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.Parsing;

/// <summary>
/// An item as an API client returns it (separate fields, the configuration a JSON string) means what the same item
/// means as JSON: the same resource, or the same error at the same path — without writing the fields back into JSON.
/// </summary>
public sealed class ConfigurationItemFieldsTests
{
    private const string Configuration = """{"groupId":"sg-1","groupName":"web","ipPermissions":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":["0.0.0.0/0"]}]}""";

    public static TheoryData<string, string?, string?> Items => new()
    {
        { "AWS::EC2::SecurityGroup", "OK", Configuration },
        { "AWS::EC2::SecurityGroup", null, Configuration },
        { "AWS::EC2::SecurityGroup", "ResourceDiscovered", Configuration.Replace("\"groupName\":\"web\",", "", StringComparison.Ordinal) },
        // Decided before the configuration is read: a broken one does not matter.
        { "AWS::EC2::SecurityGroup", "ResourceDeleted", "{broken" },
        { "AWS::EC2::SecurityGroup", "ResourceNotRecorded", null },
        { "AWS::EC2::Instance", "OK", "{broken" },
        // Errors, at the same path both ways.
        { "AWS::EC2::SecurityGroup", "ResourceArchived", Configuration },
        { "AWS::EC2::SecurityGroup", "OK", null },
        { "AWS::EC2::SecurityGroup", "OK", "{broken" },
        { "AWS::EC2::SecurityGroup", "OK", Configuration.Replace("\"tcp\"", "\"bogus\"", StringComparison.Ordinal) },
        { "AWS::EC2::SecurityGroup", "OK", Configuration.Replace("sg-1", "sg-2", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(Items))]
    public void Fields_and_JSON_give_the_same_answer(string type, string? status, string? configuration)
    {
        var context = new ResourceContext("111122223333", "eu-west-1", "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1", DateTimeOffset.UnixEpoch);
        var tags = new Dictionary<string, string> { ["Name"] = "web", ["Owner"] = "" };
        var fromFields = Outcome(() => ConfigurationItemFields.Read(type, "sg-1", "web-name", status, configuration, tags, context));

        var json = new JsonObject { ["resourceType"] = type, ["resourceId"] = "sg-1", ["resourceName"] = "web-name", ["configuration"] = configuration };
        if (status is not null) json["configurationItemStatus"] = status;
        json["tags"] = new JsonObject { ["Name"] = "web", ["Owner"] = "" };
        using var document = JsonDocument.Parse(json.ToJsonString());
        var read = Assert.Single(InputReader.Read(document.RootElement));
        Assert.Equal(read.Error is { } error ? $"{error.JsonPath}: {error.Problem}" : null, fromFields.Error);
        if (fromFields.Error is null)
        {
            var (expected, actual) = (read.Item!, fromFields.Item!);
            Assert.Equal((expected.ResourceType, expected.ResourceId, expected.ResourceName, expected.NotApplicableReason),
                (actual.ResourceType, actual.ResourceId, actual.ResourceName, actual.NotApplicableReason));
            Assert.Equal(context, actual.Context);
            Assert.Equal(expected.Group?.Tags, actual.Group?.Tags);
            Assert.Equal(expected.Group?.Ingress, actual.Group?.Ingress);
            Assert.Equal((expected.Group?.GroupId, expected.Group?.GroupName), (actual.Group?.GroupId, actual.Group?.GroupName));
        }
    }

    private static (ResourceItem? Item, string? Error) Outcome(Func<ResourceItem> read)
    {
        try
        {
            return (read(), null);
        }
        catch (InputException e)
        {
            return (null, $"{e.JsonPath}: {e.Problem}");
        }
    }
}
