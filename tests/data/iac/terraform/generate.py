# Writes the Terraform test data of this folder (see README.md) in the shape `terraform show -json` writes.
# Run from anywhere: python3 tests/data/iac/terraform/generate.py (paths below are relative to this file).
import json, copy, os
HERE=os.path.dirname(os.path.abspath(__file__))
ACCT="111122223333"; VPC="vpc-0a1b2c3d4e5f67890"; PROV="registry.terraform.io/hashicorp/aws"
def arn(i): return f"arn:aws:ec2:us-east-1:{ACCT}:security-group/{i}"
def block(proto, frm, to, cidrs=(), v6=(), pls=(), sgs=(), self=False, desc=None):
    return {"cidr_blocks":list(cidrs),"description":desc or "","from_port":frm,"ipv6_cidr_blocks":list(v6),
            "prefix_list_ids":list(pls),"protocol":proto,"security_groups":list(sgs),"self":self,"to_port":to}
EGRESS=[block("-1",0,0,["0.0.0.0/0"])]
def group_after(gid, name, desc, ingress, tags=None):
    return {"arn":arn(gid) if gid else None,"description":desc,"egress":EGRESS,"id":gid,"ingress":ingress,"name":name,
            "name_prefix":"","owner_id":ACCT if gid else None,"revoke_rules_on_delete":False,"tags":tags,"tags_all":tags or {},
            "timeouts":None,"vpc_id":VPC}
def group_unknown(ingress_unknown):
    u={"arn":True,"egress":[{"cidr_blocks":[False],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[]}],"id":True,"owner_id":True}
    if ingress_unknown: u["ingress"]=True
    return u
def strip_unknown(after, unknown):
    a=copy.deepcopy(after)
    for k,v in unknown.items():
        if v is True: a.pop(k,None)
    return a
def change(addr, typ, name, actions, before, after, after_unknown, module=None, index=None):
    rc={"address":addr}
    if module: rc["module_address"]=module
    rc.update({"mode":"managed","type":typ,"name":name})
    if index is not None: rc["index"]=index
    rc.update({"provider_name":PROV,"change":{"actions":actions,"before":before,"after":after,"after_unknown":after_unknown,
        "before_sensitive":False if before is None else {},"after_sensitive":{} if after is not None else False}})
    return rc
def planned(addr, typ, name, values, index=None):
    r={"address":addr,"mode":"managed","type":typ,"name":name}
    if index is not None: r["index"]=index
    r.update({"provider_name":PROV,"schema_version":1,"values":values,"sensitive_values":{}})
    return r
def const(v): return {"constant_value":v}
def refs(*r): return {"references":list(r)}
def cfg(addr, typ, name, expr, count=None, for_each=None, key="aws"):
    c={"address":addr,"mode":"managed","type":typ,"name":name,"provider_config_key":key,"expressions":expr,"schema_version":1}
    if count is not None: c["count_expression"]=count
    if for_each is not None: c["for_each_expression"]=for_each
    return c
SERIAL=[0]
def sgrule(sgid, typ, proto, frm, to, cidrs=None, pl=None, src=None, desc=None):
    SERIAL[0]+=1
    return {"cidr_blocks":cidrs,"description":desc,"from_port":frm,"id":"sgrule-%010d" % (1234567000+SERIAL[0]),
            "ipv6_cidr_blocks":None,"prefix_list_ids":pl,"protocol":proto,"security_group_id":sgid,"security_group_rule_id":"sgr-0%016x" % (0x5e1f00000000 + SERIAL[0]),
            "self":False,"source_security_group_id":src,"timeouts":None,"to_port":to,"type":typ}
def vpcrule(ip, proto, frm, to, v4=None, v6=None, desc=None):
    return {"cidr_ipv4":v4,"cidr_ipv6":v6,"description":desc,"from_port":frm,"ip_protocol":proto,"prefix_list_id":None,
            "referenced_security_group_id":None,"tags":None,"to_port":to}
