// cfn-lint 1.9.7 ships a 2019 resource specification that lacks AWS::Config::RemediationConfiguration,
// AWS::SSM::Document.DocumentFormat and SAM's Architectures. This makes a copy of it (cfn-lint-patched/) fed the
// specification of @aws-cdk/cfnspec 2.72.1 instead (see the team's tooling notes, section 1).
// usage: node patch-cfn-lint.js   (run from tests/tools, after npm ci)
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, 'node_modules', 'cfn-lint');
const target = path.join(__dirname, 'cfn-lint-patched');
fs.rmSync(target, { recursive: true, force: true });
fs.cpSync(source, target, { recursive: true });

const cdk = require('@aws-cdk/cfnspec/spec/specification.json');

// The CloudFormation specification, wholesale, without the SAM types (cfn-lint handles SAM itself).
const spec = JSON.parse(JSON.stringify(cdk));
for (const name of Object.keys(spec.ResourceTypes)) if (name.startsWith('AWS::Serverless')) delete spec.ResourceTypes[name];
for (const name of Object.keys(spec.PropertyTypes)) if (name.startsWith('AWS::Serverless')) delete spec.PropertyTypes[name];
fs.writeFileSync(path.join(target, 'data', 'aws_resources_specification.json'), JSON.stringify(spec));

// SAM: add the function properties cfn-lint's SAM data lacks (primitives and lists typed, the rest as Json).
const samFile = path.join(target, 'data', 'sam_20161031_cfn.json');
const sam = JSON.parse(fs.readFileSync(samFile, 'utf8'));
const known = sam.ResourceTypes['AWS::Serverless::Function'].Properties;
for (const [name, property] of Object.entries(cdk.ResourceTypes['AWS::Serverless::Function'].Properties)) {
  if (known[name]) continue;
  known[name] = Object.assign({ Required: false, UpdateType: 'Mutable' },
    property.PrimitiveType ? { PrimitiveType: property.PrimitiveType }
      : (property.Type === 'List' && property.PrimitiveItemType) ? { Type: 'List', PrimitiveItemType: property.PrimitiveItemType }
        : { PrimitiveType: 'Json' });
}
fs.writeFileSync(samFile, JSON.stringify(sam));
console.log(`patched cfn-lint in ${target} with resource specification ${cdk.ResourceSpecificationVersion}`);
