// The call-site finder on the handler fixtures (test/fixtures/code/handlers/) and on small
// snippets: handlers by exported name, AWS and HTTP calls with their service, operation and host,
// the loops around them, and the files it refuses. Positions are worked out from the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadCodeParser, languageOf, skipReason } from '../../../src/code/callSites';
import type { CodeParser } from '../../../src/code/callSites';
import type { CallSite, CodeLanguage, CodeOutline } from '../../../src/code/types';
import { codeWasmDir } from './codeWasm';

const DIR = 'test/fixtures/code/handlers';
let parserPromise: Promise<CodeParser> | undefined;

async function outline(text: string, language: CodeLanguage, file = `/snippet.${language}`): Promise<CodeOutline> {
  parserPromise ??= loadCodeParser(codeWasmDir());
  return (await parserPromise).outlineLoaded(text, language, file);
}

async function outlineFixture(name: string): Promise<{ text: string; outline: CodeOutline }> {
  const path = `${DIR}/${name}`;
  const text = readFileSync(path, 'utf8');
  return { text, outline: await outline(text, languageOf(path)!, path) };
}

/** 0-based line and column of the n-th occurrence of `needle`. */
function positionOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `${needle} occurs ${nth + 1} times`);
  }
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, column: at - (before.lastIndexOf('\n') + 1) };
}

/** A call in short: `DynamoDB GetItem [for seq]`, `http api.example.com [array-callback]`. */
function brief(c: CallSite): string {
  const what = c.kind === 'aws' ? `${c.service} ${c.operation}` : `${c.library} ${c.host ?? '?'}`;
  const loops = c.loops.map((l) => `${l.kind}${l.sequential ? ' seq' : ''}`).join(', ');
  return loops ? `${what} [${loops}]` : what;
}

test('languageOf by extension', () => {
  assert.equal(languageOf('/a/b.js'), 'javascript');
  assert.equal(languageOf('x.mjs'), 'javascript');
  assert.equal(languageOf('x.cjs'), 'javascript');
  assert.equal(languageOf('x.jsx'), 'javascript');
  assert.equal(languageOf('x.ts'), 'typescript');
  assert.equal(languageOf('x.mts'), 'typescript');
  assert.equal(languageOf('x.cts'), 'typescript');
  assert.equal(languageOf('x.tsx'), 'tsx');
  assert.equal(languageOf('app.py'), 'python');
  assert.equal(languageOf('types.d.ts'), undefined);
  assert.equal(languageOf('README.md'), undefined);
  assert.equal(languageOf('/a.b/Makefile'), undefined);
});

test('the demo reports.js: N+1 GetItem in a for…of, awaited, under exports.handler', async () => {
  const { text, outline: o } = await outlineFixture('reports.js');
  assert.equal(o.skipped, undefined);
  assert.deepEqual(o.handlers.map((h) => h.name), ['handler']);
  const at = positionOf(text, 'handler =');
  assert.deepEqual({ line: o.handlers[0]!.span.line, column: o.handlers[0]!.span.column }, at);
  assert.deepEqual(at, { line: 6, column: 8 });
  assert.deepEqual(o.calls.map(brief), ['DynamoDB GetItem [for seq]']);
  const call = o.calls[0]!;
  assert.equal(call.library, 'aws-sdk-v3');
  assert.equal(call.subsegmentName, 'DynamoDB');
  assert.deepEqual({ line: call.span.line, column: call.span.column }, positionOf(text, 'ddb.send('));
  assert.deepEqual({ line: call.loops[0]!.span.line, column: call.loops[0]!.span.column }, positionOf(text, 'for (const id'));
  assert.ok(call.text.startsWith('ddb.send(new GetItemCommand({ TableName: TABLE'), call.text);
  assert.ok(!call.text.includes('\n'));
});

test('ESM lib-dynamodb: QueryCommand in Promise.all(ids.map(async …)), a command made elsewhere, a namespace import', async () => {
  const { text, outline: o } = await outlineFixture('orders.mjs');
  assert.deepEqual(o.handlers.map((h) => h.name), ['handler']);
  assert.deepEqual({ line: o.handlers[0]!.span.line, column: o.handlers[0]!.span.column }, positionOf(text, 'handler(event)'));
  assert.deepEqual(o.calls.map(brief), ['DynamoDB Query [array-callback]', 'DynamoDB GetItem', 'SQS SendMessage']);
  assert.deepEqual({ line: o.calls[0]!.loops[0]!.span.line, column: o.calls[0]!.loops[0]!.span.column }, positionOf(text, 'ids.map('));
  // The text is cut at 120 characters with an ellipsis.
  assert.equal(o.calls[0]!.text.length, 120);
  assert.ok(o.calls[0]!.text.endsWith('…'));
});