def plan(changes, config_root, prior_resources, timestamp="2026-12-06T00:00:00Z", relevant=(), drift=()):
    # planned_values: after values of non-deleted changes, unknowns omitted, grouped per module
    mods={}
    for rc in changes:
        if rc["change"]["after"] is None: continue
        m=rc.get("module_address","")
        mods.setdefault(m,[]).append(planned(rc["address"],rc["type"],rc["name"],strip_unknown(rc["change"]["after"],rc["change"]["after_unknown"]),rc.get("index")))
    root={"resources":mods.pop("",[])}
    if mods: root["child_modules"]=[{"resources":v,"address":k} for k,v in sorted(mods.items())]
    doc={"format_version":"1.2","terraform_version":"1.9.8","planned_values":{"root_module":root},
         "resource_drift":list(drift),"resource_changes":changes,
         "prior_state":{"format_version":"1.0","terraform_version":"1.9.8","values":{"root_module":{"resources":prior_resources}}},
         "configuration":{"provider_config":{"aws":{"name":"aws","full_name":PROV,"expressions":{"region":const("us-east-1")}}},"root_module":config_root},
         "relevant_attributes":list(relevant),"timestamp":timestamp,"applyable":True,"complete":True,"errored":False}
    return doc

# ---------------- sample-account.plan.json -----------------
web_id="sg-0f3c6a1e2b4d58a90"; def_id="sg-0a1b2c3d4e5f60718"; alb_id="sg-07e2f9d4c3b2a1908"; batch_id="sg-0c5d4e3f2a1b09876"; vendor_id="sg-0b2c3d4e5f6a7b8c9"
web=group_after(web_id,"Web Server Security Group","Allow HTTPS from anywhere",[
    block("tcp",443,443,["0.0.0.0/0"],["::/0"],desc="HTTPS from anywhere"),
    block("tcp",22,22,["203.0.113.7/32"],desc="SSH from my laptop")],{"Name":"web-server","Team":"storefront"})
dflt=group_after(def_id,"default","default VPC security group",[block("-1",0,0,self=True)])
dflt.pop("name_prefix"); dflt.pop("revoke_rules_on_delete"); dflt.pop("timeouts")
alb=group_after(None,"public-alb","Public load balancer",None,{"Name":"public-alb"})
alb_u=group_unknown(True)
batch_ingress=[block("-1",0,0,["10.20.0.0/16"],desc="on-premises batch network"),block("tcp",8080,8080,sgs=[alb_id],desc="from the load balancer")]
batch_before=group_after(batch_id,"legacy-batch-workers","Batch workers",batch_ingress,{"Name":"legacy-batch-workers"})
batch_after=group_after(batch_id,"legacy-batch-workers","Batch workers",batch_ingress,{"Name":"legacy-batch-workers","Owner":"batch"})
bastion=group_after(None,"bastion-ipv6","Bastion over IPv6",[
    block("tcp",22,22,v6=["::/0"],desc="SSH from anywhere, IPv6"),
    block("tcp",3389,3389,v6=["2001:db8:1234::/48"],desc="RDP from the branch office"),
    block("icmpv6",-1,-1,v6=["::/0"])],{"Name":"bastion-ipv6"})
bastion_u={"arn":True,"egress":[{"cidr_blocks":[False],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[]}],"id":True,
  "ingress":[{"cidr_blocks":[],"ipv6_cidr_blocks":[False],"prefix_list_ids":[],"security_groups":[]}]*3,"owner_id":True}
app=group_after(None,"app-from-corp-vpn","App from the corporate VPN",None,{"Name":"app-from-corp-vpn"})
app_u=group_unknown(True)
vendor=group_after(vendor_id,"vendor-sftp","Vendor SFTP",[block("tcp",22,22,["198.51.100.0/24"],desc="vendor SFTP")],
    {"Name":"vendor-sftp","sg-config-rule:exempt":"2099-12-31 CHG-4711 vendor SFTP until the migration"})
rb=lambda a:{k:v for k,v in a.items()}
changes=[
 change("aws_default_security_group.default","aws_default_security_group","default",["no-op"],dflt,dflt,{}),
 change("aws_security_group.app","aws_security_group","app",["create"],None,strip_unknown(app,app_u),app_u),
 change("aws_security_group.batch","aws_security_group","batch",["update"],batch_before,batch_after,{}),
 change("aws_security_group.vendor_sftp","aws_security_group","vendor_sftp",["no-op"],vendor,vendor,{}),
 change("aws_security_group.web","aws_security_group","web",["no-op"],web,web,{}),
]
for i,port in enumerate([22,8443]):
    r=sgrule(None,"ingress","tcp",port,port,pl=["pl-0a1b2c3d4e5f67890"],desc="corporate VPN ranges")
    u={"id":True,"security_group_id":True,"security_group_rule_id":True,"source_security_group_id":True,"self":False}
    u.pop("self"); r2=strip_unknown(r,u); r2["cidr_blocks"]=None; r2["ipv6_cidr_blocks"]=None
    changes.append(change(f"aws_security_group_rule.app_vpn[{i}]","aws_security_group_rule","app_vpn",["create"],None,r2,u,index=i))
