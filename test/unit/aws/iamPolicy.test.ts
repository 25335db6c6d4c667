// The README's IAM policy is the exact set of actions a feature reaches: the AWS operations
// are the SDK `*Command` classes and `paginate*` functions that the extension and the CLI can
// reach — followed from their entry files through the declarations each one uses (the
// TypeScript checker resolves every name, also through the lazily loaded dist/aws.js bundle's
// type), not every command written somewhere in src. Each maps to a read-only action in
// IAM_ACTIONS, and the policy lists those actions and no others: least privilege, kept true
// as code is added (a helper that no feature calls yet needs no permission yet).
// Resources too: an action is granted on "*" only when the Service Authorization Reference gives
// it no resource type; every other action is scoped to ARNs of its own resource type that reach
// what the product reads (the sample account's log groups, aws/spans for Logs Insights, functions
// and API paths) and no further (API keys, exports, other logs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { IAM_ACTIONS } from '../../../src/aws/errors';
import { functionLogGroup } from '../../../src/aws/logsSource';
import { ACCOUNT_ID, FUNCTIONS, REGION, ROUTES, accessLogGroup } from '../../../src/aws/sampleAccount/scenario';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SRC = resolve(ROOT, 'src');
const ENTRIES = ['src/extension.ts', 'src/cli.ts'];

/** The top-level statement (function, class, const, …) of our own source that holds `node`. */
function topLevel(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
  return n;
}

let reached: Map<string, string> | undefined;

/** The AWS operations reachable from the entry files, each with one path that reaches it (computed once). */
function reachableOperations(): Map<string, string> {
  return (reached ??= findReachableOperations());
}

function findReachableOperations(): Map<string, string> {
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

interface Statement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

/** The README's policy: valid JSON, of the shape IAM takes, allowing only (no Not*, no Condition to misread). */
function readmeStatements(): Statement[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## IAM permissions'), readme.indexOf('\n## ', readme.indexOf('## IAM permissions') + 1));
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)];
  assert.equal(blocks.length, 1, 'the README has the policy as one json block under "IAM permissions"');
  let policy: unknown;
  assert.doesNotThrow(() => (policy = JSON.parse(blocks[0]![1]!)), 'the policy is valid JSON');
  const p = policy as { Version?: unknown; Statement?: unknown };
  assert.deepEqual(Object.keys(p).sort(), ['Statement', 'Version']);
  assert.equal(p.Version, '2012-10-17');
  assert.ok(Array.isArray(p.Statement) && p.Statement.length > 0);
  const statements = p.Statement as Array<Record<string, unknown>>;
  for (const st of statements) {
    assert.deepEqual(Object.keys(st).sort(), ['Action', 'Effect', 'Resource', 'Sid'], JSON.stringify(st));
    assert.equal(st.Effect, 'Allow');
    assert.match(String(st.Sid), /^[A-Za-z0-9]+$/, 'a Sid IAM accepts');
    assert.ok(Array.isArray(st.Action) && st.Action.length > 0 && st.Action.every((a) => typeof a === 'string' && !a.includes('*')), `explicit actions in ${String(st.Sid)}`);
    const res = st.Resource;
    assert.ok(typeof res === 'string' || (Array.isArray(res) && res.length > 0 && res.every((r) => typeof r === 'string')), `resources in ${String(st.Sid)}`);
  }
  const sids = statements.map((st) => st.Sid);
  assert.equal(new Set(sids).size, sids.length, 'the Sids are unique');
  const actions = statements.flatMap((st) => st.Action as string[]);
  assert.equal(new Set(actions).size, actions.length, 'each action is granted by one statement');
  return statements as unknown as Statement[];
}

function readmePolicy(): string[] {
  return readmeStatements().flatMap((s) => s.Action);
}

/**
 * The actions with no resource type in the Service Authorization Reference: IAM grants them on
 * "*" only (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html,
 * …/list_amazoncloudwatchlogs.html, …/list_awslambda.html).
 */
const NO_RESOURCE_TYPE = new Set([
  'xray:GetTraceSummaries',
  'xray:BatchGetTraces',
  'xray:GetTraceSegmentDestination',
  'xray:StartTraceRetrieval',
  'xray:ListRetrievedTraces',
  'logs:DescribeLogGroups',
  'logs:StopQuery',
  'lambda:ListFunctions',
]);

