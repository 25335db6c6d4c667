// The handler index read from the sample workspaces of test/fixtures/code: SAM (Globals, short
// forms), CloudFormation JSON, an HTTP API with TimeoutInMillis, TypeScript handlers, a
// serverless.yml Python service, CDK output, a broken template. Positions are counted in the
// sample's own text here (the line that holds the value, the column it starts at), never copied
// from the reader's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readTemplate, type TemplateContext } from '../../../src/code/templates';
import { readTemplateFile } from '../../../src/code/templateFiles';
import { templateFindings, templateProblems } from '../../../src/code/templateFindings';
import type { FunctionDecl, TemplateIndex } from '../../../src/code/types';

const FIX = resolve('test/fixtures/code');

function fileExists(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

function read(rel: string, context: Partial<TemplateContext> = {}): { index: TemplateIndex; text: string; file: string } {
  const file = join(FIX, rel);
  const text = readFileSync(file, 'utf8');
  const index = readTemplate(file, text, { fileExists, ...context });
  assert.ok(index, `${rel} reads as a template`);
  return { index, text, file };
}

/** 0-based line and column of `needle` on the first line that contains `lineHas`. */
function at(text: string, lineHas: string, needle: string = lineHas): { line: number; column: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(lineHas));
  assert.ok(line >= 0, `a line has ${lineHas}`);
  return { line, column: lines[line]!.indexOf(needle) };
}

function fn(index: TemplateIndex, id: string): FunctionDecl {
  const f = index.functions.find((x) => x.logicalId === id);
  assert.ok(f, `${id} is in the index`);
  return f;
}

test('SAM with Globals and every short-form tag: functions, timeouts from Globals, handlers, routes', () => {
  const { index, text, file } = read('sam-app/template.yaml', { stackName: 'shop-orders' });
  assert.equal(index.kind, 'sam');
  // The Api and the SimpleTable and the bucket are not functions.
  assert.deepEqual(index.functions.map((f) => f.logicalId), ['CreateOrderFunction', 'GetOrderFunction', 'ExportFunction', 'MissingHandlerFunction']);

  const create = fn(index, 'CreateOrderFunction');
  // Handler, CodeUri, Runtime and Timeout all come from Globals.Function.
  assert.equal(create.handler, 'app.handler');
  assert.equal(create.runtime, 'nodejs20.x');
  assert.equal(create.codeDir, join(FIX, 'sam-app/src'));
  assert.equal(create.handlerFile, join(FIX, 'sam-app/src/app.js'));
  assert.equal(create.handlerExport, 'handler');
  assert.equal(create.timeout.seconds, 35);
  assert.equal(create.timeout.from, 'globals');
  const g = at(text, 'Timeout: 35', '35');
  assert.deepEqual(create.timeout.span, { file, line: g.line, column: g.column, endLine: g.line, endColumn: g.column + 2 });
  // `!Sub '${AWS::StackName}-create-order'` with the stack known from samconfig.
  assert.deepEqual(create.deployedNames, ['shop-orders-create-order']);
  assert.deepEqual(create.deployedNamePrefixes, []);
  const k = at(text, '  CreateOrderFunction:', 'CreateOrderFunction');
  assert.equal(create.span.line, k.line);
  assert.equal(create.span.column, k.column);
  assert.equal(create.routes.length, 1);
  assert.deepEqual(
    { ...create.routes[0]!, span: undefined },
    { apiType: 'rest', method: 'POST', path: '/orders', budgetMs: 29_000, budgetSource: 'default', eventName: 'CreateOrder', span: undefined },
  );

  const get = fn(index, 'GetOrderFunction');
  assert.equal(get.timeout.from, 'function');
  assert.equal(get.timeout.seconds, 10);
  assert.equal(get.timeout.span?.line, at(text, 'Timeout: 10').line);
  assert.equal(get.handlerExport, 'getOrder');
  assert.equal(get.handlerSpan?.line, at(text, 'Handler: app.getOrder').line);
  assert.equal(get.handlerSpan?.column, at(text, 'Handler: app.getOrder', 'app.getOrder').column);
  // The Api event's own TimeoutInMillis (SAM added it to Api events in serverless-application-model#3310).
  assert.equal(get.routes[0]!.budgetMs, 8000);
  assert.equal(get.routes[0]!.budgetSource, 'template');
  assert.equal(get.routes[0]!.path, '/orders/{id}');
  // No FunctionName: the generated name's prefix from the stack.
  assert.deepEqual(get.deployedNamePrefixes, ['shop-orders-GetOrderFunction-']);

  const exp = fn(index, 'ExportFunction');
  // `Timeout: !Ref SlowTimeout` → the parameter's default, at the `!Ref` value.
  assert.equal(exp.timeout.seconds, 50);
  assert.equal(exp.timeout.from, 'function');
  assert.equal(exp.timeout.span?.line, at(text, 'Timeout: !Ref SlowTimeout').line);
  assert.equal(exp.routes[0]!.method, 'ANY');
  assert.equal(exp.routes[0]!.budgetMs, 45_000);

  // The handler that points nowhere: a warning at the Handler value, not a throw.
  const missing = fn(index, 'MissingHandlerFunction');
  assert.equal(missing.handlerFile, undefined);
  assert.equal(index.problems.length, 1);
  const p = index.problems[0]!;
  assert.equal(p.code, 'handler-not-found');
  assert.equal(p.severity, 'warning');
  const h = at(text, 'Handler: lib/missing.handler', 'lib/missing.handler');
  assert.equal(p.span.line, h.line);
  assert.equal(p.span.column, h.column);
  assert.match(p.message, /^`lib\/missing\.handler` points to no file: looked for src\/lib\/missing\.js, src\/lib\/missing\.mjs/);
});