changes.append(change("aws_security_group_rule.batch_all","aws_security_group_rule","batch_all",["no-op"],
    sgrule(batch_id,"ingress","-1",0,0,cidrs=["10.20.0.0/16"],desc="on-premises batch network"),
    sgrule(batch_id,"ingress","-1",0,0,cidrs=["10.20.0.0/16"],desc="on-premises batch network"),{}))
fa=sgrule(batch_id,"ingress","tcp",8080,8080,src=alb_id,desc="from the load balancer")
changes.append(change("aws_security_group_rule.batch_from_alb","aws_security_group_rule","batch_from_alb",["no-op"],fa,fa,{}))
changes.append(change('module.bastion["ipv6"].aws_security_group.this','aws_security_group',"this",["create"],None,strip_unknown(bastion,bastion_u),bastion_u,module='module.bastion["ipv6"]'))
changes.append(change("module.alb.aws_security_group.this[0]","aws_security_group","this",["create"],None,strip_unknown(alb,alb_u),alb_u,module="module.alb",index=0))
for key,(port,v4,v6,desc) in {"http-ipv4":(80,"0.0.0.0/0",None,"HTTP redirect"),"http-ipv6":(80,None,"::/0","HTTP redirect"),
                               "https-ipv4":(443,"0.0.0.0/0",None,None),"https-ipv6":(443,None,"::/0",None)}.items():
    r=vpcrule(None,"tcp",port,port,v4,v6,desc)
    u={"arn":True,"id":True,"security_group_id":True,"security_group_rule_id":True,"tags_all":True}
    changes.append(change(f'module.alb.aws_vpc_security_group_ingress_rule.public["{key}"]',"aws_vpc_security_group_ingress_rule","public",["create"],None,r,u,module="module.alb",index=key))
sgexpr=lambda name,desc:{"description":const(desc),"name":const(name),"vpc_id":refs("var.vpc_id")}
config={
 "resources":[
  cfg("aws_default_security_group.default","aws_default_security_group","default",{"ingress":[{"protocol":const("-1"),"self":const(True),"from_port":const(0),"to_port":const(0)}],"vpc_id":refs("var.vpc_id")}),
  cfg("aws_security_group.app","aws_security_group","app",dict(sgexpr("app-from-corp-vpn","App from the corporate VPN"),tags=const({"Name":"app-from-corp-vpn"}))),
  cfg("aws_security_group.batch","aws_security_group","batch",dict(sgexpr("legacy-batch-workers","Batch workers"),tags=const({"Name":"legacy-batch-workers","Owner":"batch"}))),
  cfg("aws_security_group.vendor_sftp","aws_security_group","vendor_sftp",dict(sgexpr("vendor-sftp","Vendor SFTP"),ingress=[{"cidr_blocks":const(["198.51.100.0/24"]),"from_port":const(22),"to_port":const(22),"protocol":const("tcp"),"description":const("vendor SFTP")}],tags=refs("var.vendor_exemption"))),
  cfg("aws_security_group.web","aws_security_group","web",dict(sgexpr("Web Server Security Group","Allow HTTPS from anywhere"),ingress=[{"cidr_blocks":const(["0.0.0.0/0"]),"ipv6_cidr_blocks":const(["::/0"]),"from_port":const(443),"to_port":const(443),"protocol":const("tcp"),"description":const("HTTPS from anywhere")},{"cidr_blocks":refs("var.my_laptop"),"from_port":const(22),"to_port":const(22),"protocol":const("tcp"),"description":const("SSH from my laptop")}])),
  cfg("aws_security_group_rule.app_vpn","aws_security_group_rule","app_vpn",{"type":const("ingress"),"protocol":const("tcp"),"from_port":refs("local.vpn_ports[count.index]","local.vpn_ports","count.index"),"to_port":refs("local.vpn_ports[count.index]","local.vpn_ports","count.index"),"prefix_list_ids":refs("var.corporate_vpn_list"),"description":const("corporate VPN ranges"),"security_group_id":refs("aws_security_group.app.id","aws_security_group.app")},count=const(2)),
  cfg("aws_security_group_rule.batch_all","aws_security_group_rule","batch_all",{"type":const("ingress"),"protocol":const("-1"),"from_port":const(0),"to_port":const(0),"cidr_blocks":const(["10.20.0.0/16"]),"security_group_id":refs("aws_security_group.batch.id","aws_security_group.batch")}),
  cfg("aws_security_group_rule.batch_from_alb","aws_security_group_rule","batch_from_alb",{"type":const("ingress"),"protocol":const("tcp"),"from_port":const(8080),"to_port":const(8080),"source_security_group_id":refs("module.alb.security_group_id","module.alb"),"security_group_id":refs("aws_security_group.batch.id","aws_security_group.batch")}),
 ],
 "module_calls":{
  "alb":{"source":"./modules/alb","module":{"resources":[
     cfg("aws_security_group.this","aws_security_group","this",dict(sgexpr("public-alb","Public load balancer"),tags=const({"Name":"public-alb"})),count=const(1),key="module.alb:aws"),
     cfg("aws_vpc_security_group_ingress_rule.public","aws_vpc_security_group_ingress_rule","public",{"ip_protocol":const("tcp"),"from_port":refs("each.value.port","each.value"),"to_port":refs("each.value.port","each.value"),"cidr_ipv4":refs("each.value.cidr_ipv4","each.value"),"cidr_ipv6":refs("each.value.cidr_ipv6","each.value"),"security_group_id":refs("aws_security_group.this[0].id","aws_security_group.this[0]","aws_security_group.this")},for_each=refs("local.listeners"),key="module.alb:aws")],
     "variables":{"vpc_id":{}}}},
  "bastion":{"source":"./modules/bastion","for_each_expression":const({"ipv6":{}}),"module":{"resources":[
     cfg("aws_security_group.this","aws_security_group","this",dict(sgexpr("bastion-ipv6","Bastion over IPv6"),ingress=[{"ipv6_cidr_blocks":const(["::/0"]),"from_port":const(22),"to_port":const(22),"protocol":const("tcp")}]),key="module.bastion:aws")]}}
 }}