test('TypeScript: export const handler: Handler, fetch with a template-literal URL inside for await, an axios instance', async () => {
  const { text, outline: o } = await outlineFixture('enrich.ts');
  assert.equal(o.language, 'typescript');
  assert.deepEqual(o.handlers.map((h) => h.name), ['handler']);
  assert.deepEqual({ line: o.handlers[0]!.span.line, column: o.handlers[0]!.span.column }, positionOf(text, 'handler: Handler'));
  assert.deepEqual(o.calls.map(brief), ['S3 GetObject', 'fetch api.example.com [for seq]', 'axios partner.example.net']);
});

test('SDK v2: DocumentClient query().promise() in a do…while, S3 putObject in a while, https.get with a hostname', async () => {
  const { text, outline: o } = await outlineFixture('legacy.js');
  assert.deepEqual(o.handlers.map((h) => h.name), ['handler']);
  assert.deepEqual(o.calls.map(brief), ['DynamoDB Query [while seq]', 'S3 PutObject [while seq]', 'https hooks.example.org']);
  assert.deepEqual(o.calls.map((c) => c.subsegmentName), ['dynamodb', 's3', undefined]);
  // The call site is the whole chain, `.promise()` included.
  assert.ok(o.calls[0]!.text.endsWith('.promise()'));
  assert.deepEqual({ line: o.calls[0]!.span.line, column: o.calls[0]!.span.column }, positionOf(text, 'docClient.query('));
});

test('Python boto3: Table resource N+1 in a for, requests with a literal URL, a list comprehension of get_object', async () => {
  const { text, outline: o } = await outlineFixture('app.py');
  assert.deepEqual(o.handlers.map((h) => h.name), ['lambda_handler', 'other_handler']);
  assert.deepEqual({ line: o.handlers[0]!.span.line, column: o.handlers[0]!.span.column }, positionOf(text, 'lambda_handler'));
  assert.deepEqual(o.calls.map(brief), ['DynamoDB GetItem [for seq]', 'requests pay.example.com', 'S3 GetObject [comprehension seq]']);
  // aws-xray-sdk-python names the subsegment by botocore's endpointPrefix.
  assert.deepEqual(o.calls.map((c) => c.subsegmentName), ['dynamodb', undefined, 's3']);
  assert.deepEqual(o.calls.map((c) => c.library), ['boto3', 'requests', 'boto3']);
});

test('a minified file is skipped without parsing, with its numbers', async () => {
  const { outline: o } = await outlineFixture('minified.js');
  assert.deepEqual({ handlers: o.handlers, calls: o.calls }, { handlers: [], calls: [] });
  assert.match(o.skipped ?? '', /minified: 2 line\(s\) averaging 12140 characters, the longest 24279/);
  assert.match(skipReason('x'.repeat(1024 * 1024 + 1)) ?? '', /1\.0 MB, over the 1 MB limit/);
  assert.equal(skipReason('const a = 1;\n'.repeat(1000)), undefined);
});

test('every form of export names a handler, the lens on the local definition when there is one', async () => {
  const js = [
    'exports.a = async (e) => e;',
    'module.exports.b = function () {};',
    'exports.TABLE = "t";',
    'function impl() {}',
    'const c2 = () => 1;',
    'module.exports = { impl, c: c2, d: () => 2, LIMIT: 5 };',
  ].join('\n');
  const o = await outline(js, 'javascript');
  assert.deepEqual(o.handlers.map((h) => `${h.name}@${h.span.line}:${h.span.column}`), ['a@0:8', 'b@1:15', 'impl@3:9', 'c@4:6', 'd@5:32']);
  const esm = [
    'export async function one() {}',
    'export const two = async () => {}, LIMIT = 3;',
    'const local = () => {};',
    'export { local as three };',
    'export { four } from "./other";',
    'export default async function named() {}',
  ].join('\n');
  const e = await outline(esm, 'typescript');
  assert.deepEqual(e.handlers.map((h) => `${h.name}@${h.span.line}:${h.span.column}`), ['one@0:22', 'two@1:13', 'three@2:6', 'four@4:9', 'default@5:30']);
  const anon = await outline('export default (e) => e;', 'javascript');
  assert.deepEqual(anon.handlers.map((h) => `${h.name}@${h.span.line}:${h.span.column}`), ['default@0:7']);
});

