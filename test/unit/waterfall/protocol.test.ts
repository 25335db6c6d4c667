// The protocol's guards accept the messages both sides send and reject look-alikes; the page
// escapes its inline JSON and carries the panel's CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROTOCOL_VERSION,
  isCopyTraceMessage,
  isDetailsErrorMessage,
  isDetailsMessage,
  isHostMessage,
  isOpenLogsMessage,
  isOpenSourceMessage,
  isReadyMessage,
  isRequestDetailsMessage,
  isRevealFindingMessage,
  isSelectTraceMessage,
  isSnapshotMessage,
  isWebviewMessage,
  isRequestWhatIfMessage,
  isWhatIfErrorMessage,
  isWhatIfMessage,
  MAX_WHAT_IF_FIXES,
  whatIfRequestProblem,
} from '../../../src/protocol';
import { createNonce, jsonForScript, waterfallCsp, waterfallHtml } from '../../../src/ui/waterfallHtml';
import { buildWaterfall, buildWaterfallSnapshot, detailsReply, waterfallEntries, whatIfReply } from '../../../src/ui/waterfallSnapshot';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import { timeoutScenario } from '../../builders/modelBuilder';

const v = PROTOCOL_VERSION;

test('webview → host guards', () => {
  assert.ok(isReadyMessage({ type: 'ready', v, traceId: null }));
  assert.ok(isReadyMessage({ type: 'ready', v, traceId: '1-a-b' }));
  assert.ok(!isReadyMessage({ type: 'ready', v: 99, traceId: null }), 'another version is dropped');
  assert.ok(isOpenSourceMessage({ type: 'openSource', v, file: '/ws/a.ts', line: 3 }));
  assert.ok(!isOpenSourceMessage({ type: 'openSource', v, file: '/ws/a.ts', line: 0 }));
  assert.ok(!isOpenSourceMessage({ type: 'openSource', v, file: '', line: 3 }));
  assert.ok(!isOpenSourceMessage({ type: 'openSource', v, file: '/ws/a.ts', line: '3' }));
  assert.ok(isOpenLogsMessage({ type: 'openLogs', v, traceId: 't', requestId: 'r' }));
  assert.ok(!isOpenLogsMessage({ type: 'openLogs', v, traceId: 't', requestId: 'r', functionName: 3 }));
  assert.ok(isRevealFindingMessage({ type: 'revealFinding', v, traceId: 't', findingId: 'work-after-cut', index: 1 }));
  assert.ok(!isRevealFindingMessage({ type: 'revealFinding', v, traceId: 't', findingId: 'x', index: 1.5 }));
  assert.ok(isCopyTraceMessage({ type: 'copyTrace', v, traceId: 't', format: 'text' }));
  assert.ok(!isCopyTraceMessage({ type: 'copyTrace', v, traceId: 't', format: 'html' }));
  assert.ok(isSelectTraceMessage({ type: 'selectTrace', v, traceId: 't' }));
  assert.ok(isWebviewMessage({ type: 'selectTrace', v, traceId: 't' }));
  assert.ok(isRequestDetailsMessage({ type: 'requestDetails', v, requestId: 1, traceId: 't', index: 0 }));
  assert.ok(isWebviewMessage({ type: 'requestDetails', v, requestId: 1, traceId: 't', index: 41 }));
  for (const index of [-1, 1.5, '3', null]) assert.ok(!isRequestDetailsMessage({ type: 'requestDetails', v, requestId: 1, traceId: 't', index }), `index ${String(index)}`);
  assert.ok(!isRequestDetailsMessage({ type: 'requestDetails', v, traceId: 't', index: 0 }), 'a request without an id cannot be answered');
  for (const bad of [null, 1, 'ready', [], { type: 'ready' }, { type: 'snapshot', v }, { type: 'nope', v }]) assert.ok(!isWebviewMessage(bad));
});