prior=[planned("aws_default_security_group.default","aws_default_security_group","default",dflt),
       planned("aws_security_group.batch","aws_security_group","batch",batch_before),
       planned("aws_security_group.vendor_sftp","aws_security_group","vendor_sftp",vendor),
       planned("aws_security_group.web","aws_security_group","web",web)]
doc=plan(changes,config,prior,relevant=[{"resource":"aws_security_group.batch","attribute":["id"]}],
         drift=[change("aws_security_group.batch","aws_security_group","batch",["update"],batch_before,batch_before,{})])
json.dump(doc,open(HERE+"/sample-account.plan.json","w"),indent=2)

# ---------------- edge-cases.plan.json -----------------
E=[]; C=[]; MODC={}
def newgroup(addr,name,ingress,unknown_ingress=False,tags=None,module=None,index=None,actions=("create",),gid=None,tags_all=None, extra_u=None):
    g=group_after(gid,name,name,ingress,tags)
    if tags_all is not None: g["tags_all"]=tags_all
    u=group_unknown(unknown_ingress) if gid is None else {}
    if extra_u: u.update(extra_u)
    return change(addr,"aws_security_group",addr.split(".")[-1].split("[")[0],list(actions),None if gid is None else g,strip_unknown(g,u),u,module=module,index=index)
# 1 unknown CIDR through a vpc ingress rule joined by reference
E.append(newgroup("aws_security_group.nat_ssh","nat-ssh",None,True))
r=vpcrule(None,"tcp",22,22,None,None,"SSH from the NAT gateway"); r.pop("cidr_ipv4")
E.append(change("aws_vpc_security_group_ingress_rule.nat_ssh","aws_vpc_security_group_ingress_rule","nat_ssh",["create"],None,r,
    {"arn":True,"cidr_ipv4":True,"id":True,"security_group_id":True,"security_group_rule_id":True,"tags_all":True}))
