// cfn-lint 1.9.7 ships a 2019 resource specification that lacks AWS::Config::RemediationConfiguration, AWS::CloudFormation::LambdaHook,
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
// AWS::CloudFormation::LambdaHook (November 2024) postdates the CDK's 2023 specification: add it as the template
// reference documents it (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-lambdahook.html,
// and its StackFilters, StackNames, StackRoles, TargetFilters and HookTarget property types).
const doc = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-lambdahook.html';
const text = (required, update = 'Mutable') => ({ Required: required, PrimitiveType: 'String', UpdateType: update });
const texts = (required) => ({ Required: required, Type: 'List', PrimitiveItemType: 'String', DuplicatesAllowed: false, UpdateType: 'Mutable' });
const typed = (type, required = false) => ({ Required: required, Type: type, UpdateType: 'Mutable' });
if (!spec.ResourceTypes['AWS::CloudFormation::LambdaHook']) {
  spec.ResourceTypes['AWS::CloudFormation::LambdaHook'] = {
    Documentation: doc,
    Attributes: { HookArn: { PrimitiveType: 'String' } },
    Properties: {
      Alias: text(true, 'Immutable'),
      ExecutionRole: text(true),
      FailureMode: text(true),
      HookStatus: text(true),
      LambdaFunction: text(true),
      StackFilters: typed('StackFilters'),
      TargetFilters: typed('TargetFilters'),
      TargetOperations: texts(true),
    },
  };
  Object.assign(spec.PropertyTypes, {
    'AWS::CloudFormation::LambdaHook.StackFilters': { Documentation: doc, Properties: {
      FilteringCriteria: text(true), StackNames: typed('StackNames'), StackRoles: typed('StackRoles') } },
    'AWS::CloudFormation::LambdaHook.StackNames': { Documentation: doc, Properties: { Include: texts(false), Exclude: texts(false) } },
    'AWS::CloudFormation::LambdaHook.StackRoles': { Documentation: doc, Properties: { Include: texts(false), Exclude: texts(false) } },
    'AWS::CloudFormation::LambdaHook.TargetFilters': { Documentation: doc, Properties: {
      Actions: texts(false), InvocationPoints: texts(false), TargetNames: texts(false),
      Targets: { Required: false, Type: 'List', ItemType: 'HookTarget', DuplicatesAllowed: false, UpdateType: 'Mutable' } } },
    'AWS::CloudFormation::LambdaHook.HookTarget': { Documentation: doc, Properties: {
      Action: text(true), InvocationPoint: text(true), TargetName: text(true) } },
  });
}
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
// SnapStart is a SAM function property since SAM v1.54 (Nov 2022), passed through to AWS::Lambda::Function, but
// the CDK's copy of the SAM specification predates it: take its type from the Lambda function's specification.
if (!known.SnapStart) {
  if (!cdk.ResourceTypes['AWS::Lambda::Function'].Properties.SnapStart) throw new Error('no SnapStart in the CloudFormation specification');
  known.SnapStart = { Required: false, UpdateType: 'Mutable', PrimitiveType: 'Json' };
}
fs.writeFileSync(samFile, JSON.stringify(sam));

// A bug fix: when Fn::If chooses a plain object (say a Scope or a policy statement), cfn-lint walks into it without
// pushing a path element, and the walk's closing pop then corrupts its position in the template: every intrinsic
// function after that point is reported as "not supported here". Push the element the walk will pop.
const validatorFile = path.join(target, 'lib', 'validator.js');
const validator = fs.readFileSync(validatorFile, 'utf8');
const buggy = 'recursiveDecent(value);\n                return value;';
if (!validator.includes(buggy)) throw new Error(`cfn-lint's validator.js changed: the Fn::If fix no longer applies (${validatorFile})`);
fs.writeFileSync(validatorFile, validator.replace(buggy, "placeInTemplate.push('Fn::If');\n                recursiveDecent(value);\n                return value;"));
console.log(`patched cfn-lint in ${target} with resource specification ${cdk.ResourceSpecificationVersion}`);