test('without a stack name, generated names have no prefix and a !Sub of the stack name is left out', () => {
  const { index } = read('sam-app/template.yaml');
  assert.deepEqual(fn(index, 'CreateOrderFunction').deployedNames, []);
  assert.deepEqual(fn(index, 'GetOrderFunction').deployedNamePrefixes, []);
  assert.deepEqual(fn(index, 'MissingHandlerFunction').deployedNames, ['shop-orders-missing']);
});

test('SAM findings: Globals timeout over a default REST budget, own timeouts over TimeoutInMillis', () => {
  const { index, text, file } = read('sam-app/template.yaml', { stackName: 'shop-orders' });
  const findings = templateFindings([index]);
  assert.deepEqual(findings.map((f) => f.function), ['CreateOrderFunction', 'GetOrderFunction', 'ExportFunction']);
  const create = findings[0]!;
  assert.equal(create.id, 'lambda-timeout-exceeds-integration');
  assert.equal(create.severity, 'elevated');
  const g = at(text, 'Timeout: 35', '35');
  // The location is the Globals line, 1-based.
  assert.deepEqual(create.location, { file, line: g.line + 1, column: g.column + 1 });
  assert.deepEqual(create.evidence, { functionTimeoutMs: 35_000, budgetMs: 29_000, timeoutFrom: 'globals', template: 'sam', deployedName: 'shop-orders-create-order' });
  // 29 s → 28 s.
  assert.match(create.fix, /^Set the timeout of CreateOrderFunction to 28 s \(below the 29\.0 s integration timeout\)/);
  assert.equal(create.route, 'POST /orders');
  // 8 s → 7 s; 45 s → 44 s.
  assert.match(findings[1]!.fix, /to 7 s/);
  assert.match(findings[2]!.fix, /to 44 s/);
});

test('CloudFormation JSON: REST method path from the Resource chain, Fn::Sub and Fn::Join URIs, an HTTP API route', () => {
  const { index, text } = read('cfn-json/template.json');
  assert.equal(index.kind, 'cloudformation');
  const product = fn(index, 'ProductFunction');
  // `"Code": "./src"`: a local folder, as before `aws cloudformation package`.
  assert.equal(product.handlerFile, join(FIX, 'cfn-json/src/index.js'));
  assert.deepEqual(product.deployedNames, ['catalog-product']);
  assert.equal(product.timeout.seconds, 25);
  const t = at(text, '"Timeout": 25', '25');
  assert.equal(product.timeout.span?.line, t.line);
  assert.equal(product.timeout.span?.column, t.column);
  const routes = product.routes.map((r) => `${r.apiType} ${r.method} ${r.path} ${r.budgetMs} ${r.budgetSource} ${r.eventName}`);
  assert.deepEqual(routes, ['rest GET /products/{id} 20000 template GetProductMethod', 'rest GET /products 29000 default ListProductsMethod']);

  const search = fn(index, 'SearchFunction');
  assert.equal(search.runtime, 'python3.12');
  // Code in S3: not in the workspace, so no file and no problem.
  assert.equal(search.handlerFile, undefined);
  assert.deepEqual(search.routes.map((r) => `${r.apiType} ${r.method} ${r.path} ${r.budgetMs} ${r.eventName}`), ['http POST /search 30000 SearchRoute']);

  // Inline code (ZipFile): no file to look for, no problem; default timeout.
  const inline = fn(index, 'InlineFunction');
  assert.equal(inline.handlerFile, undefined);
  assert.equal(inline.timeout.from, 'default');
  assert.equal(inline.timeout.seconds, 3);
  assert.deepEqual(index.problems, []);

  const findings = templateFindings([index]);
  assert.deepEqual(
    findings.map((f) => [f.function, f.evidence['functionTimeoutMs'], f.evidence['budgetMs']]),
    [
      ['ProductFunction', 25_000, 20_000],
      ['SearchFunction', 45_000, 30_000],
    ],
  );
  // The tightest route is the one named: GET /products/{id} at 20 s → 19 s.
  assert.equal(findings[0]!.route, 'GET /products/{id}');
  assert.match(findings[0]!.fix, /to 19 s/);
  // 30 s → 29 s.
  assert.match(findings[1]!.fix, /to 29 s \(below the 30\.0 s integration timeout\)/);
});