C.append(cfg("aws_security_group.nat_ssh","aws_security_group","nat_ssh",{"name":const("nat-ssh")}))
C.append(cfg("aws_vpc_security_group_ingress_rule.nat_ssh","aws_vpc_security_group_ingress_rule","nat_ssh",{"ip_protocol":const("tcp"),"from_port":const(22),"to_port":const(22),"cidr_ipv4":refs("aws_eip.nat.public_ip","aws_eip.nat"),"security_group_id":refs("aws_security_group.nat_ssh.id","aws_security_group.nat_ssh")}))
# 2 unknown to_port on an inline block of an existing group
ing=[block("tcp",3000,None,["0.0.0.0/0"],desc="app ports")]
g=group_after("sg-0123456789abcdef0","app-ports","app-ports",ing,{"Name":"app-ports"})
before=group_after("sg-0123456789abcdef0","app-ports","app-ports",[block("tcp",3000,3100,["0.0.0.0/0"],desc="app ports")],{"Name":"app-ports"})
gu={"ingress":[{"cidr_blocks":[False],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[],"to_port":True}]}
g["ingress"][0].pop("to_port")
E.append(change("aws_security_group.app_ports","aws_security_group","app_ports",["update"],before,g,gu))
C.append(cfg("aws_security_group.app_ports","aws_security_group","app_ports",{"name":const("app-ports"),"ingress":[{"from_port":const(3000),"to_port":refs("var.last_app_port"),"protocol":const("tcp"),"cidr_blocks":const(["0.0.0.0/0"])}]}))
# 3 ingress set in the configuration but unknown as a whole
E.append(newgroup("aws_security_group.computed","computed-ingress",None,True))
C.append(cfg("aws_security_group.computed","aws_security_group","computed",{"name":const("computed-ingress"),"ingress":refs("local.computed_rules")}))
# 4 a rule whose group is a module output: unresolvable
r=sgrule(None,"ingress","tcp",3389,3389,cidrs=["0.0.0.0/0"],desc="RDP"); u={"id":True,"security_group_id":True,"security_group_rule_id":True,"source_security_group_id":True}
E.append(change("module.shared.aws_security_group_rule.rdp","aws_security_group_rule","rdp",["create"],None,strip_unknown(r,u),u,module="module.shared"))
MODC["shared"]={"source":"./modules/shared","module":{"resources":[cfg("aws_security_group_rule.rdp","aws_security_group_rule","rdp",{"type":const("ingress"),"protocol":const("tcp"),"from_port":const(3389),"to_port":const(3389),"cidr_blocks":const(["0.0.0.0/0"]),"security_group_id":refs("var.security_group_id")},key="module.shared:aws")]}}
# 5 a rule for an existing group not in this plan
r=sgrule("sg-0fedcba9876543210","ingress","tcp",443,443,cidrs=["0.0.0.0/0"],desc="HTTPS"); u={"id":True,"security_group_rule_id":True}
E.append(change("aws_security_group_rule.https_existing","aws_security_group_rule","https_existing",["create"],None,strip_unknown(r,u),u))
# 6 two instances, a reference without an instance key
for i in range(2):
    E.append(newgroup(f"aws_security_group.pool[{i}]",f"pool-{i}",None,True,index=i))
C.append(cfg("aws_security_group.pool","aws_security_group","pool",{"name":refs("count.index")},count=const(2)))
r=sgrule(None,"ingress","tcp",22,22,cidrs=["0.0.0.0/0"]); u={"id":True,"security_group_id":True,"security_group_rule_id":True,"source_security_group_id":True}
E.append(change("aws_security_group_rule.pool_ssh","aws_security_group_rule","pool_ssh",["create"],None,strip_unknown(r,u),u))
C.append(cfg("aws_security_group_rule.pool_ssh","aws_security_group_rule","pool_ssh",{"type":const("ingress"),"protocol":const("tcp"),"from_port":const(22),"to_port":const(22),"cidr_blocks":const(["0.0.0.0/0"]),"security_group_id":refs("aws_security_group.pool","var.pool_index")}))
# 7 deleted group and deleted rule
old=group_after("sg-0aaaaaaaaaaaaaaa1","retired","retired",[block("tcp",22,22,["0.0.0.0/0"])])
E.append(change("aws_security_group.retired","aws_security_group","retired",["delete"],old,None,{}))
r=sgrule("sg-0aaaaaaaaaaaaaaa1","ingress","tcp",3389,3389,cidrs=["0.0.0.0/0"])
E.append(change("aws_security_group_rule.retired_rdp","aws_security_group_rule","retired_rdp",["delete"],r,None,{}))
# 8 a replaced group and its deposed object
old=group_after("sg-0bbbbbbbbbbbbbbb2","replaced","old description",[block("tcp",3389,3389,["0.0.0.0/0"])])
new=group_after(None,"replaced","new description",[block("tcp",443,443,["0.0.0.0/0"])])
nu={"arn":True,"id":True,"owner_id":True}
rc=change("aws_security_group.replaced","aws_security_group","replaced",["create","delete"],None,strip_unknown(new,nu),nu)
E.append(rc)
dep=change("aws_security_group.replaced","aws_security_group","replaced",["delete"],old,None,{}); dep["deposed"]="1a2b3c4d"; dep["action_reason"]="replace_because_cannot_update"
E.append(dep)
C.append(cfg("aws_security_group.replaced","aws_security_group","replaced",{"name":const("replaced"),"description":const("new description"),"ingress":[{"from_port":const(443),"to_port":const(443),"protocol":const("tcp"),"cidr_blocks":const(["0.0.0.0/0"])}]}))
# 9 exemption from the provider's default_tags (tags_all only)
E.append(change("aws_security_group.legacy_vpn","aws_security_group","legacy_vpn",["no-op"],*[group_after("sg-0ccccccccccccccc3","legacy-vpn","legacy-vpn",[block("tcp",22,22,["0.0.0.0/0"],desc="legacy VPN")],None)]*2,{}))
for k in (-2,-3): E[-1]["change"]["after" if k==-2 else "before"]["tags_all"]={"sg-config-rule:exempt":"2099-01-01 default tags"}
# 10 a data source and an egress rule
E.append({"address":"data.aws_security_group.shared","mode":"data","type":"aws_security_group","name":"shared","provider_name":PROV,
          "change":{"actions":["read"],"before":None,"after":{"id":"sg-0ddddddddddddddd4"},"after_unknown":{},"before_sensitive":False,"after_sensitive":{}},"action_reason":"read_because_config_unknown"})
