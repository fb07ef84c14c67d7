using SgConfigRule.Policy.Model;
using static SgConfigRule.Tests.Support.Inputs;

namespace SgConfigRule.Tests.Parsing;

/// <summary>Every input shape of DESIGN §3/§7 reads into the same normalised model: one ingress rule per source.</summary>
public class InputShapeTests
{
    private static string Rules(SecurityGroup g) => string.Join("; ", g.Ingress.Select(r => r.Display));

    [Fact]
    public void Config_item_in_event_form()
    {
        var item = Single(Q("""
            {"configurationItemStatus":"OK","resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-0123456789abcdef0",
             "resourceName":"web","awsAccountId":"111122223333","awsRegion":"eu-west-1",
             "ARN":"arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0",
             "configurationItemCaptureTime":"2026-03-02T10:15:04.512Z","tags":{"Team":"payments"},
             "configuration":{"groupId":"sg-0123456789abcdef0","groupName":"web","vpcId":"vpc-0a1b2c3d","ownerId":"111122223333",
               "ipPermissions":[
                 {"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":["0.0.0.0/0"],"ipv4Ranges":[{"cidrIp":"0.0.0.0/0","description":"temp"}],"ipv6Ranges":[{"cidrIpv6":"::/0"}],"prefixListIds":[],"userIdGroupPairs":[]},
                 {"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":[],"ipv4Ranges":[],"ipv6Ranges":[],"prefixListIds":[{"prefixListId":"pl-63a5400a"}],"userIdGroupPairs":[{"groupId":"sg-0fedcba9876543210","userId":"111122223333"}]},
                 {"ipProtocol":"icmp","fromPort":-1,"toPort":-1,"ipRanges":["10.0.0.0/8"],"ipv4Ranges":[{"cidrIp":"10.0.0.0/8"}],"ipv6Ranges":[],"prefixListIds":[],"userIdGroupPairs":[]}],
               "ipPermissionsEgress":[{"ipProtocol":"-1","ipRanges":["0.0.0.0/0"],"ipv4Ranges":[{"cidrIp":"0.0.0.0/0"}],"ipv6Ranges":[],"prefixListIds":[],"userIdGroupPairs":[]}],
               "tags":[{"key":"Team","value":"payments"}]}}
            """));
        var group = item.Group!;
        Assert.Equal("sg-0123456789abcdef0", item.ResourceId);
        Assert.Equal("111122223333", item.Context.AccountId);
        Assert.Equal("eu-west-1", item.Context.Region);
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T10:15:04.512Z", System.Globalization.CultureInfo.InvariantCulture), item.Context.CaptureTime);
        Assert.Equal("tcp/22 from 0.0.0.0/0; tcp/22 from ::/0; tcp/443 from pl-63a5400a; tcp/443 from sg-0fedcba9876543210; icmp/any from 10.0.0.0/8", Rules(group));
        Assert.Equal("temp", group.Ingress[0].Description);
        Assert.Equal("payments", group.FindTag("Team"));
    }

