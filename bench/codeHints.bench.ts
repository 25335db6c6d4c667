// code-hints: what the code hints cost where a user waits for them, each case as a median over
// several runs and a ratio to a baseline measured in the same process and run:
//  1. the handler index of a generated workspace of 2 000 files declaring 200 functions (18 SAM
//     templates with Globals, short-form intrinsics, Api and HttpApi events, 2 serverless.yml),
//     found by a folder walk and read with readTemplateFile, against the same walk reading the same
//     templates' bytes and JSON.parse-ing the same resources written as JSON;
//  2. the first hints after a handler file opens (a 300-line handler with 30 AWS and HTTP calls,
//     evidence from 50 analyzed traces): outline, matching, the CodeLens and every end-of-line hint,
//     against the bare tree-sitter parse of the same text (and the cold load of tree-sitter apart);
//  3. the hovers of that file (the handler's and every matched call's) from outline and evidence
//     already computed, against one JSON.stringify of the evidence.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCodeParser, type CodeParser } from '../src/code/callSites';
import { functionEvidence, type FunctionEvidence } from '../src/code/evidence';
import { callHoverMarkdown, handlerHoverMarkdown, inlineHintText, lensText, matchCalls, type MatchedCall } from '../src/code/hints';
import { readTemplateFile } from '../src/code/templateFiles';
import { isTemplateFileName } from '../src/code/templates';
import type { CodeOutline } from '../src/code/types';
import { analyze } from '../src/core/analyze';
import type { EndpointStats } from '../src/core/report';
import { parseTraceText } from '../src/ingest/xray';
import { reportsTimeout, sequential, type BuiltTrace, type SubOpts } from '../test/builders/traceBuilder';
import { codeWasmDir } from '../test/unit/code/codeWasm';

// ---------------------------------------------------------------------------------------------
// Timing: a warm-up, then the median of `rounds` runs; `reps` repeats a fast body inside one run
// (the figure is then per repetition).

async function median(fn: () => unknown, rounds: number, reps = 1): Promise<number> {
  await fn();
  const runs: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) await fn();
    runs.push((performance.now() - t) / reps);
  }
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)]!;
}

const ms = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const us = (x: number): string => `${(x * 1000).toFixed(1)} µs`;
const ratio = (x: number, base: number): string => `${(x / base).toFixed(2)}×`;

// ---------------------------------------------------------------------------------------------
// 1. The handler index of a workspace

const FILES = 2_000;
const SAM_TEMPLATES = 18;
const SLS_FILES = 2;
const FNS_PER_FILE = 10;
const FUNCTIONS = (SAM_TEMPLATES + SLS_FILES) * FNS_PER_FILE;
const SKIP_DIRS = new Set(['node_modules', '.aws-sam', '.serverless', '.git']);

