// The README's IAM policy is the exact set of actions the code calls: every AWS SDK command that
// src/aws sends (the sample account aside) maps to a read-only action in IAM_ACTIONS, and the
// policy lists those actions and no others — least privilege, kept true as the code changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IAM_ACTIONS } from '../../../src/aws/errors';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function commandsSent(): Set<string> {
  const ops = new Set<string>();
  const dirs = ['src/aws', 'src/ui'];
  for (const dir of dirs) {
    for (const f of readdirSync(join(ROOT, dir)).filter((x) => x.endsWith('.ts'))) {
      for (const m of readFileSync(join(ROOT, dir, f), 'utf8').matchAll(/new (\w+)Command\(/g)) ops.add(m[1]!.replace(/V2$/, ''));
    }
  }
  return ops;
}

function readmePolicy(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## IAM permissions'));
  const json = /```json\n([\s\S]*?)```/.exec(section);
  assert.ok(json, 'the README has the policy as a json block under "IAM permissions"');
  const policy = JSON.parse(json[1]!) as { Statement: Array<{ Effect: string; Action: string[] }> };
  assert.ok(policy.Statement.every((s) => s.Effect === 'Allow'));
  return policy.Statement.flatMap((s) => s.Action);
}

test('the README policy lists exactly the read-only actions the code calls', () => {
  const ops = commandsSent();
  assert.ok(ops.has('GetTraceSummaries') && ops.has('FilterLogEvents') && ops.has('ListFunctions'), [...ops].join(', '));
  const unmapped = [...ops].filter((op) => !IAM_ACTIONS[op]);
  assert.deepEqual(unmapped, [], 'every command sent has its IAM action (so a denial can name it)');
  const needed = [...new Set([...ops].map((op) => IAM_ACTIONS[op]!))].sort();
  assert.deepEqual([...readmePolicy()].sort(), needed);
  for (const a of needed) assert.match(a, /^(xray|logs|lambda):(Get|List|Batch|Filter|Describe|Start|Stop)\w+$|^apigateway:GET$/, `${a} reads`);
});
