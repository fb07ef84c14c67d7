using SgConfigRule.Input.CloudFormation;
using SgConfigRule.Policy.Evaluation;
using Policy = SgConfigRule.Policy;
using SgConfigRule.Policy.Model;
using SgConfigRule.Policy.Parameters;

namespace SgConfigRule.Tests.CloudFormation;

/// <summary>
/// Reading CloudFormation templates (issue 18): short-form and long-form intrinsics, parameters from the command line
/// or their Default, ingress resources joined to their group, values unknown before deployment assumed the worst with
/// a note naming them, and errors that name the resource and the line.
/// </summary>
public sealed class TemplateReaderTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private const string Header = "AWSTemplateFormatVersion: \"2010-09-09\"\n";

    private static Policy.Evaluation.Evaluation Evaluate(SecurityGroup group, string parameters = "{}") =>
        Evaluator.Evaluate(group, ParameterParser.Parse(parameters), Now);

    [Fact]
    public void A_Ref_takes_the_value_given_else_the_parameters_Default()
    {
        const string template = Header + """
            Parameters:
              Cidr: { Type: String, Default: 10.0.0.0/8 }
              Port: { Type: Number, Default: 22 }
            Resources:
              Sg:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: test
                  SecurityGroupIngress:
                    - { IpProtocol: tcp, FromPort: !Ref Port, ToPort: !Ref Port, CidrIp: !Ref Cidr }
            """;
        var byDefault = Templates.Group(template, "Sg").Ingress.Single();
        Assert.Equal("tcp/22 from 10.0.0.0/8", byDefault.Display);
        Assert.Null(byDefault.Assumed);
        var given = Templates.Group(template, "Sg", new Dictionary<string, string> { ["Cidr"] = "0.0.0.0/0", ["Port"] = "3389" }).Ingress.Single();
        Assert.Equal("tcp/3389 from 0.0.0.0/0", given.Display);
    }

    [Fact]
    public void An_imported_CIDR_is_any_address_and_the_finding_names_the_import()
    {
        const string template = Header + """
            Resources:
              Sg:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: test
                  SecurityGroupIngress:
                    - IpProtocol: tcp
                      FromPort: 22
                      ToPort: 22
                      CidrIp: !ImportValue SharedCidr
            """;
        var group = Templates.Group(template, "Sg");
        // Even the narrowest scope counts it: the import could be 0.0.0.0/0.
        var evaluation = Evaluate(group, """{"sourceScope":"world"}""");
        Assert.Equal(Compliance.NonCompliant, evaluation.Compliance);
        Assert.Contains("CidrIp is Fn::ImportValue SharedCidr", evaluation.Annotation, StringComparison.Ordinal);
        Assert.True(evaluation.Findings.Single().UnresolvedPrefixList);
        // No trusted CIDR is known to cover an unknown address.
        Assert.Equal(Compliance.NonCompliant, Evaluate(group, """{"trustedSources":"0.0.0.0/0"}""").Compliance);
    }

    [Fact]
    public void Unknown_ports_and_protocol_are_assumed_to_open_everything()
    {
        const string template = Header + """
            Parameters:
              Port: { Type: Number }
            Resources:
              Sg:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: test
                  SecurityGroupIngress:
                    - { IpProtocol: tcp, FromPort: !Ref Port, ToPort: !Ref Port, CidrIp: 192.0.2.0/24 }
                    - { IpProtocol: !GetAtt Config.Protocol, FromPort: 443, ToPort: 443, CidrIp: 192.0.2.0/24 }
            """;
        var rules = Templates.Group(template, "Sg").Ingress;
        Assert.Equal(new PortRange(0, 65535), rules[0].Ports);
        Assert.Equal("assumed the worst: FromPort is Ref Port (no value given and no Default); ToPort is Ref Port (no value given and no Default)", rules[0].Assumed);
        Assert.True(rules[1].Protocol.IsAll);
        Assert.Equal("assumed the worst: IpProtocol is Fn::GetAtt Config.Protocol", rules[1].Assumed);
        var evaluation = Evaluate(Templates.Group(template, "Sg"));
        Assert.Equal(2, evaluation.Findings.Length);
        Assert.All(evaluation.Findings, f => Assert.Contains("assumed the worst", f.ReasonText, StringComparison.Ordinal));
    }

    [Fact]
    public void A_known_value_never_gets_a_note_and_a_rule_the_policy_allows_stays_allowed_whatever_is_unknown()
    {
        const string template = Header + """
            Resources:
              Sg:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: test
                  SecurityGroupIngress:
                    - { IpProtocol: tcp, FromPort: !ImportValue Port, ToPort: !ImportValue Port, CidrIp: 10.0.0.0/8 }
            """;
        // Under sourceScope world a private source never counts: the unknown ports cannot matter.
        Assert.Equal(Compliance.Compliant, Evaluate(Templates.Group(template, "Sg"), """{"sourceScope":"world"}""").Compliance);
    }

    [Fact]
    public void Conditions_decided_by_known_values_pick_a_branch_and_undecidable_ones_keep_both()
    {
        const string template = Header + """
            Parameters:
              Env: { Type: String, Default: prod }
            Conditions:
              IsProd: !Equals [!Ref Env, prod]
              InUsEast1: !Equals [!Ref "AWS::Region", us-east-1]
            Resources:
              Sg:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: test
                  SecurityGroupIngress:
                    - !If [IsProd, { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }, !Ref AWS::NoValue]
                    - !If [InUsEast1, { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }, { IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0 }]
                    - IpProtocol: tcp
                      FromPort: !If [IsProd, 8443, 22]
                      ToPort: !If [IsProd, 8443, 22]
                      CidrIp: 0.0.0.0/0
            """;
        var rules = Templates.Group(template, "Sg").Ingress;
        Assert.Equal(["tcp/443 from 0.0.0.0/0", "tcp/22 from 0.0.0.0/0", "tcp/3389 from 0.0.0.0/0", "tcp/8443 from 0.0.0.0/0"], rules.Select(r => r.Display));
        Assert.Equal([null, "assumed the worst: present under Fn::If InUsEast1", "assumed the worst: present under Fn::If InUsEast1", null], rules.Select(r => r.Assumed));
        // With the Region given, the condition is decided.
        var decided = Templates.Group(template, "Sg", new Dictionary<string, string> { ["AWS::Region"] = "eu-west-1" }).Ingress;
        Assert.Equal(["tcp/443 from 0.0.0.0/0", "tcp/3389 from 0.0.0.0/0", "tcp/8443 from 0.0.0.0/0"], decided.Select(r => r.Display));
    }

    [Fact]
    public void Sub_Join_Select_and_FindInMap_over_known_values_resolve()
    {
        const string template = Header + """
            Parameters:
              Net: { Type: String, Default: "198.51.100" }
              Cidrs: { Type: CommaDelimitedList, Default: "203.0.113.0/24,192.0.2.0/24" }
            Mappings:
              Office:
                Berlin: { Cidr: 198.18.0.0/15 }
            Resources:
              Sg:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: test
                  SecurityGroupIngress:
                    - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Sub "${Net}.0/24" }
                    - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Join ["", [!Ref Net, ".128/25"]] }
                    - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Select [1, !Ref Cidrs] }
                    - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !FindInMap [Office, Berlin, Cidr] }
                    - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Sub "${AWS::Region}" }
            """;
        var rules = Templates.Group(template, "Sg").Ingress;
        Assert.Equal(["198.51.100.0/24", "198.51.100.128/25", "192.0.2.0/24", "198.18.0.0/15", "(unknown address)"], rules.Select(r => r.Source.Display));
        Assert.Equal("assumed the worst: CidrIp is Fn::Sub ${AWS::Region} (${AWS::Region}: Ref AWS::Region)", rules[4].Assumed);
    }

    [Fact]
    public void Ingress_resources_join_their_group_by_Ref_or_GetAtt_and_others_stand_alone()
    {
        const string template = Header + """
            Resources:
              Web:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: web
                  Tags: [{ Key: sg-config-rule:exempt, Value: 2099-01-01 vendor }]
              ByRef:
                Type: AWS::EC2::SecurityGroupIngress
                Properties: { GroupId: !Ref Web, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
              ByGetAtt:
                Type: AWS::EC2::SecurityGroupIngress
                Properties: { GroupId: !GetAtt Web.GroupId, IpProtocol: tcp, FromPort: 3389, ToPort: 3389, SourceSecurityGroupId: !Ref Web }
              Imported:
                Type: AWS::EC2::SecurityGroupIngress
                Properties: { GroupId: !ImportValue SharedSg, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }
              Literal:
                Type: AWS::EC2::SecurityGroupIngress
                Properties: { GroupId: sg-0123456789abcdef0, IpProtocol: udp, FromPort: 53, ToPort: 53, CidrIp: 0.0.0.0/0 }
            """;
        var items = Templates.Items(template);
        Assert.Equal(["Web", "Imported", "Literal"], items.Select(i => i.ResourceId));
        var web = items[0].Group!;
        Assert.Equal(["tcp/22 from 0.0.0.0/0", "tcp/3389 from Web"], web.Ingress.Select(r => r.Display));
        // The group's own tags exempt the rules joined to it.
        var verdict = Evaluate(web);
        Assert.Equal(Compliance.Compliant, verdict.Compliance);
        Assert.True(verdict.Exemption.IsExempt);
        Assert.Equal("ingress to a group unknown before deployment (Fn::ImportValue SharedSg)", items[1].ResourceName);
        Assert.Equal("ingress to sg-0123456789abcdef0 (a group outside this template)", items[2].ResourceName);
        Assert.Equal(Compliance.NonCompliant, Evaluate(items[1].Group!).Compliance);
        // Locations: the resource's line, each rule's line.
        Assert.Equal(new SourceLocation("template.yaml", 3, "Web"), items[0].Location);
        Assert.Equal([8, 11], web.Ingress.Select(r => r.Location!.Line));
    }

    [Fact]
    public void A_JSON_template_reads_the_same_with_its_lines()
    {
        const string template = """
            {
              "AWSTemplateFormatVersion": "2010-09-09",
              "Resources": {
                "Sg": {
                  "Type": "AWS::EC2::SecurityGroup",
                  "Properties": {
                    "GroupDescription": "test",
                    "SecurityGroupIngress": [
                      { "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": { "Ref": "AWS::NoValue" }, "CidrIpv6": "::/0" },
                      {
                        "IpProtocol": "-1",
                        "CidrIp": { "Fn::ImportValue": "Shared" }
                      }
                    ]
                  }
                }
              }
            }
            """;
        var items = Templates.Items(template, "template.json");
        var group = items.Single().Group!;
        Assert.Equal(4, items[0].Location!.Line);
        Assert.Equal([9, 10], group.Ingress.Select(r => r.Location!.Line));
        Assert.Equal("tcp/22 from ::/0", group.Ingress[0].Display);
        Assert.Equal("assumed the worst: CidrIp is Fn::ImportValue Shared", group.Ingress[1].Assumed);
    }

    [Fact]
    public void A_resource_that_cannot_be_read_is_an_error_for_it_alone_naming_the_line()
    {
        const string template = Header + """
            Resources:
              Good:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: ok
                  SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }]
              NoSource:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: bad
                  SecurityGroupIngress:
                    - { IpProtocol: tcp, FromPort: 22, ToPort: 22 }
              BadCidr:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: bad
                  SecurityGroupIngress:
                    - IpProtocol: tcp
                      FromPort: 22
                      ToPort: 22
                      CidrIp: 10.0.0.300/8
              TwoSources:
                Type: AWS::EC2::SecurityGroupIngress
                Properties: { GroupId: !Ref Good, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0, CidrIpv6: "::/0" }
            """;
        var results = Templates.Read(template);
        Assert.Equal("Good", results[0].Item!.ResourceId);
        Assert.Equal("Resources.NoSource", results[1].Error!.JsonPath);
        Assert.Equal("line 13: the rule has no source: CidrIp, CidrIpv6, SourcePrefixListId or SourceSecurityGroupId", results[1].Error!.Problem);
        Assert.Equal("Resources.BadCidr", results[2].Error!.JsonPath);
        Assert.StartsWith("line 22: CidrIp: '10.0.0.300/8' is not a CIDR", results[2].Error!.Problem, StringComparison.Ordinal);
        Assert.Equal("Resources.TwoSources", results[3].Error!.JsonPath);
        Assert.Contains("more than one source: CidrIp, CidrIpv6", results[3].Error!.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n  A:\n    Type: AWS::EC2::SecurityGroup\n", "line 4: duplicate key 'A'")]
    [InlineData("AWSTemplateFormatVersion: 2010-09-09\nResources:\n  A: [unclosed\n", "not valid YAML")]
    public void A_broken_template_is_one_error_that_says_where(string template, string expected)
    {
        var error = Assert.Single(Templates.Read(template)).Error!;
        Assert.Contains(expected, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_the_template_does_not_declare_is_refused()
    {
        var error = Assert.Single(Templates.Read(Header + "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n", parameters: new Dictionary<string, string> { ["Typo"] = "1" })).Error!;
        Assert.Contains("no parameter Typo", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"SecurityGroups": []}""")]
    [InlineData("""{"Description": "a group", "GroupId": "sg-1"}""")]
    [InlineData("""[{"GroupId": "sg-1"}]""")]
    [InlineData("not: a template\n")]
    public void Exports_and_other_documents_are_not_templates(string text)
    {
        using var input = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.Null(SgConfigRule.Cli.Scan.TemplateInput.TryRead(input, "x", new Dictionary<string, string>(), out var replay));
        // The bytes looked at are replayed to the export reader.
        using var reader = new StreamReader(replay);
        Assert.Equal(text, reader.ReadToEnd());
    }

    [Fact]
    public void Both_intrinsic_forms_read_alike()
    {
        var shortForm = SgConfigRule.Cli.Scan.YamlTemplate.Parse(new StringReader("a: !GetAtt Sg.GroupId\nb: !Sub ['${X}', {X: 1}]\nc: !Condition C\n"));
        var longForm = TemplateJson.Parse("""{"a": {"Fn::GetAtt": "Sg.GroupId"}, "b": {"Fn::Sub": ["${X}", {"X": 1}]}, "c": {"Condition": "C"}}"""u8);
        Assert.Equal(Strip(longForm), Strip(shortForm));
    }

    /// <summary>The tree without lines, as text, to compare two readings.</summary>
    private static string Strip(TemplateNode node) => node switch
    {
        TemplateScalar s => $"'{s.Value}'",
        TemplateNull => "null",
        TemplateList l => "[" + string.Join(",", l.Items.Select(Strip)) + "]",
        TemplateMap m => "{" + string.Join(",", m.Entries.Select(e => e.Key + ":" + Strip(e.Value))) + "}",
        _ => "?",
    };
}
