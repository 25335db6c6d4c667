// What a trace, a log or a file name holds cannot drive the terminal: control characters (C0,
// C1), escape sequences (OSC: window title, clipboard; CSI: clear the screen) and bidi controls
// reach the text report, the CLI's error lines and its JSON as visible escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import { renderTextReport } from '../../../src/core/textReport';
import { terminalSafe, terminalSafeJson, terminalSafeLines, MAX_SHOWN_LENGTH } from '../../../src/core/terminalText';
import type { Report } from '../../../src/core/report';
import { runCli } from '../cli/runCli';
import { assertLinear } from './measure';
import { hex, markedTraceDocs, T0, TID } from '../../builders/hostileTraces';

/** Any character a terminal acts on or that reorders text; a newline is allowed (the report's own lines). */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const OSC_TITLE = '\u001b]0;pwned\u0007';
const OSC_CLIPBOARD = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const CLEAR = '\u001b[2J\u001b[H';
const C1 = '\u009b31m\u009d0;x\u009c\u0085';
const BIDI = '\u202egnp.exe\u202c\u2066\u2069\u200e\u200f\u061c';
const EVIL = `fn${OSC_TITLE}${OSC_CLIPBOARD}${CLEAR}${C1}${BIDI}\ttab\r\nline\u0000`;

/** A 504 whose names, URL, operation, table and exception carry EVIL, and a skipped segment named with it. */
function evilTrace(): string {
  const [gateway, fn] = markedTraceDocs(EVIL);
  const skipped = { id: hex(6), trace_id: TID, name: `skipped${EVIL}`, start_time: 'soon', end_time: T0 };
  return [gateway, fn, skipped].map((d) => JSON.stringify(d)).join('\n');
}

function textOf(report: Report, traces: ReturnType<typeof analyze>['analyzed']): string {
  return renderTextReport(report, { traces: new Map(traces.map((a) => [a.trace.traceId, a.trace])) });
}

test('control, escape and bidi characters in names, URLs and messages reach the text report as visible escapes', () => {
  const { report, analyzed } = analyze(parseTraceText(evilTrace(), 'evil.json'));
  const text = textOf(report, analyzed);
  assert.doesNotMatch(text, RAW);
  // Each kind, visible: ESC, BEL, CSI (C1), the bidi override, NUL, CR and LF inside a name.
  for (const shown of ['\\x1b]0;pwned\\x07', '\\x1b]52;c;', '\\x1b[2J', '\\x9b31m', '\\x9d0;x\\x9c', '\\u202egnp.exe\\u202c', '\\u2066\\u2069\\u200e\\u200f\\u061c', '\\r\\nline\\x00']) {
    assert.ok(text.includes(shown), `the report shows ${shown}`);
  }
  // In every place a value is printed: the title, the waterfall, the findings, the skipped items.
  assert.match(text, /^TIMEOUT {2}apifn\\x1b\]0;pwned\\x07/m);
  assert.match(text, /^ {6}DynamoDBfn\\x1b\]0;pwned/m);
  assert.match(text, /it broke\s+fn\\x1b\]0;pwned\\x07/);
  assert.match(text, /"skippedfn\\x1b\]0;pwned/);
  // A tab is a space and a line break is `\n`: a name never adds a row to the waterfall, and the
  // bars stay aligned in their column.
  const plain = analyze(parseTraceText(evilTrace().split(JSON.stringify(EVIL).slice(1, -1)).join('X'), 'evil.json'));
  const rows = (t: string): string[] => t.split('\n').filter((l) => /[█░]/.test(l) && !l.includes('█ span'));
  const plainRows = rows(textOf(plain.report, plain.analyzed));
  assert.equal(rows(text).length, plainRows.length);
  assert.deepEqual(rows(text).map((l) => l.indexOf('█')), plainRows.map((l) => l.indexOf('█')));
});