/** One SAM template of 10 functions (every third in Python), and the same resources as a JSON object. */
function samTemplate(k: number): { yaml: string; json: unknown; handlers: Array<{ file: string; python: boolean }> } {
  const handlers: Array<{ file: string; python: boolean }> = [];
  const y: string[] = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Transform: AWS::Serverless-2016-10-31',
    `Description: svc${k}, one of the services of the bench workspace.`,
    '',
    'Parameters:',
    '  Stage:',
    '    Type: String',
    '    Default: prod',
    '  SlowTimeout:',
    '    Type: Number',
    '    Default: 45',
    '',
    'Globals:',
    '  Function:',
    '    Runtime: nodejs20.x',
    '    CodeUri: src/',
    '    Timeout: 20',
    '    MemorySize: 1024',
    '    Tracing: Active',
    '    Environment:',
    '      Variables:',
    '        TABLE: !Ref Table',
    "        STAGE: !Sub '${Stage}'",
    '',
    'Resources:',
    '  RestApi:',
    '    Type: AWS::Serverless::Api',
    '    Properties:',
    '      StageName: !Ref Stage',
    '  HttpApi:',
    '    Type: AWS::Serverless::HttpApi',
    '  Table:',
    '    Type: AWS::Serverless::SimpleTable',
  ];
  const resources: Record<string, unknown> = {
    RestApi: { Type: 'AWS::Serverless::Api', Properties: { StageName: { Ref: 'Stage' } } },
    HttpApi: { Type: 'AWS::Serverless::HttpApi' },
    Table: { Type: 'AWS::Serverless::SimpleTable' },
  };
  for (let i = 0; i < FNS_PER_FILE; i++) {
    const n = k * FNS_PER_FILE + i;
    const python = i % 3 === 2;
    const http = i % 2 === 1;
    handlers.push({ file: `src/fn${n}.${python ? 'py' : 'js'}`, python });
    const id = `Fn${n}Function`;
    const handler = python ? `fn${n}.lambda_handler` : `fn${n}.handler`;
    const timeout = i % 4 === 0 ? '!Ref SlowTimeout' : String(10 + i);
    y.push(
      '',
      `  ${id}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      `      FunctionName: !Sub '\${AWS::StackName}-fn${n}'`,
      `      Handler: ${handler}`,
      ...(python ? ['      Runtime: python3.12'] : []),
      `      Timeout: ${timeout}`,
      '      Policies:',
      '        - DynamoDBCrudPolicy:',
      '            TableName: !Ref Table',
      '      Environment:',
      '        Variables:',
      `          URL: !Sub 'https://\${RestApi}.execute-api.\${AWS::Region}.amazonaws.com/\${Stage}/items${n}'`,
      '      Events:',
      `        Route${n}:`,
      `          Type: ${http ? 'HttpApi' : 'Api'}`,
      '          Properties:',
      `            ${http ? 'ApiId: !Ref HttpApi' : 'RestApiId: !Ref RestApi'}`,
      `            Path: /items${n}/{id}`,
      `            Method: ${http ? 'GET' : 'post'}`,
      ...(i % 5 === 0 ? ['            TimeoutInMillis: 15000'] : []),
    );
    resources[id] = {
      Type: 'AWS::Serverless::Function',
      Properties: {
        FunctionName: { 'Fn::Sub': `\${AWS::StackName}-fn${n}` },
        Handler: handler,
        ...(python ? { Runtime: 'python3.12' } : {}),
        Timeout: i % 4 === 0 ? { Ref: 'SlowTimeout' } : 10 + i,
        Policies: [{ DynamoDBCrudPolicy: { TableName: { Ref: 'Table' } } }],
        Environment: { Variables: { URL: { 'Fn::Sub': `https://\${RestApi}.execute-api.\${AWS::Region}.amazonaws.com/\${Stage}/items${n}` } } },
        Events: {
          [`Route${n}`]: {
            Type: http ? 'HttpApi' : 'Api',
            Properties: {
              ...(http ? { ApiId: { Ref: 'HttpApi' } } : { RestApiId: { Ref: 'RestApi' } }),
              Path: `/items${n}/{id}`,
              Method: http ? 'GET' : 'post',
              ...(i % 5 === 0 ? { TimeoutInMillis: 15_000 } : {}),
            },
          },
        },
      },
    };
  }
  const json = {
    AWSTemplateFormatVersion: '2010-09-09',
    Transform: 'AWS::Serverless-2016-10-31',
    Description: `svc${k}, one of the services of the bench workspace.`,
    Parameters: { Stage: { Type: 'String', Default: 'prod' }, SlowTimeout: { Type: 'Number', Default: 45 } },
    Globals: {
      Function: {
        Runtime: 'nodejs20.x',
        CodeUri: 'src/',
        Timeout: 20,
        MemorySize: 1024,
        Tracing: 'Active',
        Environment: { Variables: { TABLE: { Ref: 'Table' }, STAGE: { 'Fn::Sub': '${Stage}' } } },
      },
    },
    Resources: resources,
  };
  return { yaml: y.join('\n') + '\n', json, handlers };
}

