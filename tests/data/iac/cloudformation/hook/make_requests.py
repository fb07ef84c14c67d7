"""Writes the hook requests of this folder: one per group of the bundled sample account (cli/samples/sample-account.json),
as CloudFormation would send them when the template ../sample-account.yaml is deployed - the request shape of the
CloudFormation Hooks user guide's "Lambda Hook resource input syntax" and its example, with the properties resolved as
CloudFormation resolves intrinsics before a hook runs (Ref of a group: its id). Run from the repository root:
    python3 tests/data/iac/cloudformation/hook/make_requests.py
"""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", ".."))
sample = json.load(open(os.path.join(ROOT, "cli", "samples", "sample-account.json")))
LOGICAL = ["WebServerSg", "DefaultSg", "PublicAlbSg", "LegacyBatchWorkersSg", "BastionIpv6Sg", "AppFromCorpVpnSg", "VendorSftpSg"]

def request(index, target, logical_id, properties, point="CREATE_PRE_PROVISION", previous=None):
    return {
        "clientRequestToken": f"4b90a7e4-b790-456b-a937-0cfdfa2{index:05d}",
        "awsAccountId": "111122223333",
        "stackId": "arn:aws:cloudformation:us-east-1:111122223333:stack/sample-account/1a2345b6-0000-00a0-a123-00abc0abc000",
        "changeSetId": None,
        "hookTypeName": "Private::Lambda::SgConfigRuleHook",
        "hookTypeVersion": "00000001",
        "hookModel": {"LambdaFunction": "arn:aws:lambda:us-east-1:111122223333:function:sg-config-rule-hook"},
        "actionInvocationPoint": point,
        "requestData": {
            "targetName": target,
            "targetType": target,
            "targetLogicalId": logical_id,
            "targetModel": {"resourceProperties": properties, "previousResourceProperties": previous or {}},
        },
        "requestContext": {"invocation": 1, "callbackContext": None},
    }

def rules(group):
    out = []
    for p in group["IpPermissions"]:
        base = {"IpProtocol": p["IpProtocol"]}
        if "FromPort" in p: base["FromPort"] = p["FromPort"]
        if "ToPort" in p: base["ToPort"] = p["ToPort"]
        for r in p["IpRanges"]: out.append({**base, "CidrIp": r["CidrIp"], **({"Description": r["Description"]} if "Description" in r else {})})
        for r in p["Ipv6Ranges"]: out.append({**base, "CidrIpv6": r["CidrIpv6"], **({"Description": r["Description"]} if "Description" in r else {})})
        for r in p["PrefixListIds"]: out.append({**base, "SourcePrefixListId": r["PrefixListId"], **({"Description": r["Description"]} if "Description" in r else {})})
        for r in p["UserIdGroupPairs"]: out.append({**base, "SourceSecurityGroupId": r["GroupId"]})
    return out

files = []
for i, (group, logical) in enumerate(zip(sample["SecurityGroups"], LOGICAL)):
    if logical == "DefaultSg":
        # The self-reference is a separate ingress resource in the template: one request for the group, one for the rule.
        files.append((f"{i + 1:02d}-{logical}.json", request(i, "AWS::EC2::SecurityGroup", logical,
            {"GroupDescription": "default VPC security group", "VpcId": group["VpcId"]})))
        files.append((f"{i + 1:02d}-DefaultSelfIngress.json", request(100 + i, "AWS::EC2::SecurityGroupIngress", "DefaultSelfIngress",
            {"GroupId": group["GroupId"], "IpProtocol": "-1", "SourceSecurityGroupId": group["GroupId"]})))
        continue
    properties = {"GroupName": group["GroupName"], "GroupDescription": group["Description"], "VpcId": group["VpcId"],
                  "SecurityGroupIngress": rules(group), "Tags": group.get("Tags", [])}
    files.append((f"{i + 1:02d}-{logical}.json", request(i, "AWS::EC2::SecurityGroup", logical, properties)))

# An update that adds SSH from anywhere to the load balancer's group (ports as strings, as templates may write them).
alb = sample["SecurityGroups"][2]
before = {"GroupName": alb["GroupName"], "GroupDescription": alb["Description"], "VpcId": alb["VpcId"], "SecurityGroupIngress": rules(alb)}
after = dict(before, SecurityGroupIngress=rules(alb) + [{"IpProtocol": "tcp", "FromPort": "22", "ToPort": "22", "CidrIp": "0.0.0.0/0"}])
files.append(("update-PublicAlbSg-adds-ssh.json", request(200, "AWS::EC2::SecurityGroup", "PublicAlbSg", after, "UPDATE_PRE_PROVISION", before)))
# Deleting a group opens nothing.
files.append(("delete-PublicAlbSg.json", request(201, "AWS::EC2::SecurityGroup", "PublicAlbSg", {}, "DELETE_PRE_PROVISION", before)))

for name, body in files:
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(body, f, indent=2)
        f.write("\n")
print("\n".join(n for n, _ in files))
