// An OpenTelemetry export in the real VS Code: the same API Gateway → Lambda → DynamoDB request
// written once as X-Ray segments (BatchGetTraces output) and once as an OTLP/JSON export
// (test/builders/requestForms.ts, one description), each opened with Open Trace File…: the two
// waterfalls read the same — the verdict and total, the breakdown legend, the findings — and the
// OTLP one shows its span attributes in the details pane.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';
import { batchGetTracesForm, otlpForm, type CallDescription, type RequestDescription } from '../builders/requestForms';

let server: VSCodeServer;
let wb: Workbench;
let workspace: string;

// Eight GetItem calls one after another, 3.2 s each (2 300 → 27 900 ms), then a partner call that
// runs past the 29 s cut: a REST 504 with a 2.25 s cold start.
const calls: CallDescription[] = [
  ...Array.from({ length: 8 }, (_, i): CallDescription => ({ kind: 'aws', target: 'DynamoDB', operation: 'GetItem', table: 'orders', start: 2_300 + i * 3_200, end: 2_300 + (i + 1) * 3_200 })),
  { kind: 'http', target: 'api.partner.example', operation: 'GET', start: 28_000, end: 33_000 },
];
const request: RequestDescription = { status: 504, gatewayEnd: 29_012, functionEnd: 33_490, initMs: 2_250, functionName: 'orders-api-reports', calls };

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'tl-ws-'));
  writeFileSync(join(workspace, 'reports-504.xray.json'), batchGetTracesForm(request));
  writeFileSync(join(workspace, 'reports-504.otlp.json'), JSON.stringify(otlpForm(request), null, 1));
  server = await startVSCode({ workspace });
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
});

interface Seen {
  summary: string;
  findings: string[];
}

async function open(file: string): Promise<Seen> {
  await wb.openTraceFile(join(workspace, file));
  // The panel of this file: its title names the trace; wait until the page has drawn its summary.
  const summary = await waitFor(`the waterfall of ${file}`, async () => {
    const t = await wb.webviewText('.tl-summary').catch(() => '');
    return /504/.test(t) && /Cold start/.test(t) ? t : undefined;
  }, 30_000);
  const findings = await wb.webview().locator('.tl-finding-title').allInnerTexts();
  return { summary: summary.replace(/\s+/g, ' ').trim(), findings: findings.map((f) => f.trim()) };
}

test('an OTLP export opens in the waterfall with the breakdown and findings of its X-Ray form', async () => {
  const xray = await open('reports-504.xray.json');
  await wb.closeEditor();
  const otlp = await open('reports-504.otlp.json');
  // Worked out from the description: the stage 0 → 29 012 ms, its Lambda Invoke 2 → 29 011 ms
  // (3 ms of gateway); Initialization 3 → 2 253 ms; eight GetItem calls of 3 200 ms = 25.6 s; the
  // function ends at 33 490 ms, 4 478 ms after the cut.
  assert.match(otlp.summary, /504/);
  assert.match(otlp.summary, /29,012 ms of 29,000 ms budget/);
  assert.match(otlp.summary, /Gateway 3\.0 ms/);
  assert.match(otlp.summary, /Cold start 2\.25 s/);
  assert.match(otlp.summary, /DynamoDB GetItem ×8 25\.6 s/);
  assert.match(otlp.summary, /function ran 4\.48 s after the cut/);
  assert.equal(otlp.summary, xray.summary, 'the same summary and breakdown as the X-Ray form');
  assert.deepEqual(otlp.findings, xray.findings, 'the same findings');
  assert.ok(otlp.findings.some((f) => /one after another/.test(f)), otlp.findings.join(' | '));
  await wb.screenshot('vscode-waterfall-otlp');
});

test('the details of an OTLP span show its OpenTelemetry attributes', async () => {
  // The partner call, chosen with a click as a person would.
  await wb.webview().locator('[role="row"]', { hasText: 'api.partner.example' }).first().click();
  const details = await waitFor('the details of the partner call', async () => {
    const t = await wb.webviewText('.tl-details').catch(() => '');
    return /server\.address/.test(t) ? t : undefined;
  }, 15_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-waterfall-otlp-details-failed');
    throw e;
  });
  assert.match(details, /url\.full/);
  assert.match(details, /https:\/\/api\.partner\.example\/v1\/items/);
  await wb.screenshot('vscode-waterfall-otlp-details');
});
