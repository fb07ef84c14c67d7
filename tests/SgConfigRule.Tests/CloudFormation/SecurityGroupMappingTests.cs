using System.Text;
using SgConfigRule.Input.CloudFormation;
using SgConfigRule.Policy.Model;

namespace SgConfigRule.Tests.CloudFormation;

/// <summary>
/// The mapping from CloudFormation's security group properties to the model (SecurityGroupMapping): every field read
/// where it belongs, each error worded and placed at the line of the field at fault, conditions carried into the note,
/// tags and sources of every kind.
/// </summary>
public sealed class SecurityGroupMappingTests
{
    private const string Header = "AWSTemplateFormatVersion: \"2010-09-09\"\n";

    /// <summary>A one-group template; <paramref name="properties"/> starts at line 7, indented under Properties.</summary>
    private static string OneGroup(string properties) =>
        Header + "Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: test\n" + properties;

    private static string ErrorOf(string template)
    {
        var error = Assert.Single(Templates.Read(template)).Error;
        Assert.NotNull(error);
        Assert.Equal("Resources.Sg", error.JsonPath);
        return error.Problem;
    }

    private static TemplateMap Json(string json) => Assert.IsType<TemplateMap>(TemplateJson.Parse(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("      SecurityGroupIngress: not-a-list\n", "line 7: SecurityGroupIngress must be a list of rules")]
    [InlineData("      SecurityGroupIngress:\n        - just-text\n", "line 8: a SecurityGroupIngress rule must be a mapping")]
    [InlineData("      SecurityGroupIngress:\n        - { CidrIp: 0.0.0.0/0, FromPort: 22, ToPort: 22 }\n", "line 8: the rule has no IpProtocol")]
    [InlineData("      Tags: oops\n", "line 7: Tags must be a list of {Key, Value}")]
    [InlineData("      Tags:\n        - { Key: Owner, Value: a }\n        - oops\n", "line 9: a tag must be a mapping of Key and Value")]
    public void A_malformed_group_is_one_error_worded_for_the_field_at_its_line(string properties, string expected) =>
        Assert.Equal(expected, ErrorOf(OneGroup(properties)));

    [Theory]
    // The entry starts at line 8; each problem is reported at its own field's line, not the entry's.
    [InlineData("          FromPort: abc\n          ToPort: 22\n", "line 10: FromPort 'abc' is not a number")]
    [InlineData("          FromPort: 22\n          ToPort: 2x\n", "line 11: ToPort '2x' is not a number")]
    [InlineData("          FromPort: 100\n          ToPort: 50\n", "line 10: FromPort 100 is greater than ToPort 50")]
    [InlineData("          FromPort: 70000\n          ToPort: 70001\n", "line 10: FromPort 70000 is outside 0-65535 (or -1 for all)")]
    [InlineData("          FromPort: 1\n          ToPort: 70000\n", "line 11: ToPort 70000 is outside 0-65535 (or -1 for all)")]
    public void A_port_error_is_reported_at_the_ports_line(string ports, string expected)
    {
        var template = OneGroup("      SecurityGroupIngress:\n        - CidrIp: 0.0.0.0/0\n          IpProtocol: tcp\n" + ports);
        Assert.Equal(expected, ErrorOf(template));
    }

    [Fact]
    public void An_unknown_protocol_is_reported_at_the_IpProtocol_line()
    {
        var template = OneGroup("      SecurityGroupIngress:\n        - CidrIp: 0.0.0.0/0\n          FromPort: 22\n          IpProtocol: bogus\n");
        Assert.Equal("line 10: unknown protocol 'bogus': expected tcp, udp, icmp, icmpv6, -1 or a protocol number 0-255", ErrorOf(template));
    }

    [Fact]
    public void A_rule_takes_its_own_condition_else_the_condition_of_its_list()
    {
        const string template = Header + """
            Parameters:
              Env: { Type: String }
              Stack: { Type: String }
            Conditions:
              IsProd: !Equals [!Ref Env, prod]
              WantsIpv6: !Equals [!Ref Stack, v6]
            Resources:
              Sg:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: test
                  SecurityGroupIngress: !If
                    - IsProd
                    - - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
                      - !If [WantsIpv6, { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIpv6: "::/0" }, !Ref AWS::NoValue]
                    - !Ref AWS::NoValue
            """;
        var rules = Templates.Group(template, "Sg").Ingress;
        Assert.Equal(["tcp/22 from 0.0.0.0/0", "tcp/443 from ::/0"], rules.Select(r => r.Display));
        Assert.Equal(["assumed the worst: present under Fn::If IsProd", "assumed the worst: present under Fn::If WantsIpv6"], rules.Select(r => r.Assumed));
        Assert.Equal(["Sg.SecurityGroupIngress[0]", "Sg.SecurityGroupIngress[1]"], rules.Select(r => r.Location!.Name));
    }

    [Fact]
    public void The_groups_name_description_vpc_and_tags_are_read()
    {
        const string template = Header + """
            Parameters:
              Vpc: { Type: String, Default: vpc-0abc1234 }
            Resources:
              Sg:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupName: web-sg
                  GroupDescription: web tier
                  VpcId: !Ref Vpc
                  Tags:
                    - { Key: Owner, Value: team-a }
                    - { Key: !ImportValue SharedKey, Value: dropped }
                    - { Key: Expiry, Value: !ImportValue SharedDate }
                    - { Key: Empty }
                    - { Key: NoValue, Value: !Ref AWS::NoValue }
            """;
        var group = Templates.Group(template, "Sg");
        Assert.Equal("Sg", group.GroupId);
        Assert.Equal("web-sg", group.GroupName);
        Assert.Equal("web tier", group.Description);
        Assert.Equal("vpc-0abc1234", group.VpcId);
        Assert.Null(group.OwnerId);
        Assert.Empty(group.Ingress);
        // A tag whose key is unknown cannot be matched: it is skipped. An unknown value never matches an exemption date,
        // and is marked unknown, so it keeps the group inside a tag scope.
        Assert.Equal([new("Owner", "team-a"), new("Expiry", "(unknown: Fn::ImportValue SharedDate)") { ValueUnknown = true }, new("Empty", ""), new("NoValue", "")],
            group.Tags.AsEnumerable());
    }

    [Fact]
    public void An_unknown_name_or_vpc_is_left_out_rather_than_shown_as_a_value()
    {
        var group = Templates.Group(OneGroup("      GroupName: !ImportValue Name\n      VpcId: !ImportValue Vpc\n"), "Sg");
        Assert.Null(group.GroupName);
        Assert.Null(group.VpcId);
        Assert.Equal("test", group.Description);
        Assert.Empty(group.Tags);
    }

    [Fact]
    public void Each_kind_of_source_and_the_description_are_read()
    {
        var rules = Templates.Group(OneGroup("""
                  SecurityGroupIngress:
                    - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIpv6: "2001:db8::/32", Description: admins }
                    - { IpProtocol: tcp, FromPort: 443, ToPort: 443, SourcePrefixListId: pl-0123abcd }
                    - { IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: sg-0aaa, SourceSecurityGroupName: app, SourceSecurityGroupOwnerId: "111122223333" }
                    - { IpProtocol: tcp, FromPort: 80, ToPort: 80, SourceSecurityGroupName: legacy, SourceSecurityGroupOwnerId: "444455556666" }
                    - { IpProtocol: tcp, FromPort: 81, ToPort: 81, SourceSecurityGroupId: sg-0bbb }
                    - { IpProtocol: -1, CidrIpv6: !ImportValue SharedV6 }
                    - { IpProtocol: -1, CidrIp: !ImportValue SharedV4 }

            """), "Sg").Ingress;
        Assert.Equal(7, rules.Length);
        Assert.Equal(new CidrSource(Cidr.Parse("2001:db8::/32")), rules[0].Source);
        Assert.Equal("admins", rules[0].Description);
        Assert.Null(rules[1].Description);
        Assert.Equal(new PrefixListSource("pl-0123abcd"), rules[1].Source);
        // Named by id and by name together: one group, the id identifies it.
        Assert.Equal(new SecurityGroupSource("sg-0aaa", null, "111122223333", null, null, null), rules[2].Source);
        Assert.Equal(new SecurityGroupSource(null, "legacy", "444455556666", null, null, null), rules[3].Source);
        Assert.Equal(new SecurityGroupSource("sg-0bbb", null, null, null, null, null), rules[4].Source);
        // An unknown address names the field it came from, for the note on the finding.
        Assert.Equal(new UnresolvedSource("CidrIpv6 Fn::ImportValue SharedV6"), rules[5].Source);
        Assert.Equal(new UnresolvedSource("CidrIp Fn::ImportValue SharedV4"), rules[6].Source);
        Assert.Equal("assumed the worst: CidrIp is Fn::ImportValue SharedV4", rules[6].Assumed);
    }

    [Fact]
    public void An_ingress_resource_names_its_group_by_GroupName_when_it_has_no_GroupId()
    {
        const string template = Header + """
            Resources:
              ByName:
                Type: AWS::EC2::SecurityGroupIngress
                Properties: { GroupName: legacy-default, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
            """;
        var item = Assert.Single(Templates.Items(template));
        Assert.Equal("ingress to legacy-default (a group outside this template)", item.ResourceName);
        Assert.Equal("tcp/22 from 0.0.0.0/0", item.Group!.Ingress.Single().Display);
    }

    [Fact]
    public void The_target_group_is_the_GroupId_else_the_GroupName_else_absent()
    {
        var resolver = TemplateResolver.Deployed;
        Assert.Equal(TemplateValue.Known("sg-1"), SecurityGroupMapping.TargetGroup(Json("""{"GroupId": "sg-1", "GroupName": "web"}"""), resolver));
        Assert.Equal(TemplateValue.Known("web"), SecurityGroupMapping.TargetGroup(Json("""{"GroupName": "web"}"""), resolver));
        Assert.Equal(TemplateValueKind.Absent, SecurityGroupMapping.TargetGroup(Json("""{"IpProtocol": "tcp"}"""), resolver).Kind);
    }

    [Fact]
    public void A_rule_is_located_only_when_it_comes_from_a_file()
    {
        var entry = Json("""
            {
              "x": 1,
              "rule": {
                "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0", "Description": "ssh"
              }
            }
            """)["rule"] as TemplateMap;
        Assert.NotNull(entry);
        var resolver = TemplateResolver.Deployed;
        // A hook's properties have no file: no location, whatever the line.
        var fromHook = SecurityGroupMapping.Rule(entry, resolver, "Ingress", null);
        Assert.Null(fromHook.Location);
        Assert.Equal("ssh", fromHook.Description);
        Assert.Null(fromHook.Assumed);
        Assert.Null(fromHook.RuleId);
        var fromFile = SecurityGroupMapping.Rule(entry, resolver, "Ingress", "template.json");
        Assert.Equal(new SourceLocation("template.json", 3, "Ingress"), fromFile.Location);
        Assert.Equal("tcp/22 from 0.0.0.0/0", fromFile.Display);
        Assert.Equal("assumed the worst: present under Condition C",
            SecurityGroupMapping.Rule(entry, resolver, "Ingress", null, "Condition C").Assumed);

        var group = SecurityGroupMapping.Group("Hooked", Json("""{"GroupDescription": "d", "SecurityGroupIngress": [{"IpProtocol": "-1", "CidrIp": "10.0.0.0/8"}]}"""), resolver, null);
        Assert.Null(group.Ingress.Single().Location);
        Assert.Equal("d", group.Description);
    }
}