    [Fact]
    public void Config_item_in_API_form_with_configuration_as_a_json_string_and_epoch_seconds()
    {
        var item = Single("""
            {"version":"1.2","accountId":"644160558196","configurationItemCaptureTime":1481436243.8,"configurationItemStatus":"ResourceDiscovered",
             "arn":"arn:aws:ec2:us-east-1:644160558196:security-group/sg-a38ed1de","resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-a38ed1de",
             "tags":{"App":"blue-moon"},
             "configuration":"{\"ownerId\":\"644160558196\",\"groupName\":\"allow-access\",\"groupId\":\"sg-a38ed1de\",\"ipPermissions\":[{\"ipProtocol\":\"tcp\",\"fromPort\":8080,\"toPort\":8080,\"userIdGroupPairs\":[],\"ipRanges\":[\"0.0.0.0/0\"],\"prefixListIds\":[]}],\"ipPermissionsEgress\":[{\"ipProtocol\":\"-1\",\"fromPort\":null,\"toPort\":null,\"userIdGroupPairs\":[],\"ipRanges\":[\"0.0.0.0/0\"],\"prefixListIds\":[]}],\"vpcId\":\"vpc-72885e14\",\"tags\":[{\"key\":\"App\",\"value\":\"blue-moon\"}]}"}
            """);
        Assert.Equal("allow-access", item.ResourceName);
        Assert.Equal("644160558196", item.Context.AccountId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1481436243800), item.Context.CaptureTime);
        Assert.Equal("tcp/8080 from 0.0.0.0/0", Rules(item.Group!));
    }

    [Fact]
    public void Legacy_items_with_only_ipRanges_strings_and_null_ports()
    {
        var group = Group(Q("""
            {"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1d56fc66","configurationItemStatus":"OK",
             "configuration":{"groupId":"sg-1d56fc66","ipPermissions":[
               {"ipProtocol":"-1","fromPort":null,"toPort":null,"ipRanges":["10.0.0.0/8","192.168.1.5/24"],"userIdGroupPairs":[],"prefixListIds":[]},
               {"ipProtocol":"tcp","fromPort":22,"toPort":22,"ipRanges":["0.0.0.0/0"]}]}}
            """));
        Assert.Equal("all traffic from 10.0.0.0/8; all traffic from 192.168.1.0/24; tcp/22 from 0.0.0.0/0", Rules(group));
    }

    [Fact]
    public void Float_ports_with_whole_values_are_ports()
    {
        var group = Group(Q("{'groupId':'sg-1','ipPermissions':[{'ipProtocol':'tcp','fromPort':22.0,'toPort':22.0,'ipRanges':['0.0.0.0/0']}]}"));
        Assert.Equal(new PortRange(22, 22), group.Ingress[0].Ports);
    }

    [Fact]
    public void EC2_DescribeSecurityGroups_output()
    {
        var items = Items(Q("""
            {"SecurityGroups":[
              {"GroupId":"sg-0aaa","GroupName":"lb","OwnerId":"111122223333","VpcId":"vpc-1","Tags":[{"Key":"Name","Value":"lb"}],
               "IpPermissions":[{"IpProtocol":"tcp","FromPort":80,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"web"}],
                 "Ipv6Ranges":[{"CidrIpv6":"::/0"}],"PrefixListIds":[{"PrefixListId":"pl-63a5400b"}],
                 "UserIdGroupPairs":[{"GroupId":"sg-0bbb","UserId":"111122223333","VpcPeeringConnectionId":"pcx-1","PeeringStatus":"active"}]}],
               "IpPermissionsEgress":[]},
              {"GroupId":"sg-0bbb","IpPermissions":[]}]}
            """));
        Assert.Equal(2, items.Count);
        var lb = items[0].Group!;
        Assert.Equal("tcp/80-443 from 0.0.0.0/0; tcp/80-443 from ::/0; tcp/80-443 from pl-63a5400b; tcp/80-443 from sg-0bbb", Rules(lb));
        Assert.Equal("web", lb.Ingress[0].Description);
        Assert.Equal("lb", lb.FindTag("Name"));
        var peer = Assert.IsType<SecurityGroupSource>(lb.Ingress[3].Source);
        Assert.Equal("pcx-1", peer.VpcPeeringConnectionId);
        Assert.Empty(items[1].Group!.Ingress);
    }

    [Fact]
    public void EC2_DescribeSecurityGroupRules_output_is_gathered_per_group_with_rule_ids()
    {
        var items = Items(Q("""
            {"SecurityGroupRules":[
              {"SecurityGroupRuleId":"sgr-01","GroupId":"sg-0aaa","GroupOwnerId":"111122223333","IsEgress":false,"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIpv4":"203.0.113.7/32","Description":"ssh"},
              {"SecurityGroupRuleId":"sgr-02","GroupId":"sg-0bbb","IsEgress":false,"IpProtocol":"-1","FromPort":-1,"ToPort":-1,"ReferencedGroupInfo":{"GroupId":"sg-0bbb","UserId":"111122223333"}},
              {"SecurityGroupRuleId":"sgr-03","GroupId":"sg-0aaa","IsEgress":true,"IpProtocol":"-1","FromPort":-1,"ToPort":-1,"CidrIpv4":"0.0.0.0/0"},
              {"SecurityGroupRuleId":"sgr-04","GroupId":"sg-0aaa","IsEgress":false,"IpProtocol":"tcp","FromPort":443,"ToPort":443,"CidrIpv6":"::/0"},
              {"SecurityGroupRuleId":"sgr-05","GroupId":"sg-0ccc","IsEgress":false,"IpProtocol":"udp","FromPort":53,"ToPort":53,"PrefixListId":"pl-0a1b2c3d4e5f67890"}]}
            """));
        Assert.Equal(["sg-0aaa", "sg-0bbb", "sg-0ccc"], items.Select(i => i.ResourceId));
        var a = items[0].Group!;
        Assert.Equal(["sgr-01", "sgr-04"], a.Ingress.Select(r => r.RuleId));
        Assert.Equal("tcp/22 from 203.0.113.7/32; tcp/443 from ::/0", Rules(a));
        Assert.Equal("111122223333", a.OwnerId);
        Assert.True(items[1].Group!.Ingress[0].Protocol.IsAll);
    }

    [Fact]
    public void One_rule_per_source_and_duplicate_sources_collapse()
    {
        var group = Group(Q("""
            {"groupId":"sg-1","ipPermissions":[{"ipProtocol":"tcp","fromPort":22,"toPort":22,
              "ipRanges":["10.0.0.0/8","10.1.2.3/8"],"ipv4Ranges":[{"cidrIp":"10.0.0.0/8","description":"office"}],
              "ipv6Ranges":[{"cidrIpv6":"2001:db8::/32"},{"cidrIpv6":"2001:DB8::1/32"}]}]}
            """));
        Assert.Equal("tcp/22 from 10.0.0.0/8; tcp/22 from 2001:db8::/32", Rules(group));
        Assert.Equal("office", group.Ingress[0].Description);
    }

    [Theory]
    [InlineData("'fromPort':null,'toPort':null", 0, 65535)]
    [InlineData("'fromPort':-1,'toPort':-1", 0, 65535)]
    [InlineData("", 0, 65535)]
    [InlineData("'fromPort':0,'toPort':65535", 0, 65535)]
    [InlineData("'fromPort':1024", 1024, 65535)]
    [InlineData("'fromPort':0,'toPort':0", 0, 0)]
    public void Absent_null_or_minus_one_ports_reach_the_end_of_their_side(string ports, int from, int to)
    {
        var comma = ports.Length > 0 ? "," : "";
        var group = Group(Q($"{{'groupId':'sg-1','ipPermissions':[{{'ipProtocol':'udp'{comma}{ports},'ipRanges':['10.0.0.0/8']}}]}}"));
        Assert.Equal(new PortRange(from, to), group.Ingress[0].Ports);
    }

    [Fact]
    public void Icmp_type_and_code_are_not_ports()
    {
        var rule = Group(Q("{'groupId':'sg-1','ipPermissions':[{'ipProtocol':'icmp','fromPort':8,'toPort':0,'ipRanges':['0.0.0.0/0']}]}")).Ingress[0];
        Assert.Null(rule.Ports);
        Assert.Equal(new IcmpTypeCode(8, 0), rule.Icmp);
        Assert.Equal("icmp/8:0 from 0.0.0.0/0", rule.Display);
        Assert.Equal(8, rule.WireFromPort);
        Assert.Equal(0, rule.WireToPort);
    }

    [Fact]
    public void Protocol_numbers_are_normalised_to_names()
    {
        var group = Group(Q("{'groupId':'sg-1','ipPermissions':[{'ipProtocol':'6','fromPort':22,'toPort':22,'ipRanges':['0.0.0.0/0']},{'ipProtocol':'50','ipRanges':['0.0.0.0/0']}]}"));
        Assert.Equal("tcp/22 from 0.0.0.0/0; proto 50 from 0.0.0.0/0", Rules(group));
    }

    [Fact]
    public void Referenced_groups_with_null_fields_and_by_name()
    {
        var group = Group(Q("""
            {"groupId":"sg-1","ipPermissions":[{"ipProtocol":"-1","userIdGroupPairs":[
              {"groupId":"sg-2","userId":"111122223333","groupName":null,"vpcId":null,"vpcPeeringConnectionId":null,"peeringStatus":null},
              {"groupName":"classic-web","userId":"amazon-elb"}]}]}
            """));
        Assert.Equal("all traffic from sg-2; all traffic from classic-web", Rules(group));
    }

    [Fact]
    public void Outbound_rules_are_not_part_of_the_policy()
    {
        var group = Group(Q("{'GroupId':'sg-1','IpPermissions':[],'IpPermissionsEgress':[{'IpProtocol':'tcp','FromPort':22,'ToPort':22,'IpRanges':[{'CidrIp':'0.0.0.0/0'}]}]}"));
        Assert.Empty(group.Ingress);
    }

    [Theory]
    [InlineData("ResourceDeleted", "Resource deleted")]
    [InlineData("ResourceDeletedNotRecorded", "Resource deleted")]
    [InlineData("ResourceNotRecorded", "not recorded")]
    public void Deleted_and_unrecorded_items_are_not_applicable(string status, string reason)
    {
        var item = Single($"{{\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-1\",\"configurationItemStatus\":\"{status}\",\"configuration\":null}}");
        Assert.Null(item.Group);
        Assert.Contains(reason, item.NotApplicableReason);
    }

    [Fact]
    public void Other_resource_types_are_not_applicable()
    {
        var item = Single(Q("{'resourceType':'AWS::EC2::Instance','resourceId':'i-1','configurationItemStatus':'OK','configuration':{'foo':'bar'}}"));
        Assert.Equal("Not a security group (AWS::EC2::Instance)", item.NotApplicableReason);
    }

    [Fact]
    public void A_config_rule_event_is_read_through_its_invoking_event_string()
    {
        var item = Single("""
            {"invokingEvent":"{\"configurationItem\":{\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-e2fb6999\",\"configurationItemStatus\":\"ResourceDiscovered\",\"configuration\":{\"groupId\":\"sg-e2fb6999\",\"groupName\":\"sg_open_ssh\",\"ipPermissions\":[{\"fromPort\":22,\"ipProtocol\":\"tcp\",\"toPort\":22,\"ipRanges\":[\"0.0.0.0/0\"]}]}},\"messageType\":\"ConfigurationItemChangeNotification\"}",
             "ruleParameters":"{}","resultToken":"t","eventLeftScope":false}
            """);
        Assert.Equal("tcp/22 from 0.0.0.0/0", Rules(item.Group!));
    }

    [Fact]
    public void An_event_whose_resource_left_scope_is_not_applicable()
    {
        var item = Single("""
            {"invokingEvent":"{\"configurationItem\":{\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-1\",\"configurationItemStatus\":\"OK\",\"configuration\":{\"groupId\":\"sg-1\",\"ipPermissions\":[]}},\"messageType\":\"ConfigurationItemChangeNotification\"}",
             "eventLeftScope":true}
            """);
        Assert.Equal("Resource left the rule's scope", item.NotApplicableReason);
    }

    [Fact]
    public void A_decoded_invoking_event_is_read_too()
    {
        var item = Single(Q("{'messageType':'ConfigurationItemChangeNotification','notificationCreationTime':'2026-01-01T00:00:00Z','configurationItem':{'resourceType':'AWS::EC2::SecurityGroup','resourceId':'sg-1','configurationItemStatus':'OK','configuration':{'groupId':'sg-1','ipPermissions':[]}}}"));
        Assert.NotNull(item.Group);
    }

    [Fact]
    public void SelectResourceConfig_rows_are_json_strings()
    {
        var items = Items("""
            {"Results":["{\"configuration\":{\"groupName\":\"default\",\"groupId\":\"sg-6c7fa917\",\"ipPermissions\":[{\"ipRanges\":[\"108.56.181.242/32\"],\"prefixListIds\":[],\"userIdGroupPairs\":[{\"groupId\":\"sg-6c7fa917\",\"userId\":\"644160558196\"}],\"ipProtocol\":\"-1\",\"ipv4Ranges\":[{\"cidrIp\":\"108.56.181.242/32\"}],\"ipv6Ranges\":[]}],\"tags\":[{\"value\":\"Private\",\"key\":\"NetworkLocation\"}]},\"supplementaryConfiguration\":{}}"],
             "QueryInfo":{"SelectFields":[{"Name":"configuration"}]}}
            """);
        var group = Assert.Single(items).Group!;
        Assert.Equal("all traffic from 108.56.181.242/32; all traffic from sg-6c7fa917", Rules(group));
        Assert.Equal("Private", group.FindTag("NetworkLocation"));
    }

    [Fact]
    public void Advanced_query_rows_carry_tags_as_a_list()
    {
        var group = Assert.Single(Items("""
            {"Results":["{\"resourceId\":\"sg-1\",\"configuration\":{\"groupId\":\"sg-1\",\"ipPermissions\":[]},\"tags\":[{\"key\":\"sg-config-rule:exempt\",\"value\":\"2099-01-01\"}]}"]}
            """)).Group!;
        Assert.Equal("2099-01-01", group.FindTag("sg-config-rule:exempt"));
    }

    [Fact]
    public void BatchGetResourceConfig_items_are_read_and_unprocessed_keys_are_errors()
    {
        var results = ReadAll("""
            {"baseConfigurationItems":[{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configurationItemStatus":"OK",
               "configuration":"{\"groupId\":\"sg-1\",\"ipPermissions\":[]}"}],
             "unprocessedResourceKeys":[{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-2"}]}
            """);
        Assert.Equal("sg-1", results[0].Item!.ResourceId);
        Assert.Equal("$.unprocessedResourceKeys[0]", results[1].Error!.JsonPath);
        Assert.Contains("'sg-2' was not processed", results[1].Error!.Problem);
    }

    [Fact]
    public void A_history_is_evaluated_at_the_newest_item_of_each_resource()
    {
        var items = Items(Q("""
            {"configurationItems":[
              {"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configurationItemCaptureTime":1000,"configuration":{"groupId":"sg-1","groupName":"old","ipPermissions":[]}},
              {"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-1","configurationItemCaptureTime":2000,"configuration":{"groupId":"sg-1","groupName":"new","ipPermissions":[]}},
              {"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-2","configurationItemCaptureTime":1500,"configuration":{"groupId":"sg-2","ipPermissions":[]}}]}
            """));
        Assert.Equal(["sg-1", "sg-2"], items.Select(i => i.ResourceId));
        Assert.Equal("new", items[0].ResourceName);
    }

    [Fact]
    public void Lists_of_mixed_shapes_are_read_in_order()
    {
        var items = Items(Q("""
            [{"GroupId":"sg-a","IpPermissions":[]},
             {"groupId":"sg-b","ipPermissions":[]},
             {"SecurityGroups":[{"GroupId":"sg-c","IpPermissions":[]}]},
             [{"resourceType":"AWS::EC2::SecurityGroup","resourceId":"sg-d","configuration":{"groupId":"sg-d","ipPermissions":[]}}]]
            """));
        Assert.Equal(["sg-a", "sg-b", "sg-c", "sg-d"], items.Select(i => i.ResourceId));
    }

    [Fact]
    public void Tags_come_from_the_item_map_and_the_configuration_list()
    {
        var group = Group(Q("{'resourceType':'AWS::EC2::SecurityGroup','resourceId':'sg-1','tags':{'A':'1','B':'map'},'configuration':{'groupId':'sg-1','ipPermissions':[],'tags':[{'key':'B','value':'list'},{'key':'C','value':'3'}]}}"));
        Assert.Equal(["A=1", "B=list", "C=3"], group.Tags.Select(t => $"{t.Key}={t.Value}"));
    }

    [Fact]
    public void A_byte_order_mark_is_tolerated()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(System.Text.Encoding.UTF8.GetBytes("{\"GroupId\":\"sg-1\",\"IpPermissions\":[]}")).ToArray();
        using var document = SgConfigRule.Input.JsonText.Parse(bytes, SgConfigRule.Input.JsonPath.Root);
        Assert.Equal("sg-1", SgConfigRule.Input.InputReader.Read(document.RootElement).Single().Item!.ResourceId);
    }
}