/** One serverless.yml of 10 Python functions (http and httpApi events, variables), and its JSON twin. */
function serverlessFile(k: number): { yaml: string; json: unknown; handlers: Array<{ file: string; python: boolean }> } {
  const handlers: Array<{ file: string; python: boolean }> = [];
  const y = [`service: sls${k}`, "frameworkVersion: '3'", '', 'custom:', '  slowTimeout: 40', '', 'provider:', '  name: aws', '  runtime: python3.12', "  stage: ${opt:stage, 'prod'}", '  timeout: 25', '', 'functions:'];
  const functions: Record<string, unknown> = {};
  for (let i = 0; i < FNS_PER_FILE; i++) {
    const n = 1_000 + k * FNS_PER_FILE + i;
    handlers.push({ file: `handlers/fn${n}.py`, python: true });
    const http = i % 2 === 0;
    y.push(
      `  fn${n}:`,
      `    handler: handlers/fn${n}.main`,
      ...(i % 3 === 0 ? ['    timeout: ${self:custom.slowTimeout}'] : []),
      '    events:',
      ...(http ? ['      - http:', `          path: items${n}`, '          method: post'] : [`      - httpApi: 'GET /items${n}'`]),
    );
    functions[`fn${n}`] = {
      handler: `handlers/fn${n}.main`,
      ...(i % 3 === 0 ? { timeout: '${self:custom.slowTimeout}' } : {}),
      events: [http ? { http: { path: `items${n}`, method: 'post' } } : { httpApi: `GET /items${n}` }],
    };
  }
  const json = { service: `sls${k}`, frameworkVersion: '3', custom: { slowTimeout: 40 }, provider: { name: 'aws', runtime: 'python3.12', stage: "${opt:stage, 'prod'}", timeout: 25 }, functions };
  return { yaml: y.join('\n') + '\n', json, handlers };
}

const jsHandler = (n: number): string =>
  `const { DynamoDBClient, GetItemCommand } = require('@aws-sdk/client-dynamodb');\nconst ddb = new DynamoDBClient({});\nexports.handler = async (event) => {\n  const r = await ddb.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { pk: { S: 'item#${n}' } } }));\n  return { statusCode: 200, body: JSON.stringify(r.Item ?? null) };\n};\n`;
const pyHandler = (n: number, name: string): string =>
  `import boto3\n\ntable = boto3.resource('dynamodb').Table('items')\n\n\ndef ${name}(event, context):\n    item = table.get_item(Key={'pk': 'item#${n}'})\n    return {'statusCode': 200, 'body': str(item.get('Item'))}\n`;

/** Writes the workspace; returns its folder and the JSON twin of each template, by path. */
function writeWorkspace(): { root: string; twins: Map<string, string> } {
  const root = mkdtempSync(join(tmpdir(), 'bench-workspace-'));
  const twins = new Map<string, string>();
  let files = 0;
  const write = (rel: string, text: string): void => {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    files++;
  };
  for (let k = 0; k < SAM_TEMPLATES; k++) {
    const t = samTemplate(k);
    write(`svc${k}/template.yaml`, t.yaml);
    twins.set(join(root, `svc${k}/template.yaml`), JSON.stringify(t.json, null, 2));
    write(`svc${k}/samconfig.toml`, `version = 0.1\n[default.deploy.parameters]\nstack_name = "svc${k}-prod"\nregion = "us-east-1"\n`);
    for (const h of t.handlers) {
      const n = Number(/fn(\d+)/.exec(h.file)![1]);
      write(`svc${k}/${h.file}`, h.python ? pyHandler(n, 'lambda_handler') : jsHandler(n));
    }
  }
  for (let k = 0; k < SLS_FILES; k++) {
    const t = serverlessFile(k);
    write(`sls${k}/serverless.yml`, t.yaml);
    twins.set(join(root, `sls${k}/serverless.yml`), JSON.stringify(t.json, null, 2));
    for (const h of t.handlers) write(`sls${k}/${h.file}`, pyHandler(Number(/fn(\d+)/.exec(h.file)![1]), 'main'));
  }
  // Filler up to 2 000 files: shared libraries, tests, docs, and a node_modules the walk skips
  // (with a template inside that it must not read).
  write('node_modules/some-lib/template.yaml', samTemplate(99).yaml);
  let f = 0;
  while (files < FILES) {
    const where = f % 4 === 0 ? `node_modules/some-lib/lib/m${f}.js` : f % 4 === 1 ? `svc${f % SAM_TEMPLATES}/src/lib/util${f}.js` : f % 4 === 2 ? `svc${f % SAM_TEMPLATES}/test/fn${f}.test.js` : `docs/page${f}.md`;
    write(where, where.endsWith('.md') ? `# Page ${f}\n\nNotes about the service.\n` : `module.exports = (x) => x * ${f};\n`);
    f++;
  }
  return { root, twins };
}

/** The template files of a workspace, by a folder walk that skips what the extension's index excludes. */
function findTemplates(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(join(dir, e.name));
      } else if (e.isFile() && isTemplateFileName(e.name)) out.push(join(dir, e.name));
    }
  };
  walk(root);
  return out.sort();
}

