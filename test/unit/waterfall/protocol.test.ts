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
} from '../../../src/protocol';
import { createNonce, jsonForScript, waterfallCsp, waterfallHtml } from '../../../src/ui/waterfallHtml';
import { buildWaterfall, buildWaterfallSnapshot, detailsReply } from '../../../src/ui/waterfallSnapshot';
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
