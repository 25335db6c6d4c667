// The sample account's Logs Insights interpreter, `stats` above all: every number is computed
// again here straight from the store's events (JSON.parse, group, sort), not through the
// interpreter or the engine, and the malformed queries fail as the service fails them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScenarioStore } from '../../../src/aws/sampleAccount/store';
import { runQuery } from '../../../src/aws/sampleAccount/logsService';
import { WireError } from '../../../src/aws/sampleAccount/wire';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const store = new ScenarioStore({ seed: 11, speed: 2, historyMinutes: 60, now: () => NOW });
const GROUP = '/aws/apigateway/orders-api/prod';
const FROM = NOW - 30 * 60_000;

/** The access-log lines of the window, parsed here. */
function lines(): Array<Record<string, string>> {
  return store.logEvents(GROUP, FROM, NOW).map((e) => JSON.parse(e.message) as Record<string, string>);
}

/** Nearest rank, computed the plain way: sort, take rank ceil(p/100 × n). */
function nearestRank(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(1, Math.ceil((p / 100) * s.length)) - 1]!;
}

const run = (q: string, maxRows = 10_000): ReturnType<typeof runQuery> => runQuery(store, [GROUP], FROM, NOW, q, maxRows);

test('stats count(*), count(field), pct, avg, max, min, sum by two fields', () => {
  const r = run('stats count(*), count(errorResponseType), pct(responseLatency, 50), pct(responseLatency, 99), avg(responseLatency), max(responseLatency), min(responseLatency), sum(responseLatency) by httpMethod, resourcePath');
  assert.equal(r.aggregated, true);
  assert.deepEqual(r.fields, ['httpMethod', 'resourcePath', 'count(*)', 'count(errorResponseType)', 'pct(responseLatency, 50)', 'pct(responseLatency, 99)', 'avg(responseLatency)', 'max(responseLatency)', 'min(responseLatency)', 'sum(responseLatency)']);
  const byRoute = new Map<string, Array<Record<string, string>>>();
  for (const l of lines()) byRoute.set(`${l.httpMethod} ${l.resourcePath}`, [...(byRoute.get(`${l.httpMethod} ${l.resourcePath}`) ?? []), l]);
  assert.equal(r.rows.length, byRoute.size);
  assert.ok(byRoute.size >= 3, 'the three orders-api routes had traffic');
  for (const row of r.rows) {
    const ls = byRoute.get(`${row.httpMethod} ${row.resourcePath}`)!;
    const lat = ls.map((l) => Number(l.responseLatency));
    assert.equal(row['count(*)'], String(ls.length));
    assert.equal(row['count(errorResponseType)'], String(ls.filter((l) => l.errorResponseType !== undefined).length));
    assert.equal(row['pct(responseLatency, 50)'], String(nearestRank(lat, 50)));
    assert.equal(row['pct(responseLatency, 99)'], String(nearestRank(lat, 99)));
    assert.equal(row['max(responseLatency)'], String(Math.max(...lat)));
    assert.equal(row['min(responseLatency)'], String(Math.min(...lat)));
    assert.equal(row['sum(responseLatency)'], String(lat.reduce((a, b) => a + b, 0)));
    assert.equal(Number(row['avg(responseLatency)']), lat.reduce((a, b) => a + b, 0) / lat.length);
  }
  const reports = r.rows.find((x) => x.resourcePath === '/reports')!;
  assert.ok(Number(reports['count(errorResponseType)']) > 0, 'POST /reports timed out in the window');
});