test('SAM HTTP API: TimeoutInMillis, a catch-all event ($default), an ES module handler', () => {
  const { index, text } = read('http-api-sam/template.yaml');
  const list = fn(index, 'ListItemsFunction');
  assert.equal(list.handlerFile, join(FIX, 'http-api-sam/handlers/items.mjs'));
  assert.equal(list.handlerExport, 'list');
  assert.deepEqual(
    list.routes.map((r) => `${r.apiType} ${r.method} ${r.path} ${r.budgetMs} ${r.budgetSource}`),
    ['http GET /items 10000 template', 'http ANY $default 30000 default'],
  );
  const ev = at(text, 'CatchAll:', 'CatchAll');
  assert.equal(list.routes[1]!.span.line, ev.line);
  assert.equal(list.routes[1]!.span.column, ev.column);
  // 29 s behind a 30 s HTTP API: no finding. 15 s behind 10 s: one.
  const findings = templateFindings([index]);
  assert.deepEqual(findings.map((f) => f.function), ['ListItemsFunction']);
  assert.match(findings[0]!.fix, /to 9 s/);
});

test('TypeScript handlers: the esbuild entry point, a .ts file found for a plain handler, a path out of the workspace refused', () => {
  const { index, text } = read('ts-sam/template.yaml');
  assert.equal(fn(index, 'HelloFunction').handlerFile, join(FIX, 'ts-sam/hello/app.ts'));
  assert.equal(fn(index, 'HelloFunction').handlerExport, 'lambdaHandler');
  assert.equal(fn(index, 'PlainTsFunction').handlerFile, join(FIX, 'ts-sam/src/handler.ts'));
  const escaping = fn(index, 'EscapingFunction');
  assert.equal(escaping.handlerFile, undefined);
  assert.equal(index.problems.length, 1);
  assert.equal(index.problems[0]!.code, 'handler-not-found');
  assert.match(index.problems[0]!.message, /outside the workspace folder .*: not followed/);
  assert.equal(index.problems[0]!.span.line, at(text, 'Handler: etc/passwd.handler').line);
  // Given a wider root, the same CodeUri is still refused unless it stays inside it.
  const wide = read('ts-sam/template.yaml', { root: FIX });
  assert.match(wide.index.problems[0]!.message, /not followed/);
});