test('terminalSafe: every C0/C1/bidi character escaped, long values cut first, a surrogate pair never halved', () => {
  for (let c = 0; c < 0x100; c++) {
    const ch = String.fromCharCode(c);
    const out = terminalSafe(`a${ch}b`);
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) assert.doesNotMatch(out, RAW, `U+${c.toString(16)}`);
    else assert.equal(out, `a${ch}b`);
  }
  assert.equal(terminalSafe('a\tb'), 'a b');
  assert.equal(terminalSafe('\u001b[31m'), '\\x1b[31m');
  assert.equal(terminalSafe('\u202e'), '\\u202e');
  assert.equal(terminalSafe('x'.repeat(MAX_SHOWN_LENGTH + 5)), `${'x'.repeat(MAX_SHOWN_LENGTH)}… (5 more characters)`);
  assert.equal(terminalSafe(`${'x'.repeat(9)}😀z`, 10), `${'x'.repeat(9)}… (3 more characters)`);
  assert.equal(terminalSafeLines('a\n\u001bb\tc'), 'a\n\\x1bb c');
  // Text that needs nothing is returned as it is (the common case costs one test).
  assert.equal(terminalSafe('orders-api/prod GET /reports'), 'orders-api/prod GET /reports');
});

test('JSON for the terminal: the same values, with DEL, C1 and bidi controls as \\u escapes', () => {
  const value = { name: EVIL, list: ['\u009b', '\u202e\u2028'] };
  const json = terminalSafeJson(value);
  assert.doesNotMatch(json, RAW);
  assert.deepEqual(JSON.parse(json), value);
  assert.ok(json.includes('\\u009b') && json.includes('\\u202e') && json.includes('\\u001b'));
});

test('the CLI: report, --json and error lines carry no raw control or bidi characters', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  try {
    const file = join(dir, 'evil.json');
    writeFileSync(file, evilTrace());
    const text = await runCli(['analyze', file, '--width', '100']);
    assert.equal(text.code, 0);
    assert.doesNotMatch(text.out, RAW);
    assert.doesNotMatch(text.err, RAW);
    assert.ok(text.out.includes('\\x1b]0;pwned\\x07'));
    const json = await runCli(['analyze', file, '--json']);
    assert.doesNotMatch(json.out, RAW);
    const report = JSON.parse(json.out) as Report;
    // The JSON keeps every value whole: the escapes are JSON's, the values are the trace's.
    assert.equal(report.traces[0]!.entry.name, `api${EVIL}/prod`);
    // A file named with an escape sequence, that Timeout Lens cannot read: the error line is safe.
    const bad = join(dir, `x${OSC_TITLE}${BIDI}.json`);
    writeFileSync(bad, 'not a trace');
    const err = await runCli(['analyze', bad]);
    assert.notEqual(err.code, 0);
    assert.doesNotMatch(err.err, RAW);
    assert.ok(err.err.includes('x\\x1b]0;pwned\\x07\\u202egnp.exe'), err.err);
    // A path that is not there, named on the command line.
    const missing = await runCli(['analyze', join(dir, `gone${CLEAR}`)]);
    assert.doesNotMatch(missing.err, RAW);
    assert.ok(missing.err.includes('gone\\x1b[2J'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A BatchGetTraces export on one line whose segment document (itself a JSON string, as the API
 * returns it) carries `bytes` characters of metadata: `--json` over a big single-line file.
 */
function oneLineExport(bytes: number): string {
  const doc = JSON.stringify({
    id: '00000000000000a1',
    trace_id: '1-6553f100-0123456789abcdef01234567',
    name: 'orders-api/prod',
    origin: 'AWS::ApiGateway::Stage',
    start_time: 1_700_000_000,
    end_time: 1_700_000_002,
    http: { request: { method: 'GET', url: 'https://api.example.com/prod/orders' }, response: { status: 200 } },
    metadata: { default: { blob: 'm'.repeat(bytes) } },
  });
  return JSON.stringify({ Traces: [{ Id: '1-6553f100-0123456789abcdef01234567', Duration: 2, Segments: [{ Id: '00000000000000a1', Document: doc }] }] });
}

test('a 200 MB single-line JSON export with --json: the report of its one trace, in time linear in its size', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-big-json-'));
  try {
    const file = join(dir, 'big.json');
    const text = oneLineExport(200_000_000);
    assert.ok(text.length > 200_000_000 && !text.includes('\n'));
    writeFileSync(file, text);
    const r = await runCli(['analyze', file, '--json']);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as Report;
    assert.equal(report.traces.length, 1);
    assert.equal(report.traces[0]!.traceId, '1-6553f100-0123456789abcdef01234567');
    // The metadata is the trace's, not the report's: the report stays small.
    assert.ok(r.out.length < 20_000, `${r.out.length} characters of JSON`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The same path in process (parse, analyze, JSON for the terminal) at 5 MB and 50 MB.
  assertLinear('a single-line export through --json', oneLineExport, (t) => terminalSafeJson(analyze(parseTraceText(t, 'big.json')).report), 5_000_000);
});
