// Deployed names: generated-name prefixes with CloudFormation's truncation (the observed case of
// convox/rack#2297 worked through by hand), matching names and ARNs, the stack name from
// samconfig.toml and from CDK's manifest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatedNamePrefixes, isGeneratedName, functionNameOf } from '../../../src/code/deployedNames';
import { cdkStackNameFromManifest, matchesDeployedName, readSamconfigStackName } from '../../../src/code/templates';
import type { FunctionDecl } from '../../../src/code/types';

function decl(partial: Partial<FunctionDecl>): FunctionDecl {
  return {
    templateKind: 'sam',
    templateFile: '/w/template.yaml',
    logicalId: 'ReportsFunction',
    span: { file: '/w/template.yaml', line: 0, column: 0, endLine: 0, endColumn: 1 },
    deployedNames: [],
    deployedNamePrefixes: [],
    timeout: { seconds: 3, from: 'default' },
    codeDir: '/w',
    routes: [],
    ...partial,
  };
}

test('short names keep the whole stack name and logical id', () => {
  assert.deepEqual(generatedNamePrefixes('sam-app', 'HelloWorldFunction'), ['sam-app-HelloWorldFunction-']);
});

test('a name past 64 characters: logical id cut to 24, the stack name to the rest (convox/rack#2297)', () => {
  // Stack `mylongerapp-playground-new` (26), logical id `InstancesLifecycleHandler` (25): 26+1+25+1+13 = 66 > 64.
  // Seen deployed: `mylongerapp-playground-ne-InstancesLifecycleHandle-1GRP3N0TVA1LD` (25 + 1 + 24 + 1 + 13).
  const prefixes = generatedNamePrefixes('mylongerapp-playground-new', 'InstancesLifecycleHandler');
  assert.ok(prefixes.includes('mylongerapp-playground-ne-InstancesLifecycleHandle-'));
  // With the newer 12-character suffix there is room for one more character of the stack name.
  assert.ok(prefixes.includes('mylongerapp-playground-new-InstancesLifecycleHandle-'));
  const seen = 'mylongerapp-playground-ne-InstancesLifecycleHandle-1GRP3N0TVA1LD';
  assert.equal(seen.length, 64);
  assert.ok(isGeneratedName(seen, 'mylongerapp-playground-new', 'InstancesLifecycleHandler'));
  assert.ok(!isGeneratedName(seen, 'otherapp-playground-new', 'InstancesLifecycleHandler'));
  for (const p of prefixes) assert.ok(p.length + 12 <= 64);
});

test('a truncation by another split is still recognized at 64 characters', () => {
  const name = 'my-very-long-stack-name-for-t-TheLogicalIdOfAFunctionT-ABCDEFGHIJKL';
  const padded = name.slice(0, 64 - 13) + '-ABCDEFGHIJKL';
  assert.equal(padded.length, 64);
  assert.ok(isGeneratedName(padded, 'my-very-long-stack-name-for-testing', 'TheLogicalIdOfAFunctionThatIsLong'));
});

test('matchesDeployedName: explicit names, generated names, ARNs with and without a qualifier', () => {
  const explicit = decl({ deployedNames: ['orders-api-reports'] });
  assert.ok(matchesDeployedName(explicit, 'orders-api-reports'));
  assert.ok(matchesDeployedName(explicit, 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api-reports'));
  assert.ok(matchesDeployedName(explicit, 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api-reports:live'));
  assert.ok(!matchesDeployedName(explicit, 'orders-api-reports-v2'));
  const generated = decl({ stackName: 'sam-app', deployedNamePrefixes: generatedNamePrefixes('sam-app', 'ReportsFunction') });
  assert.ok(matchesDeployedName(generated, 'sam-app-ReportsFunction-AbCdEf123456'));
  assert.ok(matchesDeployedName(generated, 'arn:aws-cn:lambda:cn-north-1:123456789012:function:sam-app-ReportsFunction-1GRP3N0TVA1LD:3'));
  assert.ok(!matchesDeployedName(generated, 'sam-app-ReportsFunctionOld-AbCdEf123456'));
  assert.ok(!matchesDeployedName(generated, 'sam-app-ReportsFunction-'));
  assert.equal(functionNameOf('plain-name'), 'plain-name');
});

test('samconfig.toml: deploy parameters, then global parameters, per environment', () => {
  const toml = [
    'version = 0.1',
    '[default.deploy.parameters]',
    'stack_name = "shop-orders"',
    '[staging.global.parameters]',
    'stack_name = "shop-orders-staging"',
  ].join('\n');
  assert.equal(readSamconfigStackName(toml), 'shop-orders');
  assert.equal(readSamconfigStackName(toml, 'staging'), 'shop-orders-staging');
  assert.equal(readSamconfigStackName(toml, 'prod'), undefined);
  assert.equal(readSamconfigStackName('this is = = not toml'), undefined);
});

test('CDK manifest: the artifact of this template file, else the file name', () => {
  const manifest = JSON.stringify({
    artifacts: {
      Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
      ReportsStack: { type: 'aws:cloudformation:stack', properties: { templateFile: 'ReportsStack.template.json', stackName: 'reports-prod' } },
      Plain: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Plain.template.json' } },
    },
  });
  assert.equal(cdkStackNameFromManifest(manifest, 'ReportsStack.template.json'), 'reports-prod');
  assert.equal(cdkStackNameFromManifest(manifest, '/abs/cdk.out/ReportsStack.template.json'), 'reports-prod');
  assert.equal(cdkStackNameFromManifest(manifest, 'Plain.template.json'), 'Plain');
  assert.equal(cdkStackNameFromManifest('{not json', 'Other.template.json'), 'Other');
});
