// code-outline: the call-site finder on a large generated handler (5 000 lines, 500 AWS and HTTP
// calls, loops and array callbacks around some), against the bare tree-sitter parse of the same
// text in the same run: the cost of the walk, the name resolution and the loop reading on top.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { loadCodeParser } from '../src/code/callSites';

const require = createRequire(import.meta.url);
const wasmDir = mkdtempSync(join(tmpdir(), 'bench-wasm-'));
for (const f of [
  require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  join(dirname(require.resolve('tree-sitter-javascript/package.json')), 'tree-sitter-javascript.wasm'),
]) {
  copyFileSync(f, join(wasmDir, basename(f)));
}

const CALLS = Number(process.env.BENCH_CODE_CALLS ?? 500);
const lines: string[] = [
  "const { DynamoDBClient, GetItemCommand, PutItemCommand } = require('@aws-sdk/client-dynamodb');",
  "const axios = require('axios');",
  'const ddb = new DynamoDBClient({});',
];
for (let i = 0; i < CALLS; i++) {
  // 10 lines per call: a function with a loop, a call, and filler work.
  const call =
    i % 3 === 0
      ? `await ddb.send(new GetItemCommand({ TableName: 't${i}', Key: { pk: { S: id } } }))`
      : i % 3 === 1
        ? `await axios.get(\`https://api${i}.example.com/items/\${id}\`)`
        : `await ddb.send(new PutItemCommand({ TableName: 't${i}', Item: { pk: { S: id } } }))`;
  lines.push(
    `exports.handler${i} = async (event) => {`,
    `  const ids = event.ids ?? [];`,
    `  const out = [];`,
    i % 2 === 0 ? `  for (const id of ids) {` : `  await Promise.all(ids.map(async (id) => {`,
    `    const r = ${call};`,
    `    out.push({ id, value: r, at: Date.now(), n: ${i} * 2 + 1 });`,
    i % 2 === 0 ? `  }` : `  }));`,
    `  const total = out.reduce((s, x) => s + x.n, 0);`,
    `  return { statusCode: 200, body: JSON.stringify({ total, count: out.length }) };`,
    `};`,
  );
}
const text = lines.join('\n');

function time(fn: () => void): number {
  fn();
  const runs: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

const parser = await loadCodeParser(wasmDir);
await parser.loadLanguage('javascript');
let found = 0;
const bareParse = time(() => parser.parseOnly(text, 'javascript'));
const outline = time(() => {
  found = parser.outline(text, 'javascript', '/bench/handler.js').calls.length;
});
parser.dispose();
if (found !== CALLS) throw new Error(`expected ${CALLS} calls, found ${found}`);
console.log(`code-outline: ${lines.length.toLocaleString('en')} lines (${(text.length / 1024).toFixed(0)} KB), ${CALLS} calls in loops and callbacks:`);
console.log(`  bare parser.parse: ${bareParse.toFixed(1)} ms`);
console.log(`  outline():         ${outline.toFixed(1)} ms = ${(outline / bareParse).toFixed(2)}× the bare parse`);