r=sgrule("sg-0123456789abcdef0","egress","-1",0,0,cidrs=["0.0.0.0/0"]); u={"id":True,"security_group_rule_id":True}
E.append(change("aws_security_group_rule.app_ports_egress","aws_security_group_rule","app_ports_egress",["create"],None,strip_unknown(r,u),u))
edge=plan(E,{"resources":C,"module_calls":MODC},[])
json.dump(edge,open(HERE+"/edge-cases.plan.json","w"),indent=2)

# ---------------- state.json -----------------
st={"format_version":"1.0","terraform_version":"1.9.8","values":{"root_module":{
  "resources":[planned("aws_security_group.web","aws_security_group","web",web)],
  "child_modules":[{"resources":[
     planned("module.alb.aws_security_group.this[0]","aws_security_group","this",group_after(alb_id,"public-alb","Public load balancer",[],{"Name":"public-alb"}),index=0),
     planned('module.alb.aws_vpc_security_group_ingress_rule.public["rdp"]',"aws_vpc_security_group_ingress_rule","public",
        dict(vpcrule(None,"tcp",3389,3389,"0.0.0.0/0",None,"RDP"),arn=f"arn:aws:ec2:us-east-1:{ACCT}:security-group-rule/sgr-0eeeeeeeeeeeeeee5",id="sgr-0eeeeeeeeeeeeeee5",security_group_id=alb_id,security_group_rule_id="sgr-0eeeeeeeeeeeeeee5",tags_all={}),index="rdp")],
   "address":"module.alb"}]}}}
json.dump(st,open(HERE+"/state.json","w"),indent=2)

# 11 (appended to edge-cases) an exemption tag whose value is known only after apply
g=group_after(None,"pending-exemption","pending-exemption",[block("tcp",22,22,["0.0.0.0/0"])],{"Name":"pending-exemption"})
g["tags"]={"Name":"pending-exemption","sg-config-rule:exempt":None}; g.pop("tags_all")
u={"arn":True,"id":True,"owner_id":True,"tags":{"sg-config-rule:exempt":True},"tags_all":True}
edge["resource_changes"].append(change("aws_security_group.pending_exemption","aws_security_group","pending_exemption",["create"],None,g,u))
edge["configuration"]["root_module"]["resources"].append(cfg("aws_security_group.pending_exemption","aws_security_group","pending_exemption",{"name":const("pending-exemption"),"ingress":[{"from_port":const(22),"to_port":const(22),"protocol":const("tcp"),"cidr_blocks":const(["0.0.0.0/0"])}],"tags":refs("local.exemption","local")}))
edge["planned_values"]["root_module"]["resources"].append(planned("aws_security_group.pending_exemption","aws_security_group","pending_exemption",strip_unknown(g,u)))
json.dump(edge,open(HERE+"/edge-cases.plan.json","w"),indent=2)
