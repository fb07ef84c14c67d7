using SgConfigRule.Input;
using static SgConfigRule.Tests.Support.Inputs;

namespace SgConfigRule.Tests.Parsing;

/// <summary>Bad input is an error carrying the JSON path of the offending value — never a silent default.</summary>
public class InputErrorTests
{
    [Theory]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1','IpPermissions':[{'IpProtocol':'sctp','IpRanges':[]}]}]}",
        "$.SecurityGroups[0].IpPermissions[0].IpProtocol", "unknown protocol 'sctp'")]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1','IpPermissions':[{'IpProtocol':'tcp','FromPort':100,'ToPort':22}]}]}",
        "$.SecurityGroups[0].IpPermissions[0].FromPort", "FromPort 100 is greater than ToPort 22")]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1','IpPermissions':[{'IpProtocol':'tcp','FromPort':22,'ToPort':70000}]}]}",
        "$.SecurityGroups[0].IpPermissions[0].ToPort", "ToPort 70000 is outside 0-65535")]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1','IpPermissions':[{'IpProtocol':'tcp','FromPort':22.5,'ToPort':23}]}]}",
        "$.SecurityGroups[0].IpPermissions[0].FromPort", "22.5 is not a whole number")]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1','IpPermissions':[{'IpProtocol':'tcp','FromPort':'22','ToPort':22}]}]}",
        "$.SecurityGroups[0].IpPermissions[0].FromPort", "must be a number, not a string")]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1','IpPermissions':[{'IpProtocol':'tcp','FromPort':22,'ToPort':22,'IpRanges':[{'CidrIp':'300.0.0.0/8'}]}]}]}",
        "$.SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp", "'300.0.0.0/8' is not a CIDR")]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1','IpPermissions':[{'IpProtocol':'tcp','FromPort':22,'ToPort':22,'Ipv6Ranges':[{'CidrIpv6':'10.0.0.0/8'}]}]}]}",
        "$.SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0].CidrIpv6", "IPv4 CIDR in an IPv6 field")]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1'}]}",
        "$.SecurityGroups[0]", "'IpPermissions' is missing")]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1','IpPermissions':[{'FromPort':22}]}]}",
        "$.SecurityGroups[0].IpPermissions[0]", "'IpProtocol' is missing")]
    [InlineData("{'SecurityGroups':[{'GroupId':'sg-1','IpPermissions':{}}]}",
        "$.SecurityGroups[0].IpPermissions", "must be an array, not an object")]
    [InlineData("{'groupId':'sg-1','ipPermissions':[{'ipProtocol':'-1','userIdGroupPairs':[{'userId':'1'}]}]}",
        "$.ipPermissions[0].userIdGroupPairs[0]", "needs 'groupId' or 'groupName'")]
    [InlineData("{'resourceType':'AWS::EC2::SecurityGroup','resourceId':'sg-1','configurationItemStatus':'OK','configuration':null}",
        "$", "'configuration' is missing or null")]
    [InlineData("{'resourceType':'AWS::EC2::SecurityGroup','resourceId':'sg-1','configurationItemStatus':'Weird','configuration':{}}",
        "$.configurationItemStatus", "unknown configurationItemStatus 'Weird'")]
    [InlineData("{'resourceType':'AWS::EC2::SecurityGroup','resourceId':'sg-1','configuration':{'groupId':'sg-2','ipPermissions':[]}}",
        "$.configuration.groupId", "does not match the item's resourceId 'sg-1'")]
    [InlineData("{'resourceType':'AWS::EC2::SecurityGroup','resourceId':'sg-1','configurationItemCaptureTime':'yesterday','configuration':{'groupId':'sg-1','ipPermissions':[]}}",
        "$.configurationItemCaptureTime", "'yesterday' is not an ISO-8601 timestamp")]
    [InlineData("{'SecurityGroupRules':[{'SecurityGroupRuleId':'sgr-1','GroupId':'sg-1','IpProtocol':'tcp','FromPort':22,'ToPort':22,'CidrIpv4':'0.0.0.0/0'}]}",
        "$.SecurityGroupRules[0]", "'IsEgress' is missing")]
    [InlineData("{'SecurityGroupRules':[{'SecurityGroupRuleId':'sgr-1','GroupId':'sg-1','IsEgress':false,'IpProtocol':'tcp','FromPort':22,'ToPort':22}]}",
        "$.SecurityGroupRules[0]", "the rule has no source")]
    [InlineData("{'SecurityGroupRules':[{'SecurityGroupRuleId':'sgr-1','GroupId':'sg-1','IsEgress':false,'IpProtocol':'tcp','FromPort':22,'ToPort':22,'CidrIpv4':'0.0.0.0/0','PrefixListId':'pl-1'}]}",
        "$.SecurityGroupRules[0]", "more than one source")]
    [InlineData("{'SecurityGroupRules':[],'NextToken':'abc'}",
        "$.NextToken", "one page of several")]
    [InlineData("{'resourceIdentifiers':[{'resourceId':'sg-1'}]}",
        "$", "ListDiscoveredResources")]
    [InlineData("{'hello':'world'}", "$", "unrecognised input")]
    [InlineData("42", "$", "expected a JSON object or array")]
    [InlineData("[42]", "$[0]", "not a number")]
    public void Errors_name_the_path_and_the_problem(string json, string path, string problem)
    {
        var error = Error(Q(json));
        Assert.Equal(path, error.JsonPath);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void Errors_inside_embedded_json_continue_the_path()
    {
        var error = Error("""
            {"configurationItems":[{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1",
              "configuration":"{\"groupId\":\"sg-1\",\"ipPermissions\":[{\"ipProtocol\":\"tcp\",\"fromPort\":30,\"toPort\":20}]}"}]}
            """);
        Assert.Equal("$.configurationItems[0].configuration(json).ipPermissions[0].fromPort", error.JsonPath);
    }

    [Fact]
    public void Oversized_and_scheduled_events_say_what_they_lack()
    {
        Assert.Contains("GetResourceConfigHistory", Error("""{"invokingEvent":"{\"messageType\":\"OversizedConfigurationItemChangeNotification\",\"configurationItemSummary\":{}}"}""").Problem);
        Assert.Contains("names no resource", Error("""{"invokingEvent":"{\"messageType\":\"ScheduledNotification\",\"notificationCreationTime\":\"2026-01-01T00:00:00Z\"}"}""").Problem);
        var bad = Error("""{"invokingEvent":"{\"messageType\":"}""");
        Assert.StartsWith("$.invokingEvent(json)", bad.JsonPath);
        Assert.Contains("invalid JSON", bad.Problem);
    }

    [Fact]
    public void One_bad_group_costs_only_itself()
    {
        var results = ReadAll(Q("""
            {"SecurityGroups":[{"GroupId":"sg-ok1","IpPermissions":[]},
                               {"GroupId":"sg-bad","IpPermissions":[{"IpProtocol":"nope"}]},
                               {"GroupId":"sg-ok2","IpPermissions":[]}]}
            """));
        Assert.Equal(["sg-ok1", null, "sg-ok2"], results.Select(r => r.Item?.ResourceId));
        Assert.Equal("$.SecurityGroups[1].IpPermissions[0].IpProtocol", results[1].Error!.JsonPath);
    }

    [Fact]
    public void A_group_with_an_unreadable_rule_is_not_evaluated_on_its_other_rules()
    {
        var results = ReadAll(Q("""
            {"SecurityGroupRules":[
              {"SecurityGroupRuleId":"sgr-1","GroupId":"sg-a","IsEgress":false,"IpProtocol":"tcp","FromPort":443,"ToPort":443,"CidrIpv4":"0.0.0.0/0"},
              {"SecurityGroupRuleId":"sgr-2","GroupId":"sg-a","IsEgress":false,"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIpv4":"0.0.0.0"},
              {"SecurityGroupRuleId":"sgr-3","GroupId":"sg-b","IsEgress":false,"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIpv4":"10.0.0.0/8"}]}
            """));
        Assert.Null(results[0].Item);
        Assert.Equal("$.SecurityGroupRules[1].CidrIpv4", results[0].Error!.JsonPath);
        Assert.Contains("group sg-a is not evaluated", results[0].Error!.Problem);
        Assert.Equal("sg-b", results[1].Item!.ResourceId);
    }

    [Theory]
    [InlineData("{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[{\"IpProtocol\":\"tcp\",", "$.SecurityGroups[0].IpPermissions[0]")]
    [InlineData("{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[]},", "$.SecurityGroups[1]")]
    [InlineData("{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[]}]", "$")]
    [InlineData("{\"SecurityGroups\":[{\"GroupId\":\"sg-1\" \"IpPermissions\":[]}]}", "$.SecurityGroups[0]")]
    [InlineData("", "$")]
    public void Truncated_or_broken_json_names_where_it_broke(string json, string path)
    {
        var e = Assert.Throws<InputException>(() => JsonText.Parse(System.Text.Encoding.UTF8.GetBytes(json), JsonPath.Root));
        Assert.Equal(path, e.JsonPath);
        Assert.Contains("invalid JSON at line 1", e.Problem);
    }

    [Fact]
    public void Duplicate_keys_are_refused_where_they_occur()
    {
        var e = Assert.Throws<InputException>(() => JsonText.Parse(
            System.Text.Encoding.UTF8.GetBytes("{\"SecurityGroups\":[{\"GroupId\":\"sg-1\",\"IpPermissions\":[],\"IpPermissions\":[{}]}]}"), JsonPath.Root));
        Assert.Equal("$.SecurityGroups[0].IpPermissions", e.JsonPath);
        Assert.Contains("duplicate key 'IpPermissions'", e.Problem);
    }

    [Fact]
    public void Paths_quote_names_that_are_not_identifiers() =>
        Assert.Equal("$.tags['aws:cloudformation:stack-name'][2]",
            JsonPath.Root.Property("tags").Property("aws:cloudformation:stack-name").Index(2).ToString());
}
