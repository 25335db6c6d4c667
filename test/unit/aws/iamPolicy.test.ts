// The README's IAM policy is the exact set of actions a feature reaches: the AWS operations
// are the SDK `*Command` classes and `paginate*` functions that the extension and the CLI can
// reach — followed from their entry files through the declarations each one uses (the
// TypeScript checker resolves every name, also through the lazily loaded dist/aws.js bundle's
// type), not every command written somewhere in src. Each maps to a read-only action in
// IAM_ACTIONS, and the policy lists those actions and no others: least privilege, kept true
// as code is added (a helper that no feature calls yet needs no permission yet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { IAM_ACTIONS } from '../../../src/aws/errors';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SRC = resolve(ROOT, 'src');
const ENTRIES = ['src/extension.ts', 'src/cli.ts'];

/** The top-level statement (function, class, const, …) of our own source that holds `node`. */
function topLevel(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
  return n;
}

/** The AWS operations reachable from the entry files, each with one path that reaches it. */
function reachableOperations(): Map<string, string> {
  const program = ts.createProgram(ENTRIES.map((e) => join(ROOT, e)), { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, skipLibCheck: true, noEmit: true, types: ['node'] });
  const checker = program.getTypeChecker();
  // The extension loads dist/aws.js with a require typed `typeof AwsBundle`: the checker sees
  // through the type, so the bundle's entry needs no special case beyond being in the program.
  const ops = new Map<string, string>();
  const seen = new Set<ts.Node>();
  const queue: Array<{ node: ts.Node; via: string }> = ENTRIES.map((e) => ({ node: program.getSourceFile(join(ROOT, e))!, via: e }));
  const name = (n: ts.Node): string => {
    const d = n as ts.Node & { name?: ts.Node };
    return `${n.getSourceFile().fileName.slice(ROOT.length + 1)}${d.name && ts.isIdentifier(d.name) ? `#${d.name.text}` : ''}`;
  };
  while (queue.length) {
    const { node, via } = queue.shift()!;
    if (seen.has(node)) continue;
    seen.add(node);
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n)) {
        let sym = checker.getSymbolAtLocation(n);
        if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
        for (const d of sym?.declarations ?? []) {
          const file = d.getSourceFile().fileName;
          if (/node_modules\/@aws-sdk\/client-/.test(file)) {
            const m = /^(?:(\w+)Command|paginate(\w+))$/.exec(n.text);
            const op = m && (m[1] ?? m[2]);
            if (op && !ops.has(op)) ops.set(op, `${via} → ${n.text}`);
          } else if (resolve(file).startsWith(SRC) && !file.endsWith('.d.ts')) {
            const owner = topLevel(d);
            if (!seen.has(owner)) queue.push({ node: owner, via: `${via} → ${name(owner)}` });
          }
        }
      }
      ts.forEachChild(n, visit);
    };
    // A source file is reached for its top-level code, not for every declaration in it.
    if (ts.isSourceFile(node)) {
      for (const st of node.statements) {
        if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) continue;
        if (ts.isVariableStatement(st) && st.declarationList.declarations.every((v) => !v.initializer || ts.isArrowFunction(v.initializer) || ts.isFunctionExpression(v.initializer))) continue;
        visit(st);
      }
    } else visit(node);
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

test('the README policy lists exactly the read-only actions the extension and the CLI reach', () => {
  const reached = reachableOperations();
  const ops = new Set([...reached.keys()].map((op) => op.replace(/V2$/, '')));
  const why = [...reached].map(([op, via]) => `${op}: ${via}`).join('\n');
  // Logs Insights computes the route statistics of access logs too big to download (Trace 504).
  for (const op of ['GetTraceSummaries', 'BatchGetTraces', 'FilterLogEvents', 'StartQuery', 'GetQueryResults', 'StopQuery', 'ListFunctions', 'GetIntegration', 'GetApis']) assert.ok(ops.has(op), `${op} is reached:\n${why}`);
  // Kept for later issues, reached by no feature today: no permission asked for them.
  for (const op of ['StartTraceRetrieval', 'ListRetrievedTraces']) assert.ok(!ops.has(op), `${op} is not reached:\n${why}`);
  const unmapped = [...ops].filter((op) => !IAM_ACTIONS[op]);
  assert.deepEqual(unmapped, [], 'every operation reached has its IAM action (so a denial can name it)');
  const needed = [...new Set([...ops].map((op) => IAM_ACTIONS[op]!))].sort();
  assert.deepEqual([...readmePolicy()].sort(), needed, why);
  // StartQuery and StopQuery run and stop a read-only Logs Insights query, and StartLiveTail streams
  // the log events being ingested: none of them changes anything in the account.
  for (const a of needed) assert.match(a, /^(xray|logs|lambda):(Get|List|Batch|Filter|Describe)\w+$|^logs:(Start|Stop)Query$|^logs:StartLiveTail$|^apigateway:GET$/, `${a} reads`);
});