test('serverless.yml: service-stage-key names, provider.timeout, http and httpApi events, variables', () => {
  const { index, text, file } = read('serverless-py/serverless.yml');
  assert.equal(index.kind, 'serverless');
  const create = fn(index, 'createReport');
  // `${opt:stage, 'prod'}` → prod.
  assert.deepEqual(create.deployedNames, ['reports-svc-prod-createReport']);
  assert.equal(create.handlerFile, join(FIX, 'serverless-py/handler.py'));
  assert.equal(create.handlerExport, 'lambda_handler');
  assert.equal(create.timeout.from, 'provider');
  assert.equal(create.timeout.seconds, 40);
  assert.deepEqual(create.routes.map((r) => `${r.apiType} ${r.method} ${r.path} ${r.budgetMs} ${r.eventName}`), ['rest POST /reports 29000 http[0]']);

  const list = fn(index, 'listItems');
  assert.equal(list.timeout.seconds, 25);
  assert.deepEqual(list.routes.map((r) => `${r.apiType} ${r.method} ${r.path} ${r.budgetMs}`), ['http GET /items 30000']);

  const slow = fn(index, 'slowExport');
  // `${self:custom.slowTimeout}` resolves within the file; `name` wins over the generated name.
  assert.equal(slow.timeout.seconds, 45);
  assert.deepEqual(slow.deployedNames, ['reports-slow-export']);
  assert.deepEqual(slow.routes.map((r) => `${r.method} ${r.path}`), ['ANY *']);

  // `${env:…}` cannot be known: an information problem at the value, and provider.timeout instead.
  const env = fn(index, 'fromEnv');
  assert.equal(env.timeout.from, 'provider');
  const unresolved = index.problems.find((p) => p.code === 'unresolved-value');
  assert.ok(unresolved);
  assert.equal(unresolved.severity, 'information');
  const u = at(text, 'timeout: ${env:NIGHTLY_TIMEOUT}', '${env');
  assert.equal(unresolved.span.line, u.line);
  assert.equal(unresolved.span.column, u.column);
  assert.ok(index.problems.some((p) => p.code === 'handler-not-found' && /jobs\/nightly\.py/.test(p.message)));

  const findings = templateFindings([index]);
  assert.deepEqual(findings.map((f) => f.function), ['createReport', 'slowExport']);
  // provider.timeout 40 behind a REST API: the finding sits on the provider line.
  const pt = at(text, '  timeout: 40', '40');
  assert.deepEqual(findings[0]!.location, { file, line: pt.line + 1, column: pt.column + 1 });
  assert.equal(findings[0]!.evidence['timeoutFrom'], 'provider');
  assert.equal(findings[0]!.evidence['template'], 'serverless');
});

test('serverless stage: a literal default, else dev', () => {
  const base = (stage: string): string =>
    `service: { name: s }\nprovider:\n  name: aws\n  stage: ${stage}\nfunctions:\n  f:\n    handler: h.main\n`;
  const name = (stage: string): string[] => readTemplate('/w/serverless.yml', base(stage), { fileExists: () => false })!.functions[0]!.deployedNames;
  assert.deepEqual(name("${opt:stage, 'qa'}"), ['s-qa-f']);
  assert.deepEqual(name('${sls:stage}'), ['s-dev-f']);
  assert.deepEqual(name('${opt:stage}'), ['s-dev-f']);
  assert.deepEqual(name('staging'), ['s-staging-f']);
});

test('CDK output: the asset folder, the construct path, the stack from the manifest, the REST route', async () => {
  const index = await readTemplateFile(join(FIX, 'cdk/cdk.out/ReportsStack.template.json'));
  assert.ok(index);
  assert.equal(index.kind, 'cdk');
  const f = fn(index, 'Reports5D2C4F1A');
  assert.equal(f.codeDir, join(FIX, 'cdk/cdk.out/asset.7d1e0f2a9b3c'));
  assert.equal(f.handlerFile, join(FIX, 'cdk/cdk.out/asset.7d1e0f2a9b3c/index.js'));
  assert.equal(f.constructPath, 'ReportsStack/Reports/Resource');
  assert.equal(f.stackName, 'reports-prod');
  assert.deepEqual(f.deployedNamePrefixes, ['reports-prod-Reports5D2C4F1A-']);
  assert.deepEqual(f.routes.map((r) => `${r.method} ${r.path} ${r.budgetMs}`), ['POST /reports 29000']);
  const text = readFileSync(join(FIX, 'cdk/cdk.out/ReportsStack.template.json'), 'utf8');
  const findings = templateFindings([index]);
  assert.equal(findings.length, 1);
  const t = at(text, '"Timeout": 60', '60');
  assert.equal(findings[0]!.location?.line, t.line + 1);
  assert.equal(findings[0]!.location?.column, t.column + 1);
});

test('a template that does not parse: no functions, one parse-error where the parser stopped', () => {
  const { index, text, file } = read('broken/template.yaml');
  assert.deepEqual(index.functions, []);
  assert.equal(index.problems.length, 1);
  const p = index.problems[0]!;
  assert.equal(p.code, 'parse-error');
  assert.equal(p.severity, 'error');
  // The flow map opened on the Events line is never closed; the parser gives up at the next key.
  const stop = at(text, '      Timeout: 60', 'Timeout');
  assert.equal(p.span.line, stop.line);
  assert.equal(p.span.column, stop.column);
  const errors = templateProblems([index]);
  assert.deepEqual(errors.map((e) => [e.source, e.kind]), [[`${file}:${stop.line + 1}:${stop.column + 1}`, 'skipped']]);
});