test('host → webview guards', () => {
  const { trace, report } = timeoutScenario();
  const snapshot = buildWaterfallSnapshot(trace, report);
  assert.ok(isSnapshotMessage({ type: 'snapshot', v, snapshot }));
  assert.ok(!isSnapshotMessage({ type: 'snapshot', v, snapshot: { ...snapshot, spans: 'x' } }));
  assert.ok(!isSnapshotMessage({ type: 'snapshot', v, snapshot: { ...snapshot, spans: { ...snapshot.spans, startMs: [] } } }), 'a short column');
  assert.ok(!isSnapshotMessage({ type: 'snapshot', v, snapshot: { ...snapshot, spansKey: undefined } }));
  const details = buildWaterfall(trace, report).details(0)!;
  assert.ok(isDetailsMessage({ type: 'details', v, requestId: 1, traceId: 't', index: 0, details }));
  assert.ok(isHostMessage({ type: 'details', v, requestId: 1, traceId: 't', index: 0, details }));
  assert.ok(!isDetailsMessage({ type: 'details', v, requestId: 1, traceId: 't', index: -1, details }));
  assert.ok(!isDetailsMessage({ type: 'details', v, requestId: 1, traceId: 't', index: 0, details: { id: 'x' } }));
  assert.ok(!isDetailsMessage({ type: 'details', v: 1, requestId: 1, traceId: 't', index: 0, details }), 'another version is dropped');
  assert.ok(!isDetailsMessage({ type: 'details', v, traceId: 't', index: 0, details }), 'an answer without its request id');
  assert.ok(isHostMessage({ type: 'detailsError', v, requestId: 2, traceId: 't', index: 0, message: 'gone' }));
  assert.ok(!isDetailsErrorMessage({ type: 'detailsError', v, requestId: 2, traceId: 't', index: 0 }), 'an error says why');
  assert.ok(isHostMessage({ type: 'notice', v, level: 'error', text: 'x' }));
  assert.ok(!isHostMessage({ type: 'notice', v, level: 'debug', text: 'x' }));
});

test('inline JSON cannot close its script element and parses back unchanged', () => {
  const value = { name: '</script><script>alert(1)</script>', c: '<!-- & \u2028 -->' };
  const text = jsonForScript(value);
  assert.ok(!text.includes('<') && !text.includes('>'));
  assert.deepEqual(JSON.parse(text), value);
});

test('the page carries the strict CSP, a fresh nonce on its script, and no inline style', () => {
  const n1 = createNonce();
  assert.notEqual(n1, createNonce());
  assert.ok(Buffer.from(n1, 'base64').length === 16);
  assert.equal(
    waterfallCsp('https://x', n1),
    `default-src 'none'; script-src 'nonce-${n1}'; style-src https://x; connect-src 'none'; base-uri 'none'; form-action 'none'`,
  );
  const html = waterfallHtml({ cspSource: 'https://x', scriptUri: 'https://x/dist/webview.js', nonce: n1, snapshot: null });
  assert.match(html, new RegExp(`<script nonce="${n1.replace(/[+/=]/g, (c) => `\\${c}`)}" src="https://x/dist/webview.js">`));
  assert.ok(!/unsafe-inline/.test(html));
  assert.ok(!/style=/.test(html) && !/<style/.test(html));
});

test('a details request is answered with the details or with why not, under its id', () => {
  const { trace, report } = timeoutScenario();
  const model = buildWaterfall(trace, report);
  const ask = (traceId: string, index: number): ReturnType<typeof detailsReply> => detailsReply(model, { type: 'requestDetails', v, requestId: 7, traceId, index });
  const ok = ask(trace.traceId, 0);
  assert.equal(ok.type, 'details');
  assert.equal(ok.requestId, 7);
  const stale = ask('1-00000000-000000000000000000000000', 0);
  assert.equal(stale.type, 'detailsError');
  assert.equal(stale.requestId, 7);
  assert.match((stale as { message: string }).message, /another trace/);
  const out = ask(trace.traceId, model.snapshot.spans.count);
  assert.equal(out.type, 'detailsError');
  assert.match((out as { message: string }).message, /no span/);
});