test('aliases, then sort and limit over the aggregated rows; a filter before stats', () => {
  const r = run('filter status >= 500 | stats count(*) as n, max(responseLatency) as worst by resourcePath | sort n desc | limit 1');
  const fives = lines().filter((l) => Number(l.status) >= 500);
  const counts = new Map<string, number>();
  for (const l of fives) counts.set(l.resourcePath!, (counts.get(l.resourcePath!) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  assert.deepEqual(r.fields, ['resourcePath', 'n', 'worst']);
  assert.equal(r.rows.length, 1);
  assert.equal(r.rows[0]!.resourcePath, top[0]);
  assert.equal(r.rows[0]!.n, String(top[1]));
  assert.equal(r.matched, fives.length, 'recordsMatched counts the events that went into stats');
  const asc = run('stats count(*) as n by resourcePath | sort n asc');
  const ns = asc.rows.map((x) => Number(x.n));
  assert.deepEqual(ns, [...ns].sort((a, b) => a - b));
  assert.equal(ns.reduce((a, b) => a + b, 0), lines().length);
});

test('stats without by gives one row; rows lacking a grouping field form their own group without it', () => {
  const all = run('stats count(*) as n');
  assert.deepEqual(all.rows, [{ n: String(lines().length) }]);
  // errorResponseType is only on the 504s: the rest group together, without the field.
  const r = run('stats count(*) as n by errorResponseType');
  const timeouts = lines().filter((l) => l.errorResponseType === 'INTEGRATION_TIMEOUT').length;
  assert.deepEqual(
    r.rows.map((x) => [x.errorResponseType ?? null, Number(x.n)]).sort(),
    [[null, lines().length - timeouts], ['INTEGRATION_TIMEOUT', timeouts]].sort(),
  );
});

test('fields, filter, sort and limit still return events, newest first unless sorted', () => {
  const r = run('fields @timestamp, status, responseLatency | filter status = 504 | sort responseLatency desc | limit 3');
  assert.equal(r.aggregated, false);
  assert.deepEqual(r.fields, ['@timestamp', 'status', 'responseLatency']);
  assert.equal(r.rows.length, 3);
  assert.ok(r.rows.every((x) => x.status === '504'));
  assert.ok(Number(r.rows[0]!.responseLatency) >= Number(r.rows[2]!.responseLatency));
});

test('filter … in [list] and not in', () => {
  const ids = lines().slice(0, 3).map((l) => l.requestId!);
  const r = run(`filter requestId in [${ids.map((i) => JSON.stringify(i)).join(', ')}] | fields requestId`);
  assert.deepEqual(r.rows.map((x) => x.requestId).sort(), [...ids].sort());
  const rest = run(`filter requestId not in [${ids.map((i) => JSON.stringify(i)).join(', ')}] | stats count(*) as n`);
  assert.equal(rest.rows[0]!.n, String(lines().length - 3));
  assert.throws(() => run('filter status in 504'), (e: unknown) => e instanceof WireError && e.type === 'MalformedQueryException');
});

test('parentheses group conditions: and binds within them, or across them', () => {
  const all = lines();
  const count = (pred: (l: Record<string, string>) => boolean): number => all.filter(pred).length;
  const grouped = run('filter httpMethod = "POST" and (status = "504" or status = "201") | limit 10000');
  assert.equal(grouped.rows.length, count((l) => l.httpMethod === 'POST' && (l.status === '504' || l.status === '201')));
  // Without the parentheses, `and` binds first: every 201 (all POSTs) or a POST 504.
  const flat = run('filter httpMethod = "GET" and status = "504" or status = "201" | limit 10000');
  assert.equal(flat.rows.length, count((l) => (l.httpMethod === 'GET' && l.status === '504') || l.status === '201'));
  const nested = run('filter ((status = "504") and (httpMethod = "POST" or httpMethod = "GET")) | limit 10000');
  assert.equal(nested.rows.length, count((l) => l.status === '504'));
  assert.ok(nested.rows.length > 0 && grouped.rows.length > nested.rows.length - 1);
  for (const bad of ['filter (status = "504"', 'filter status = "504")', 'filter ()']) assert.throws(() => run(bad), (e: unknown) => e instanceof WireError && e.type === 'MalformedQueryException', bad);
});

test('a field in backticks is a field', () => {
  const r = run('stats count(*) as n by `resourcePath`');
  assert.deepEqual(r.fields, ['resourcePath', 'n']);
  assert.equal(r.rows.length, new Set(lines().map((l) => l.resourcePath)).size);
});

test('malformed queries fail with MalformedQueryException, before any event is read', () => {
  const malformed = (q: string): void =>
    assert.throws(() => run(q), (e: unknown) => e instanceof WireError && e.type === 'MalformedQueryException', q);
  malformed('stats median(responseLatency) by resourcePath');
  malformed('stats count(*) by bin(5m)');
  malformed('stats pct(responseLatency, 120)');
  malformed('stats pct(responseLatency)');
  malformed('filter status = "504');
  malformed('stats count(*) | stats count(*)');
  malformed('limit many');
  malformed('parse @message "* *" as a, b');
  assert.throws(() => run(`filter status = ${'9'.repeat(10_001)}`), (e: unknown) => e instanceof WireError && e.type === 'InvalidParameterException', 'queries over 10 000 characters');
  // Text that would make a backtracking pattern run long is refused in one pass.
  malformed(`filter ${' '.repeat(9000)}status`);
  malformed(`stats count(${'('.repeat(4000)}`);
});