test('v3 forms: require destructuring, aggregated clients, DynamoDBDocument.from, other packages by their client', async () => {
  const js = [
    "const { DynamoDB } = require('@aws-sdk/client-dynamodb');",
    "const { DynamoDBDocument } = require('@aws-sdk/lib-dynamodb');",
    "const { SFNClient, StartExecutionCommand } = require('@aws-sdk/client-sfn');",
    "const { KinesisClient, PutRecordCommand } = require('@aws-sdk/client-kinesis');",
    "const { BedrockRuntimeClient, InvokeModelCommand } = require('@aws-sdk/client-bedrock-runtime');",
    "const { FooBarClient, DoThingCommand } = require('@aws-sdk/client-foo-bar');",
    "const AWSXRay = require('aws-xray-sdk-core');",
    'const db = new DynamoDB({});',
    'const doc = DynamoDBDocument.from(db);',
    'const sfn = AWSXRay.captureAWSv3Client(new SFNClient({}));',
    'exports.handler = async () => {',
    '  await db.getItem({});',
    '  await doc.get({});',
    '  await doc.batchWrite({});',
    '  await sfn.send(new StartExecutionCommand({}));',
    '  await new KinesisClient({}).send(new PutRecordCommand({}));',
    '  await x.send(new InvokeModelCommand({}));',
    '  await y.send(new DoThingCommand({}));',
    '  db.destroy();',
    '};',
  ].join('\n');
  const o = await outline(js, 'javascript');
  assert.deepEqual(o.calls.map(brief), [
    'DynamoDB GetItem',
    'DynamoDB GetItem',
    'DynamoDB BatchWriteItem',
    'SFN StartExecution',
    'Kinesis PutRecord',
    'BedrockRuntime InvokeModel',
    'FooBar DoThing',
  ]);
});

test('v2 forms: modular clients, callbacks, and a client created lazily inside the handler', async () => {
  const js = [
    "import DynamoDB from 'aws-sdk/clients/dynamodb';",
    "import AWS from 'aws-sdk';",
    'let sqs;',
    'const ddb = new DynamoDB();',
    'const docs = new DynamoDB.DocumentClient();',
    'export const handler = (e, ctx, cb) => {',
    '  if (!sqs) sqs = new AWS.SQS();',
    '  ddb.getItem({}, (err, data) => cb(err, data));',
    '  docs.put({}).promise();',
    '  sqs.sendMessage({}).promise();',
    '  new AWS.StepFunctions().startExecution({}).promise();',
    '};',
  ].join('\n');
  const o = await outline(js, 'javascript');
  assert.deepEqual(o.calls.map(brief), ['DynamoDB GetItem', 'DynamoDB PutItem', 'SQS SendMessage', 'SFN StartExecution']);
  assert.deepEqual(o.calls.map((c) => c.subsegmentName), ['dynamodb', 'dynamodb', 'sqs', 'stepfunctions']);
});

test('loops: array callbacks, reduce with an awaited accumulator, forEach, not-awaited calls, the iterable of a for…of', async () => {
  const js = [
    "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
    'const c = new DynamoDBClient({});',
    'export async function handler(ids) {',
    '  await ids.reduce(async (prev, id) => { await prev; await c.send(new GetItemCommand({ id })); }, Promise.resolve());',
    '  ids.forEach((id) => c.send(new GetItemCommand({ id })));',
    '  const ps = [];',
    '  for (let i = 0; i < ids.length; i++) ps.push(c.send(new GetItemCommand({ i })));',
    '  for (const x of await c.send(new GetItemCommand({}))) {',
    '    await Promise.all(ids.map((id) => c.send(new GetItemCommand({ id, x }))));',
    '  }',
    '  for (const id of ids) { setTimeout(async () => { await c.send(new GetItemCommand({ id })); }); }',
    '}',
  ].join('\n');
  const o = await outline(js, 'javascript');
  assert.deepEqual(o.calls.map(brief), [
    'DynamoDB GetItem [array-callback seq]',
    'DynamoDB GetItem [array-callback]',
    'DynamoDB GetItem [for]',
    'DynamoDB GetItem',
    'DynamoDB GetItem [array-callback, for seq]',
    // A callback handed to anything but an array method is its own function: the loop stops there.
    'DynamoDB GetItem',
  ]);
});