/** The resource type the others are checked against, as an ARN shape (log-group*, function*, the API Gateway paths). */
const RESOURCE_ARN: Record<string, RegExp> = {
  logs: /^arn:aws:logs:[^:]+:[^:]+:log-group:[^*:][^:]*$/,
  lambda: /^arn:aws:lambda:[^:]+:[^:]+:function:[^:]+$/,
  apigateway: /^arn:aws:apigateway:[^:]+::\/(restapis|apis)(\/[^:]*)?$/,
};

/** IAM's ARN matching: `*` and `?` within each of the first five fields, across `/` and `:` in the resource. */
function arnMatches(pattern: string, arn: string): boolean {
  const split = (a: string): string[] => {
    const parts = a.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const glob = (p: string): RegExp => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  const [p, a] = [split(pattern), split(arn)];
  return p.length === a.length && p.every((part, i) => glob(part).test(a[i]!));
}

const resourcesOf = (action: string): string[] => {
  const st = readmeStatements().find((s) => s.Action.includes(action));
  assert.ok(st, `${action} is in the policy`);
  return typeof st.Resource === 'string' ? [st.Resource] : st.Resource;
};
const granted = (action: string, arn: string): boolean => resourcesOf(action).some((r) => arnMatches(r, arn));

/** The API Gateway paths each operation reads (its IAM resource), with made-up ids. */
const API_GATEWAY_PATHS: Record<string, string[]> = {
  GetRestApis: ['/restapis'],
  GetResources: ['/restapis/a1b2c3/resources'],
  GetIntegration: ['/restapis/a1b2c3/resources/r0x1/methods/POST/integration'],
  GetStages: ['/restapis/a1b2c3/stages', '/apis/h4t7p1/stages'],
  GetApis: ['/apis'],
  GetRoutes: ['/apis/h4t7p1/routes'],
  GetIntegrations: ['/apis/h4t7p1/integrations'],
};

/** What the API Gateway grant must not reach: keys, plans, certificates, domains, exports, SDKs, deployments, authorizers. */
const API_GATEWAY_OUT_OF_REACH = [
  '/apikeys',
  '/apikeys/k9',
  '/usageplans',
  '/usageplans/u1/keys',
  '/clientcertificates',
  '/clientcertificates/c1',
  '/domainnames',
  '/domainnames/api.example.com',
  '/account',
  '/vpclinks',
  '/restapis/a1b2c3',
  '/restapis/a1b2c3/stages/prod',
  '/restapis/a1b2c3/stages/prod/exports/swagger',
  '/restapis/a1b2c3/stages/prod/sdks/javascript',
  '/restapis/a1b2c3/deployments',
  '/restapis/a1b2c3/authorizers',
  '/restapis/a1b2c3/resources/r0x1',
  '/restapis/a1b2c3/resources/r0x1/methods/POST',
  '/apis/h4t7p1',
  '/apis/h4t7p1/exports/OAS30',
  '/apis/h4t7p1/authorizers',
  '/apis/h4t7p1/stages/$default',
];

test('the README policy lists exactly the read-only actions the extension and the CLI reach', () => {
  const reached = reachableOperations();
  const ops = new Set([...reached.keys()].map((op) => op.replace(/V2$/, '')));
  const why = [...reached].map(([op, via]) => `${op}: ${via}`).join('\n');
  // Logs Insights computes the route statistics of access logs too big to download (Trace 504);
  // Transaction Search: the segment destination, then aws/spans and the trace retrieval (Trace 504).
  for (const op of ['GetTraceSummaries', 'BatchGetTraces', 'FilterLogEvents', 'StartQuery', 'GetQueryResults', 'StopQuery', 'ListFunctions', 'GetIntegration', 'GetApis', 'GetTraceSegmentDestination', 'StartTraceRetrieval', 'ListRetrievedTraces']) {
    assert.ok(ops.has(op), `${op} is reached:\n${why}`);
  }
  const unmapped = [...ops].filter((op) => !IAM_ACTIONS[op]);
  assert.deepEqual(unmapped, [], 'every operation reached has its IAM action (so a denial can name it)');
  const needed = [...new Set([...ops].map((op) => IAM_ACTIONS[op]!))].sort();
  assert.deepEqual([...readmePolicy()].sort(), needed, why);
  // StartQuery and StopQuery run and stop a read-only Logs Insights query, StartLiveTail streams
  // the log events being ingested, and StartTraceRetrieval gathers spans already stored for
  // ListRetrievedTraces: none of them changes anything in the account.
  for (const a of needed) assert.match(a, /^(xray|logs|lambda):(Get|List|Batch|Filter|Describe)\w+$|^logs:(Start|Stop)Query$|^logs:StartLiveTail$|^xray:StartTraceRetrieval$|^apigateway:GET$/, `${a} reads`);
});

test('the policy grants "*" only to the actions that take no resource, and each other action only its own resource type', () => {
  const statements = readmeStatements();
  for (const st of statements) {
    const resources = typeof st.Resource === 'string' ? [st.Resource] : st.Resource;
    for (const action of st.Action) {
      if (NO_RESOURCE_TYPE.has(action)) {
        assert.deepEqual(resources, ['*'], `${action} supports no resource-level permissions: its statement is on "*" alone`);
        continue;
      }
      const service = action.split(':')[0]!;
      const shape = RESOURCE_ARN[service];
      assert.ok(shape, `${action}: a resource type is known for ${service}`);
      for (const r of resources) assert.match(r, shape, `${action} is scoped to ${service}'s resource type, not "${r}"`);
    }
  }
  // Every action the product needs is in NO_RESOURCE_TYPE or scoped: none is left on "*" by oversight.
  const scoped = readmePolicy().filter((a) => !NO_RESOURCE_TYPE.has(a));
  assert.ok(scoped.length >= 6, scoped.join());
  assert.ok(scoped.every((a) => !resourcesOf(a).includes('*')));
});

test('the scoped grants reach what the product reads: the functions’ and access logs, the functions, the API paths it calls', () => {
  const logGroup = (g: string): string => `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${g}`;
  const groups = new Set([...FUNCTIONS.map((f) => functionLogGroup(f.name)), ...ROUTES.map((r) => accessLogGroup(r.api))]);
  for (const action of readmePolicy().filter((a) => a.startsWith('logs:') && !NO_RESOURCE_TYPE.has(a))) {
    for (const g of groups) {
      assert.ok(granted(action, logGroup(g)), `${action} reaches ${g}`);
      assert.ok(granted(action, `${logGroup(g)}:*`), `${action} reaches ${g} in the older ARN form with :*`);
    }
    for (const other of ['/ecs/payments', 'API-Gateway-Execution-Logs_a1b2c3/prod', 'aws-cloudtrail-logs-123', '/aws/rds/instance/db/audit']) {
      assert.ok(!granted(action, logGroup(other)), `${action} does not reach ${other}`);
    }
  }
  // Transaction Search: Logs Insights reaches aws/spans (in both ARN forms); the downloads and Live Tail do not.
  const spans = logGroup('aws/spans');
  for (const action of ['logs:StartQuery', 'logs:GetQueryResults']) assert.ok(granted(action, spans) && granted(action, `${spans}:*`), `${action} reaches aws/spans`);
  for (const action of ['logs:FilterLogEvents', 'logs:StartLiveTail']) assert.ok(!granted(action, spans) && !granted(action, `${spans}:*`), `${action} does not reach aws/spans`);
  for (const f of FUNCTIONS) assert.ok(granted('lambda:GetFunctionConfiguration', `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${f.name}`), f.name);
  assert.ok(!granted('lambda:GetFunctionConfiguration', `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:layer:shared:3`));

  const apiOps = [...reachableOperations().keys()].map((op) => op.replace(/V2$/, '')).filter((op) => IAM_ACTIONS[op] === 'apigateway:GET');
  assert.ok(apiOps.length >= 7, apiOps.join());
  for (const op of apiOps) {
    const paths = API_GATEWAY_PATHS[op];
    assert.ok(paths, `${op} is reached: add the path it reads to API_GATEWAY_PATHS (and to the policy)`);
    for (const path of paths) assert.ok(granted('apigateway:GET', `arn:aws:apigateway:${REGION}::${path}`), `apigateway:GET reaches ${path} (${op})`);
  }
  for (const path of API_GATEWAY_OUT_OF_REACH) assert.ok(!granted('apigateway:GET', `arn:aws:apigateway:${REGION}::${path}`), `apigateway:GET does not reach ${path}`);
});

test('IAM’s ARN matching as this test reads it', () => {
  assert.ok(arnMatches('arn:aws:logs:*:*:log-group:/aws/lambda/*', 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*'));
  assert.ok(!arnMatches('arn:aws:logs:*:*:log-group:/aws/lambda/*', 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambdax'));
  assert.ok(!arnMatches('arn:aws:apigateway:*::/apis', 'arn:aws:apigateway:us-east-1::/apis/x'));
  assert.ok(!arnMatches('arn:aws:apigateway:us-*::/apis', 'arn:aws:apigateway:eu-west-1::/apis'));
  assert.ok(arnMatches('arn:aws:apigateway:*::/restapis/*/stages', 'arn:aws:apigateway:eu-west-1::/restapis/a/stages'));
});
