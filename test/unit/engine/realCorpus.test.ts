// The engine on the real trace corpus (test/fixtures/real, see its README.md), pinned against an
// independent oracle: test/fixtures/real/oracle.py works each file's breakdown out from the rules
// (stdlib Python, nothing from src/) and writes expected.json. One test per file, so a failure names
// the file; each compares every figure of every trace at once, so the diff shows them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import type { TraceReport } from '../../../src/core/report';

const DIR = 'test/fixtures/real';
const NOT_TRACES = new Set(['README.md', 'oracle.py', 'expected.json']);

interface ExpectedTrace {
  traceId: string;
  entry: { kind: string; name: string | null; status: number | null };
  totalMs: number;
  gatewayMs: number;
  coldStartMs: number;
  handlerMs: number;
  overheadMs: number;
  downstream: [string, string | null, number, number][];
  functionEndAtMs: number | null;
  cutAtMs: number | null;
  afterCutMs: number | null;
  verdict: string;
}

const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8')) as Record<string, { traces: ExpectedTrace[] }>;

/** The engine's figures in the oracle's shape. */
function figures(t: TraceReport): Omit<ExpectedTrace, 'traceId' | 'entry'> & { entry: { kind: string; status: number | null } } {
  return {
    entry: { kind: t.entry.kind, status: t.entry.status ?? null },
    totalMs: t.totalMs,
    gatewayMs: t.breakdown.gatewayMs,
    coldStartMs: t.breakdown.coldStartMs,
    handlerMs: t.breakdown.handlerMs,
    overheadMs: t.breakdown.overheadMs,
    downstream: t.breakdown.downstream.map((d) => [d.name, d.operation ?? null, d.ms, d.calls]),
    functionEndAtMs: t.functionEndAtMs,
    cutAtMs: t.cutAtMs,
    afterCutMs: t.afterCutMs,
    verdict: t.verdict,
  };
}

test('every corpus file is in expected.json, and there are at least 30', () => {
  // Files only: real/otel/ holds the OpenTelemetry corpus (test/unit/otel).
  const files = readdirSync(DIR)
    .filter((f) => !NOT_TRACES.has(f) && statSync(`${DIR}/${f}`).isFile())
    .sort();
  assert.deepEqual(files, Object.keys(expected).sort());
  assert.ok(files.length >= 30, `${files.length} files`);
});

test('expected.json is what the oracle writes today', () => {
  const run = spawnSync('python3', [`${DIR}/oracle.py`, '--check'], { encoding: 'utf8' });
  assert.equal(run.error, undefined, `python3 could not run: ${String(run.error)}`);
  assert.equal(run.status, 0, run.stderr);
});

for (const [file, want] of Object.entries(expected)) {
  test(`real corpus: ${file}`, () => {
    const path = `${DIR}/${file}`;
    const parsed = parseTraceText(readFileSync(path, 'utf8'), path);
    const { report } = analyze(parsed);
    // One comparison for the whole file (trace id → figures), so the diff shows every disagreement.
    const got: Record<string, unknown> = {};
    for (const t of report.traces) got[t.traceId] = figures(t);
    const wanted: Record<string, unknown> = {};
    for (const { traceId, entry, ...rest } of want.traces) wanted[traceId] = { entry: { kind: entry.kind, status: entry.status }, ...rest };
    assert.deepEqual(got, wanted);
  });
}
