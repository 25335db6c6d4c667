// Code hints from a trace file alone, in the real VS Code: a workspace with no template, only a
// handler and a real X-Ray export (LambdaPulse's getTasks trace, MIT: test/fixtures/real/README.md).
// Nothing shows on the handler until "Link This Handler to a Function…" ties it to the traced
// function; then the CodeLens, the hover and the call line's hint carry the trace's numbers,
// which are checked against the independent oracle (test/fixtures/real/expected.json).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sec } from '../../src/core/duration';
import { ROOT, startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';

const FIXTURE = 'lambdapulse_apigw_gettasks_dynamodb_trace.json';
interface Oracle {
  traces: Array<{ totalMs: number; coldStartMs: number; downstream: Array<[string, string, number, number]> }>;
}
const oracle = (JSON.parse(readFileSync(join(ROOT, 'test/fixtures/real/expected.json'), 'utf8')) as Record<string, Oracle>)[FIXTURE]!.traces[0]!;

let server: VSCodeServer;
let wb: Workbench;
let workspace: string;

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'tl-trace-only-'));
  copyFileSync(join(ROOT, 'test/fixtures/real', FIXTURE), join(workspace, 'gettasks-trace.json'));
  // The handler as the todo-list team might have written it: one DynamoDB Scan (lib-dynamodb).
  writeFileSync(
    join(workspace, 'handler.js'),
    [
      "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');",
      "const { DynamoDBDocumentClient, ScanCommand } = require('@aws-sdk/lib-dynamodb');",
      '',
      'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
      '',
      'module.exports.getTasks = async () => {',
      '  const { Items } = await doc.send(new ScanCommand({ TableName: process.env.TASKS_TABLE }));',
      '  return { statusCode: 200, body: JSON.stringify(Items) };',
      '};',
      '',
    ].join('\n'),
  );
  server = await startVSCode({ workspace });
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
});

test('a trace file and a linked handler: the CodeLens, the hover and the hint carry the trace’s numbers', async () => {
  await wb.openTraceFile(join(workspace, 'gettasks-trace.json'));
  await waitFor('the waterfall of the trace', async () => ((await wb.webviewTexts('body')).some((t) => /todo-list-app-dev-getTasks/.test(t)) ? true : undefined), 30_000);
  await wb.openFile('handler.js');
  // No template names this handler: no CodeLens until it is linked.
  await wb.page.waitForTimeout(2_000);
  assert.deepEqual(await wb.codeLenses(), []);
  await wb.runCommand('Timeout Lens: Link This Handler to a Function…');
  const input = wb.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill('getTasks');
  await wb.page.keyboard.press('Enter');
  // The functions the traces and templates know are offered: the trace's one is.
  await waitFor('the traced function in the list', async () => ((await wb.quickPickItems().catch(() => [])).some((l) => /todo-list-app-dev-getTasks/.test(l)) ? true : undefined), 15_000);
  await wb.pickQuickItem('todo-list-app-dev-getTasks');
  const lens = await waitFor('the CodeLens with the numbers', async () => (await wb.codeLenses()).find((l) => /p99/.test(l)), 30_000);
  // One traced request of 1 625 ms behind a REST API (29 s by default), answered; a 751 ms cold start.
  assert.equal(lens.replace(/^\W+/, ''), `p99 ${sec(oracle.totalMs)} of 29 s (1 traced) · 0 × 504 (gettasks-trace.json) · cold start +${sec(oracle.coldStartMs)}`);
  const [name, op, ms, calls] = oracle.downstream[0]!;
  const hint = await waitFor('the hint on the Scan line', async () => {
    const line = await wb.lineWithHints('doc.send');
    return line.includes(`${name} ${op}`) ? line : undefined;
  }, 20_000);
  assert.ok(hint.includes(`${name} ${op} · ${calls}× · ${sec(ms)} · ${Math.round((ms / 29_000) * 100)} % of budget`), hint);
  await wb.screenshot('vscode-code-trace-file-linked');
  const hover = await wb.hoverLine('module.exports.getTasks', 'getTasks', 'vscode-code-trace-file-hover');
  assert.match(hover, /todo-list-app-dev-getTasks/);
  assert.match(hover, /Worst request/);
  assert.match(hover, /DynamoDB Scan × 1/);
});