async function benchIndex(): Promise<void> {
  const { root, twins } = writeWorkspace();
  try {
    let functions = 0;
    let templates = 0;
    const index = await median(async () => {
      functions = 0;
      const files = findTemplates(root);
      templates = files.length;
      for (const file of files) functions += (await readTemplateFile(file, { root }))?.functions.length ?? 0;
    }, 7);
    if (templates !== SAM_TEMPLATES + SLS_FILES) throw new Error(`expected ${SAM_TEMPLATES + SLS_FILES} templates, found ${templates}`);
    if (functions !== FUNCTIONS) throw new Error(`expected ${FUNCTIONS} functions, read ${functions}`);
    // The baseline: the same walk, the same template bytes read, and the same resources parsed as
    // JSON. The walk and the bytes are the floor any index pays; JSON.parse is the fastest way the
    // platform has to turn the same data into objects. So the ratio is what the YAML parse (a
    // document with positions, for the spans the diagnostics point at), the short-form tags,
    // Globals, the handler-file lookups and samconfig.toml cost over the least an index could do.
    // (Reading the bytes alone would make the ratio mostly "YAML vs nothing", saying little.)
    const baseline = await median(() => {
      for (const file of findTemplates(root)) {
        readFileSync(file, 'utf8');
        JSON.parse(twins.get(file)!);
      }
    }, 7);
    const walk = await median(() => findTemplates(root), 7);
    let yamlBytes = 0;
    let jsonBytes = 0;
    for (const file of findTemplates(root)) {
      yamlBytes += readFileSync(file).length;
      jsonBytes += Buffer.byteLength(twins.get(file)!);
    }
    console.log(
      `1. handler index: ${FILES.toLocaleString('en')} files, ${templates} templates (${SAM_TEMPLATES} SAM, ${SLS_FILES} serverless.yml; ${(yamlBytes / 1024).toFixed(0)} KB YAML, ${(jsonBytes / 1024).toFixed(0)} KB as JSON), ${functions} functions (median of 7):`,
    );
    console.log(`  walk + read bytes + JSON.parse of the twins: ${ms(baseline)} (the walk alone ${ms(walk)})`);
    console.log(`  walk + readTemplateFile each:               ${ms(index)} = ${ratio(index, baseline)} the baseline; ${ms((index - walk) / templates)} per template`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 2. The first hints after a handler file opens, and 3. its hovers

const CALLS = 30;
const FUNCTION_NAME = 'orders-api-reports';
const FILE = '/work/orders-api/src/reports.js';

/** The demo's reports.js grown to ~300 lines: 10 helpers of 3 calls each (v3 clients, fetch, axios), loops around some. */
function handlerText(): string {
  const l: string[] = [
    '// POST /reports of the sample orders-api: builds a sales report line by line.',
    "const { DynamoDBClient, GetItemCommand, QueryCommand, PutItemCommand } = require('@aws-sdk/client-dynamodb');",
    "const { S3Client, GetObjectCommand, PutObjectCommand } = require('@aws-sdk/client-s3');",
    "const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');",
    "const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');",
    "const axios = require('axios');",
    '',
    'const ddb = new DynamoDBClient({});',
    'const s3 = new S3Client({});',
    'const sqs = new SQSClient({});',
    'const sns = new SNSClient({});',
    "const TABLE = process.env.ORDERS_TABLE || 'orders';",
    "const BUCKET = process.env.REPORTS_BUCKET || 'reports';",
    '',
  ];
  const calls = [
    "await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `order#${id}` } } }))",
    "await ddb.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: `lines#${id}` } } }))",
    "await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `templates/${id}.json` }))",
    "await fetch(`https://rates.example.com/v1/rates/${id}`)",
    "await axios.get(`https://api.partner.example/customers/${id}`)",
    "await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: `report#${id}` } } }))",
    "await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `out/${id}.csv`, Body: '' }))",
    "await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: String(id) }))",
    "await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: String(id) }))",
    "await axios.post('https://hooks.partner.example/reports', { id })",
  ];
  for (let h = 0; h < 10; h++) {
    l.push(`async function step${h}(orderIds, report) {`, '  const lines = [];');
    for (let c = 0; c < 3; c++) {
      const call = calls[(h * 3 + c) % calls.length]!;
      if (c === 0) {
        l.push('  // One call per order, one after another (N+1).', '  for (const id of orderIds ?? []) {', `    const res = ${call};`, '    if (res) lines.push(res);', '  }');
      } else if (c === 1) {
        l.push('  await Promise.all(', '    orderIds.slice(0, 10).map(async (id) => {', `      const res = ${call};`, '      lines.push(res);', '    }),', '  );');
      } else {
        l.push('  {', '    const id = report.id;', `    const res = ${call};`, '    report.last = res;', '  }');
      }
    }
    l.push(
      '  for (const line of lines) {',
      "    line.total = Number(line.Item?.amount?.N ?? 0) * Number(line.Item?.quantity?.N ?? 1);",
      '    line.currency = line.Item?.currency?.S ?? report.currency;',
      '  }',
      '  report.total = (report.total ?? 0) + lines.length;',
      `  report.steps = [...(report.steps ?? []), 'step${h}'];`,
      '  return lines;',
      '}',
      '',
    );
  }
  l.push(
    'exports.handler = async (event) => {',
    "  const { orderIds } = JSON.parse(event.body ?? '{}');",
    '  const report = { id: event.requestContext?.requestId ?? String(Date.now()) };',
    ...Array.from({ length: 10 }, (_, h) => `  await step${h}(orderIds, report);`),
    '  return { statusCode: 201, body: JSON.stringify({ lines: report.total }) };',
    '};',
  );
  return l.join('\n') + '\n';
}

/** 50 analyzed traces of the reports function: the N+1 timeout with varying calls of the handler's kinds. */
function evidence(): FunctionEvidence {
  const kinds: Array<Omit<SubOpts, 'start' | 'end'>> = [
    { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'orders' },
    { name: 'DynamoDB', namespace: 'aws', operation: 'Query', table: 'orders' },
    { name: 'S3', namespace: 'aws', operation: 'GetObject' },
    { name: 'rates.example.com', namespace: 'remote', method: 'GET', url: 'https://rates.example.com/v1/rates/1' },
    { name: 'api.partner.example', namespace: 'remote', method: 'GET', url: 'https://api.partner.example/customers/1' },
    { name: 'DynamoDB', namespace: 'aws', operation: 'PutItem', table: 'orders' },
    { name: 'S3', namespace: 'aws', operation: 'PutObject' },
    { name: 'SQS', namespace: 'aws', operation: 'SendMessage' },
    { name: 'SNS', namespace: 'aws', operation: 'Publish' },
    { name: 'hooks.partner.example', namespace: 'remote', method: 'POST', url: 'https://hooks.partner.example/reports' },
  ];
  const traces: BuiltTrace[] = [];
  for (let i = 0; i < 50; i++) {
    const calls: SubOpts[] = [];
    let at = 2_300;
    for (let k = 0; k < kinds.length; k++) {
      // Each trace makes a different number of each kind of call, of a different length.
      const n = 1 + ((i * 7 + k * 3) % (k === 0 ? 40 : 6));
      const each = 20 + ((i + k) % 5) * 15;
      calls.push(...sequential(n, each, at, kinds[k]!));
      at += n * each;
    }
    const slow = i % 5 === 0;
    traces.push(
      reportsTimeout({
        functionName: FUNCTION_NAME,
        calls,
        initMs: i % 4 === 0 ? 1_800 : 0,
        ...(slow ? {} : { status: 200, gatewayEnd: at + 200, functionEnd: at + 150 }),
      }),
    );
  }
  const endpoints: EndpointStats[] = [
    { api: 'orders-api', stage: 'prod', method: 'POST', route: '/reports', count: 600, p50Ms: 8_200, p95Ms: 27_900, p99Ms: 29_010, maxMs: 29_023, timeouts: 10, errors5xx: 10, coldStarts: 13, budgetMs: 29_000 },
  ];
  const text = JSON.stringify({
    Traces: traces.map((t) => ({ Id: t.traceId, Segments: t.docs.map((d) => ({ Id: d['id'], Document: JSON.stringify(d) })) })),
    UnprocessedTraceIds: [],
  });
  const { analyzed } = analyze(parseTraceText(text, 'bench.json'));
  const [ev] = functionEvidence(analyzed, endpoints, { source: 'Trace 504 on orders-api', capturedAtMs: Date.now(), windowMinutes: 60 });
  if (!ev || ev.traced.count !== 50) throw new Error(`expected the evidence of 50 traces, got ${ev?.traced.count}`);
  return ev;
}

interface FileHints {
  outline: CodeOutline;
  lenses: string[];
  matches: MatchedCall[];
  hints: string[];
}

/** What the editor computes when a handler file opens: outline, matches, the CodeLens, the end-of-line hints. */
async function firstHints(parser: CodeParser, text: string, ev: FunctionEvidence): Promise<FileHints> {
  const outline = await parser.outlineLoaded(text, 'javascript', FILE);
  const lenses = outline.handlers.map(() => lensText(ev, '$(watch)'));
  const matches = matchCalls(outline.calls, ev.calls, () => []);
  const hints = matches.map(inlineHintText);
  return { outline, lenses, matches, hints };
}

async function benchHints(): Promise<void> {
  const text = handlerText();
  const lines = text.split('\n').length - 1;
  const ev = evidence();

  // The cold load: web-tree-sitter's runtime and the JavaScript grammar, once per window.
  const wasmDir = codeWasmDir();
  const t0 = performance.now();
  const parser = await loadCodeParser(wasmDir);
  await parser.loadLanguage('javascript');
  const cold = performance.now() - t0;
  const t1 = performance.now();
  const first = await firstHints(parser, text, ev);
  const firstRun = performance.now() - t1;
  if (first.outline.calls.length !== CALLS) throw new Error(`expected ${CALLS} calls, found ${first.outline.calls.length}`);
  if (first.matches.length !== CALLS) throw new Error(`expected ${CALLS} matched calls, matched ${first.matches.length}`);

  const bare = await median(() => parser.parseOnly(text, 'javascript'), 15);
  let result = first;
  const hints = await median(async () => {
    result = await firstHints(parser, text, ev);
  }, 15);
  console.log(
    `2. first hints: a ${lines}-line handler (${(text.length / 1024).toFixed(1)} KB), ${CALLS} calls, evidence of ${ev.traced.count} traces (${ev.calls.length} call kinds) → ${result.lenses.length} CodeLens, ${result.hints.length} end-of-line hints (median of 15):`,
  );
  console.log(`  bare parser.parse:                         ${ms(bare)}`);
  console.log(`  outline + matchCalls + lensText + hints:   ${ms(hints)} = ${ratio(hints, bare)} the bare parse`);
  console.log(`  cold load of tree-sitter + JS grammar:     ${ms(cold)} (once per window); the first run after it ${ms(firstRun)}`);
  console.log(`  first hints in ${hints.toFixed(1)} ms with the parser loaded; ${(cold + firstRun).toFixed(0)} ms for the first handler file of a window`);

  // 3. The hovers, from the outline and evidence already computed.
  const commands = { openWorst: 'timeoutLens.openWorstRequest', trace504: 'timeoutLens.trace504' };
  let chars = 0;
  const REPS = 200;
  const json = await median(() => JSON.stringify(ev), 9, REPS);
  const hovers = await median(() => {
    chars = handlerHoverMarkdown(ev, commands).length;
    for (const m of result.matches) chars += callHoverMarkdown(m, 'javascript', ev).length;
  }, 9, REPS);
  const handlerOnly = await median(() => handlerHoverMarkdown(ev, commands), 9, REPS);
  const callOnly = await median(() => callHoverMarkdown(result.matches[0]!, 'javascript', ev), 9, REPS);
  console.log(`3. hovers: the handler's and the ${result.matches.length} call lines' (${(chars / 1024).toFixed(1)} KB of markdown), evidence of ${(JSON.stringify(ev).length / 1024).toFixed(1)} KB as JSON (median of 9 × ${REPS}):`);
  console.log(`  JSON.stringify of the evidence:            ${us(json)}`);
  console.log(`  handler hover + ${result.matches.length} call hovers:            ${us(hovers)} = ${ratio(hovers, json)} the JSON.stringify`);
  console.log(`  one handler hover ${us(handlerOnly)} (${ratio(handlerOnly, json)}), one call hover ${us(callOnly)} (${ratio(callOnly, json)})`);
  parser.dispose();
  rmSync(wasmDir, { recursive: true, force: true });
}

await benchIndex();
await benchHints();