test('what-if guards: a request names at most a few distinct fix ids; an answer has a time per row', () => {
  const req = (fixIds: unknown): unknown => ({ type: 'requestWhatIf', v, traceId: 't', fixIds });
  assert.ok(isRequestWhatIfMessage(req(['batch-calls:DynamoDB GetItem'])));
  assert.ok(isRequestWhatIfMessage(req([])), 'no fix: the measured bars');
  assert.ok(isWebviewMessage(req(['remove-cold-start', 'queue-202'])));
  assert.ok(!isRequestWhatIfMessage(req(['a', 'a'])), 'an id twice');
  assert.ok(!isRequestWhatIfMessage(req([''])));
  assert.ok(!isRequestWhatIfMessage(req(['x'.repeat(301)])));
  assert.ok(!isRequestWhatIfMessage(req([1])));
  assert.ok(!isRequestWhatIfMessage(req('remove-cold-start')));
  assert.ok(!isRequestWhatIfMessage(req(Array.from({ length: MAX_WHAT_IF_FIXES + 1 }, (_, i) => `f${i}`))), 'too many');
  assert.ok(!isRequestWhatIfMessage({ type: 'requestWhatIf', v, fixIds: [] }), 'no trace');
  assert.ok(!isRequestWhatIfMessage({ type: 'requestWhatIf', v: 1, traceId: 't', fixIds: [] }), 'another version');
  const answer = { type: 'whatIf', v, traceId: 't', fixIds: ['queue-202'], startMs: [0, 2], endMs: [10, 9], totalMs: 10, fits: true, marginMs: 20 };
  assert.ok(isWhatIfMessage(answer));
  assert.ok(isHostMessage({ ...answer, fits: null, marginMs: null }));
  assert.ok(!isWhatIfMessage({ ...answer, endMs: [10] }), 'a short column');
  assert.ok(!isWhatIfMessage({ ...answer, startMs: [0, Number.NaN] }));
  assert.ok(!isWhatIfMessage({ ...answer, totalMs: '10' }));
  assert.ok(!isWhatIfMessage({ ...answer, fits: 'yes' }));
  assert.ok(isWhatIfErrorMessage({ type: 'whatIfError', v, traceId: 't', fixIds: [], message: 'why' }));
  assert.ok(!isHostMessage({ type: 'whatIfError', v, traceId: 't', fixIds: [] }), 'an error says why');
});

test('a what-if request is answered for the trace shown and its own fixes only; rows get predicted times, a group row its calls\' span', () => {
  const file = 'built_rest_504_lambda_runs_on.json';
  const { analyzed, report } = analyze(parseTraceText(readFileSync(join('test', 'fixtures', 'xray', file), 'utf8'), file));
  const entry = waterfallEntries(analyzed, report.findings)[0]!;
  const model = buildWaterfall(entry.trace, entry.report);
  const ask = (traceId: string, fixIds: string[], source = entry.whatIf): ReturnType<typeof whatIfReply> => whatIfReply(model, entry.trace, source, { type: 'requestWhatIf', v, traceId, fixIds });
  const id = entry.trace.traceId;
  assert.match(whatIfRequestProblem({ type: 'requestWhatIf', v, traceId: 'other', fixIds: [] }, entry.report)!, /another trace/);
  const other = ask('1-00000000-000000000000000000000000', []);
  assert.equal(other.type, 'whatIfError');
  const unknown = ask(id, ['make-it-fast']);
  assert.equal(unknown.type, 'whatIfError');
  assert.match((unknown as { message: string }).message, /no fix "make-it-fast"/);
  assert.equal(ask(id, ['batch-calls:DynamoDB GetItem', 'concurrent-calls:DynamoDB GetItem']).type, 'whatIfError', 'one group both ways');
  assert.equal(whatIfReply(model, entry.trace, undefined, { type: 'requestWhatIf', v, traceId: id, fixIds: ['queue-202'] }).type, 'whatIfError', 'no analysis kept');
  const r = ask(id, ['batch-calls:DynamoDB GetItem']);
  assert.ok(r.type === 'whatIf' && isWhatIfMessage(r));
  assert.equal(r.totalMs, 3_570);
  assert.equal(r.fits, true);
  assert.equal(r.marginMs, 25_430);
  assert.deepEqual(r.fixIds, ['batch-calls:DynamoDB GetItem']);
  assert.equal(r.startMs.length, model.snapshot.spans.count);
  // The group row: its calls from 2 300 to the fourth batch call's end, 2 780.
  const g = model.snapshot.groupRows![0]!;
  assert.deepEqual([r.startMs[g], r.endMs[g]], [2_300, 2_780]);
  // The stage's row: 0 → 3 570, the front door ending at the predicted total.
  const stage = model.spans.findIndex((s) => s.origin === 'AWS::ApiGateway::Stage');
  assert.deepEqual([r.startMs[stage], r.endMs[stage]], [0, 3_570]);
});