test('HTTP libraries and hosts: literal, template head, option objects, constants, unknown', async () => {
  const js = [
    "import axios from 'axios';",
    "import got from 'got';",
    "import { request, fetch as ufetch } from 'undici';",
    "import http from 'node:http';",
    "const BASE = 'https://const.example.com';",
    'export const handler = async (host) => {',
    "  await fetch('https://a.example.com/x?q=1');",
    '  await fetch(`https://${host}/x`);',
    '  await fetch(`https://api.${host}`);',
    '  await axios.get(`https://b.example.com:8443/${host}`);',
    "  await axios({ method: 'post', url: 'https://c.example.com' });",
    "  await got('https://d.example.com');",
    "  await got.post('https://e.example.com');",
    "  await request('https://f.example.com');",
    "  await ufetch('https://g.example.com');",
    "  http.request({ host: 'h.example.com:8080', path: '/' });",
    '  await fetch(BASE + "/x");',
    '  await fetch(process.env.URL);',
    '};',
  ].join('\n');
  const o = await outline(js, 'javascript');
  assert.deepEqual(o.calls.map(brief), [
    'fetch a.example.com',
    'fetch ?',
    'fetch ?',
    'axios b.example.com',
    'axios c.example.com',
    'got d.example.com',
    'got e.example.com',
    'undici f.example.com',
    'undici g.example.com',
    'https h.example.com',
    'fetch const.example.com',
    'fetch ?',
  ]);
});

test('TSX parses with its own grammar', async () => {
  const tsx = ['export const handler = async () => {', "  const r = await fetch('https://x.example.com');", '  return <div>{r.status}</div>;', '};'].join('\n');
  const o = await outline(tsx, 'tsx');
  assert.deepEqual(o.calls.map(brief), ['fetch x.example.com']);
});

test('Python: sessions, keyword service names, httpx clients, urllib3, gather, executor.map, async def, self attributes', async () => {
  const py = [
    'import asyncio',
    'import boto3',
    'import httpx',
    'import urllib3',
    'from concurrent.futures import ThreadPoolExecutor',
    'from requests import post',
    'session = boto3.session.Session()',
    "sqs = session.client('sqs')",
    "sfn = boto3.client(service_name='stepfunctions')",
    'http = urllib3.PoolManager()',
    '',
    'class Repo:',
    '    def __init__(self):',
    "        self.table = boto3.resource('dynamodb').Table('t')",
    '    def get(self, k):',
    "        return self.table.get_item(Key=k)",
    '',
    'async def handler(event, context):',
    "    sqs.send_message(QueueUrl='q', MessageBody='b')",
    "    sfn.start_execution(stateMachineArn='a')",
    "    async with httpx.AsyncClient(base_url='https://base.example.com') as client:",
    "        await asyncio.gather(*[client.get(f'/items/{i}') for i in event['ids']])",
    "        for i in event['ids']:",
    "            await client.get(f'https://loop.example.com/{i}')",
    "    http.request('GET', 'https://pool.example.com/x')",
    "    post(f'https://{event[\"host\"]}/hook')",
    '    with ThreadPoolExecutor() as ex:',
    "        list(ex.map(lambda k: sqs.delete_message(QueueUrl='q', ReceiptHandle=k), event['ids']))",
    "    while sqs.receive_message(QueueUrl='q').get('Messages'):",
    '        pass',
    "    paginator = sqs.get_paginator('list_queues')",
  ].join('\n');
  const o = await outline(py, 'python');
  assert.deepEqual(o.handlers.map((h) => h.name), ['handler']);
  assert.deepEqual(o.calls.map(brief), [
    'DynamoDB GetItem',
    'SQS SendMessage',
    'SFN StartExecution',
    'httpx base.example.com [comprehension]',
    'httpx loop.example.com [for seq]',
    'urllib3 pool.example.com',
    'requests ?',
    'SQS DeleteMessage [array-callback]',
    'SQS ReceiveMessage [while seq]',
  ]);
  assert.deepEqual(o.calls.map((c) => c.subsegmentName).filter(Boolean), ['dynamodb', 'sqs', 'states', 'sqs', 'sqs']);
});

test('a file with syntax errors still gives what it holds', async () => {
  const js = [
    "const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');",
    'const s3 = new S3Client({});',
    'exports.handler = async (e) => {',
    '  const x = {{{ ;',
    '  await s3.send(new GetObjectCommand({}));',
    '};',
  ].join('\n');
  const o = await outline(js, 'javascript');
  assert.deepEqual(o.handlers.map((h) => h.name), ['handler']);
  assert.deepEqual(o.calls.map(brief), ['S3 GetObject']);
  const py = await outline("import boto3\ns3 = boto3.client('s3')\ndef h(e, c):\n    s3.get_object(Bucket='b')\n    x = = 1\n", 'python');
  assert.deepEqual(py.handlers.map((h) => h.name), ['h']);
  assert.deepEqual(py.calls.map(brief), ['S3 GetObject']);
});

test('outline needs the grammar loaded; a skipped file does not', async () => {
  const parser = await loadCodeParser(codeWasmDir());
  assert.throws(() => parser.outline('x()', 'python', '/a.py'), /grammar is not loaded/);
  assert.ok(parser.outline('a'.repeat(2 * 1024 * 1024), 'python', '/big.py').skipped);
  parser.dispose();
});