test('not a template: null for YAML or JSON without Lambda functions', () => {
  const ctx = { fileExists: (): boolean => false };
  assert.equal(readTemplate('/w/buildspec.yml', 'version: 0.2\nphases:\n  build:\n    commands: [npm test]\n', ctx), null);
  assert.equal(readTemplate('/w/data.json', '{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}', ctx), null);
  assert.equal(readTemplate('/w/notes.yaml', 'a: [1, 2\n', ctx), null, 'a broken YAML file that is no template by name or content');
  assert.equal(readTemplate('/w/list.yaml', '- a\n- b\n', ctx), null);
});

test('a file over 2 MB is skipped with a reason', () => {
  const big = `Resources:\n${'  # padding padding padding padding padding padding padding padding\n'.repeat(40_000)}`;
  const index = readTemplate('/w/template.yaml', big, { fileExists: () => false });
  assert.ok(index);
  assert.deepEqual(index.functions, []);
  assert.match(index.skipped ?? '', /larger than 2 MB/);
});

test('long-form intrinsics in YAML, GetAtt as a list, an HTTP API integration without a route', () => {
  const yaml = [
    'Resources:',
    '  Fn:',
    '    Type: AWS::Lambda::Function',
    '    Properties:',
    '      Handler: main.handler',
    '      Runtime: python3.12',
    '      Timeout: 31',
    '      Code: { S3Bucket: b, S3Key: k }',
    '  Integ:',
    '    Type: AWS::ApiGatewayV2::Integration',
    '    Properties:',
    '      IntegrationUri: { "Fn::GetAtt": [Fn, Arn] }',
    '  Route:',
    '    Type: AWS::ApiGatewayV2::Route',
    '    Properties:',
    '      RouteKey: $default',
    '      Target: !Sub integrations/${Integ}',
  ].join('\n');
  const index = readTemplate('/w/template.yaml', yaml, { fileExists: () => false });
  assert.ok(index);
  const f = index.functions[0]!;
  assert.deepEqual(f.routes.map((r) => `${r.apiType} ${r.method} ${r.path} ${r.budgetMs} ${r.eventName}`), ['http ANY $default 30000 Route']);
  assert.equal(templateFindings([index]).length, 1);
});

test('a timeout the template does not state as a number: information at the value, Globals instead', () => {
  const yaml = [
    'Transform: AWS::Serverless-2016-10-31',
    'Globals:',
    '  Function:',
    '    Timeout: 20',
    'Resources:',
    '  Fn:',
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      Handler: app.handler',
    '      Runtime: java21',
    '      Timeout: !FindInMap [Timeouts, !Ref Stage, Seconds]',
  ].join('\n');
  const index = readTemplate('/w/template.yaml', yaml, { fileExists: () => false });
  assert.ok(index);
  const f = index.functions[0]!;
  assert.deepEqual([f.timeout.seconds, f.timeout.from, f.timeout.span?.line], [20, 'globals', 3]);
  // Java: no handler file to look for, so no problem about it; only the unresolved value (line 10, after `Timeout: `).
  assert.deepEqual(index.problems.map((p) => [p.code, p.severity, p.span.line, p.span.column]), [['unresolved-value', 'information', 10, '      Timeout: '.length]]);
  assert.equal(f.handlerExport, undefined);
});

test('an alias bomb in an integration URI stays cheap', () => {
  const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const yaml = [
    ...levels.map((l) => `# ${l}`),
    'Bomb:',
    ...levels.map((l) => `  ${l}`),
    'Resources:',
    '  Fn:',
    '    Type: AWS::Lambda::Function',
    '    Properties: { Handler: a.b, Runtime: nodejs20.x, Code: { ZipFile: x } }',
    '  M:',
    '    Type: AWS::ApiGateway::Method',
    '    Properties:',
    '      HttpMethod: GET',
    '      Integration:',
    '        Uri: [*a8, *a8, !GetAtt Fn.Arn]',
  ].join('\n');
  const started = Date.now();
  const index = readTemplate('/w/template.yaml', yaml, { fileExists: () => false });
  assert.ok(index);
  assert.ok(Date.now() - started < 2000);
  assert.equal(index.functions[0]!.routes.length, 1);
});
