// Mutates the real fixtures thousands of times (seeded, so a failure is reproducible): drop
// fields, swap types, truncate, point parents in circles. The parser must never throw, and
// whatever it could not use must be said in `errors`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import { renderTextReport } from '../../../src/core/textReport';
// The sample account's seeded PRNG (mulberry32): the same mutations on every run.
import { prng } from '../../../src/aws/sampleAccount/scenario';

const FIXTURES = [
  'lambdapulse_apigw_lambda_coldstart_trace.json',
  'lambdapulse_apigw_lambda_warm_trace.json',
  'lambdapulse_apigw_502_lambda_error_trace_with_logs.json',
  'awsdocs_xray_batchgettraces_lambda_output.json',
  'awscli_example_batchgettraces_scorekeep.json',
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const ODD_VALUES: Json[] = [null, 0, -1, 1e308, 'x', '', true, [], {}, [1, 2], { a: 1 }, 'NaN'];

/** All objects in a JSON tree, with the Documents parsed so mutations reach into segments. */
function objects(v: Json, out: Array<{ [k: string]: Json }>): void {
  if (Array.isArray(v)) v.forEach((x) => objects(x, out));
  else if (v && typeof v === 'object') {
    out.push(v);
    Object.values(v).forEach((x) => objects(x, out));
  }
}

function mutate(root: Json, rnd: () => number): void {
  const objs: Array<{ [k: string]: Json }> = [];
  objects(root, objs);
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n && objs.length; i++) {
    const o = objs[Math.floor(rnd() * objs.length)]!;
    const keys = Object.keys(o);
    const k = keys[Math.floor(rnd() * keys.length)];
    const op = rnd();
    if (!k) continue;
    if (op < 0.3) delete o[k];
    else if (op < 0.6) o[k] = ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)]!;
    else if (op < 0.8) {
      // Point a parent at another id of the trace (cycles, self-parents, subsegment parents).
      const idsIn = objs.map((x) => x.id).filter((x): x is string => typeof x === 'string');
      o.parent_id = idsIn[Math.floor(rnd() * idsIn.length)] ?? 'ffffffffffffffff';
    } else if (typeof o[k] === 'number') o[k] = (o[k] as number) * (rnd() < 0.5 ? -1 : 1e6);
    else o[k] = String(o[k]).slice(0, 3);
  }
}

/** Parses Document strings into objects (so they can be mutated) and back. */
function explode(v: Json): Json {
  if (Array.isArray(v)) return v.map(explode);
  if (v && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === 'Document' && typeof x === 'string' ? (JSON.parse(x) as Json) : explode(x);
    return out;
  }
  return v;
}
function implode(v: Json): Json {
  if (Array.isArray(v)) return v.map(implode);
  if (v && typeof v === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v)) out[k] = k === 'Document' && typeof x !== 'string' ? JSON.stringify(x) : implode(x);
    return out;
  }
  return v;
}

/**
 * Every entry of `Traces[i].Segments[j]` ends up as a span (its source starts with that place), or
 * an error names that place, or a span with the same id came from elsewhere (X-Ray's in-progress and
 * complete copies of one segment are one span): no segment document disappears without a word.
 */
function assertNothingSilentlyDropped(text: string, where: string, parsed: ReturnType<typeof parseTraceText>): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return; // a truncated file: covered by "nothing parsed and nothing said" below
  }
  if (!value || typeof value !== 'object' || !Array.isArray((value as { Traces?: unknown }).Traces)) return;
  const spanSources: string[] = [];
  const spanIds = new Set<string>();
  for (const t of parsed.traces)
    for (const s of t.spans) {
      spanSources.push(s.source);
      spanIds.add(s.id);
    }
  const errorSources = parsed.errors.map((e) => e.source);
  const traces = (value as { Traces: unknown[] }).Traces;
  traces.forEach((t, i) => {
    const segments = t && typeof t === 'object' ? (t as { Segments?: unknown }).Segments : undefined;
    if (!Array.isArray(segments)) return;
    segments.forEach((seg, j) => {
      const at = `${where}#Traces[${i}].Segments[${j}]`;
      const here = (src: string): boolean => src === at || src.startsWith(`${at}.`);
      if (spanSources.some(here) || errorSources.some(here)) return;
      let id: unknown;
      try {
        const doc = seg && typeof seg === 'object' ? (seg as { Document?: unknown }).Document : undefined;
        id = typeof doc === 'string' ? (JSON.parse(doc) as { id?: unknown }).id : undefined;
      } catch {
        id = undefined;
      }
      assert.ok(typeof id === 'string' && spanIds.has(id), `${at} vanished without an error: ${JSON.stringify(seg).slice(0, 300)}`);
    });
  });
}

test('mutated real traces never make the engine throw, and losses are reported', () => {
  const rnd = prng(20261124);
  let runs = 0;
  let reported = 0;
  for (const name of FIXTURES) {
    const original = readFileSync(`test/fixtures/real/${name}`, 'utf8');
    for (let i = 0; i < 700; i++) {
      let text: string;
      if (rnd() < 0.15) text = original.slice(0, Math.floor(rnd() * original.length)); // truncated file
      else {
        const tree = explode(JSON.parse(original) as Json);
        mutate(tree, rnd);
        text = JSON.stringify(implode(tree));
      }
      const where = `${name} run ${i}`;
      let parsed;
      try {
        parsed = parseTraceText(text, where);
        const { report, analyzed } = analyze(parsed);
        renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
        JSON.stringify(report);
        for (const t of report.traces) {
          assert.ok(Number.isFinite(t.totalMs), `${where}: totalMs finite`);
          assert.ok(t.breakdown.coldStartMs >= 0 && t.breakdown.handlerMs >= 0 && t.breakdown.gatewayMs >= 0, `${where}: no negative parts`);
        }
      } catch (e) {
        assert.fail(`${where} threw: ${(e as Error).stack}\ninput: ${text.slice(0, 500)}`);
      }
      runs++;
      if (parsed.errors.length) reported++;
      assertNothingSilentlyDropped(text, where, parsed);
      // A truncated file that parses to nothing must say why.
      if (!parsed.traces.length) assert.ok(parsed.errors.length > 0, `${where}: nothing parsed and nothing said: ${text.slice(0, 300)}`);
    }
  }
  assert.equal(runs, FIXTURES.length * 700);
  assert.ok(reported > runs / 3, `most mutations are noticed and reported (${reported}/${runs})`);
});

test('the "nothing silently dropped" check has teeth: it fails when errors are lost', () => {
  const text = readFileSync('test/fixtures/xray/built_damaged.json', 'utf8');
  const parsed = parseTraceText(text, 'damaged');
  assertNothingSilentlyDropped(text, 'damaged', parsed);
  assert.throws(() => assertNothingSilentlyDropped(text, 'damaged', { traces: parsed.traces, errors: [] }), /vanished without an error/);
});
