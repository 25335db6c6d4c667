// CloudWatch Logs over the scenario (awsJson1_1): DescribeLogGroups, FilterLogEvents (plain
// terms and quoted phrases; pages that scan a slice of time, so an empty page can still carry a
// nextToken, as the real service does), GetLogEvents, and Logs Insights (StartQuery →
// GetQueryResults → StopQuery) with a small interpreter of the queries Timeout Lens issues.
import { randomUUID } from 'node:crypto';
import type { LogEvent } from './records';
import type { ScenarioStore } from './store';
import { ACCOUNT_ID, REGION } from './scenario';
import { WireError, invalid, ok, type Reply } from './wire';

const SLICE_MS = 10 * 60_000;
const PAGE_LIMIT = 1000;

function groupExists(store: ScenarioStore, name: unknown): string {
  if (typeof name !== 'string' || !store.logGroups().includes(name)) {
    throw new WireError('ResourceNotFoundException', 400, 'The specified log group does not exist.');
  }
  return name;
}

export function describeLogGroups(store: ScenarioStore, input: Record<string, unknown>): Reply {
  const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
  const groups = store.logGroups().filter((g) => g.startsWith(prefix));
  return ok({
    logGroups: groups.map((g) => ({
      logGroupName: g,
      creationTime: Date.UTC(2025, 0, 15),
      retentionInDays: 30,
      storedBytes: 0,
      arn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${g}:*`,
      logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${g}`,
      logGroupClass: 'STANDARD',
    })),
  });
}

/** CloudWatch filter patterns, the subset of plain terms and "quoted phrases" (all must match). */
export function compilePattern(pattern: string): (message: string) => boolean {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const m of pattern.matchAll(re)) terms.push(m[1] ?? m[2]!);
  return (msg) => terms.every((t) => msg.includes(t));
}

/**
 * An event's id, as stable as CloudWatch's: the same event has the same id whatever window or
 * page it is read in (Live Updates tells events it has already counted by it): its time, then
 * 20 digits of a hash of its stream and message.
 */
function eventId(e: LogEvent): string {
  // Two 32-bit FNV-1a hashes with different offsets: 64 bits without BigInt's cost per character.
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  const text = `${e.stream}\n${e.message}`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return `${e.timestamp}${(a >>> 0).toString().padStart(10, '0')}${(b >>> 0).toString().padStart(10, '0')}`;
}

export function filterLogEvents(store: ScenarioStore, input: Record<string, unknown>): Reply {
  const group = groupExists(store, input.logGroupName);
  const now = store.now();
  const start = typeof input.startTime === 'number' ? input.startTime : store.retentionStart();
  const end = typeof input.endTime === 'number' ? Math.min(input.endTime, now) : now;
  const limit = typeof input.limit === 'number' ? Math.min(input.limit, 10_000) : PAGE_LIMIT;
  const match = compilePattern(typeof input.filterPattern === 'string' ? input.filterPattern : '');
  const streams = Array.isArray(input.logStreamNames) ? new Set(input.logStreamNames as string[]) : undefined;
  // The token holds where the scan stopped: a time and how many events at it were already sent.
  let cursor = start;
  let skip = 0;
  if (typeof input.nextToken === 'string') {
    const [t, k] = Buffer.from(input.nextToken, 'base64url').toString('utf8').split(':').map(Number);
    if (!Number.isFinite(t) || !Number.isFinite(k)) throw invalid('The specified nextToken is not valid.', 'InvalidParameterException');
    cursor = t!;
    skip = k!;
  }
  const sliceEnd = Math.min(end, cursor + SLICE_MS);
  const events = store.logEvents(group, cursor, sliceEnd).filter((e) => match(e.message) && (!streams || streams.has(e.stream)));
  const page = events.slice(skip, skip + limit);
  const body: Record<string, unknown> = {
    events: page.map((e) => ({ logStreamName: e.stream, timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp + 120, eventId: eventId(e) })),
    searchedLogStreams: [],
  };
  if (skip + limit < events.length) body.nextToken = Buffer.from(`${cursor}:${skip + limit}`).toString('base64url');
  else if (sliceEnd < end) body.nextToken = Buffer.from(`${sliceEnd + 1}:0`).toString('base64url');
  return ok(body);
}

export function getLogEvents(store: ScenarioStore, input: Record<string, unknown>): Reply {
  const group = groupExists(store, input.logGroupName);
  const stream = input.logStreamName;
  if (typeof stream !== 'string') throw invalid('logStreamName is required.', 'InvalidParameterException');
  const now = store.now();
  const start = typeof input.startTime === 'number' ? input.startTime : now - 3600_000;
  const end = typeof input.endTime === 'number' ? input.endTime : now;
  const events = store.logEvents(group, start, end).filter((e) => e.stream === stream);
  const limit = typeof input.limit === 'number' ? input.limit : 10_000;
  const fromHead = input.startFromHead === true;
  const page = fromHead ? events.slice(0, limit) : events.slice(-limit);
  return ok({
    events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp + 120 })),
    nextForwardToken: `f/${end}`,
    nextBackwardToken: `b/${start}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Logs Insights

type Row = Record<string, string>;

/** The fields Logs Insights discovers for a Lambda or API Gateway log event. */
export function discoverFields(e: LogEvent, group: string): Row {
  const row: Row = {
    '@timestamp': new Date(e.timestamp).toISOString().replace('T', ' ').replace('Z', ''),
    '@message': e.message,
    '@logStream': e.stream,
    '@log': `${ACCOUNT_ID}:${group}`,
    '@ingestionTime': String(e.timestamp + 120),
  };
  const m = e.message;
  const type = /^(INIT_START|START|END|REPORT|INIT_REPORT)\b/.exec(m)?.[1];
  if (type) row['@type'] = type;
  const rid = /RequestId: ([0-9a-f-]{36})/.exec(m)?.[1] ?? /^\S+\t([0-9a-f-]{36})\t/.exec(m)?.[1];
  if (rid) row['@requestId'] = rid;
  if (type === 'REPORT') {
    const num = (label: string): string | undefined => new RegExp(`${label}: ([\\d.]+)`).exec(m)?.[1];
    const set = (k: string, v: string | undefined): void => {
      if (v !== undefined) row[k] = v;
    };
    set('@duration', num('Duration'));
    set('@billedDuration', num('Billed Duration'));
    set('@memorySize', num('Memory Size') !== undefined ? String(Number(num('Memory Size')) * 1_000_000) : undefined);
    set('@maxMemoryUsed', num('Max Memory Used') !== undefined ? String(Number(num('Max Memory Used')) * 1_000_000) : undefined);
    set('@initDuration', num('Init Duration'));
    set('@xrayTraceId', /TraceId: (\S+)/.exec(m)?.[1]);
    set('@xraySegmentId', /SegmentId: (\S+)/.exec(m)?.[1]);
  }
  if (m.startsWith('{')) {
    try {
      const j = JSON.parse(m) as Record<string, unknown>;
      for (const [k, v] of Object.entries(j)) if (v !== null && typeof v !== 'object') row[k] = String(v);
    } catch {
      // not JSON after all
    }
  }
  return row;
}

type Cond = (r: Row) => boolean;

function parseValue(s: string): string | number | RegExp {
  const t = s.trim();
  if (/^".*"$/.test(t) || /^'.*'$/.test(t)) return t.slice(1, -1);
  const re = /^\/(.*)\/([i]*)$/.exec(t);
  if (re) return new RegExp(re[1]!, re[2]);
  const n = Number(t);
  if (t !== '' && Number.isFinite(n)) return n;
  throw invalid(`Unexpected value ${t} in the query.`, 'MalformedQueryException');
}

function parseCondition(text: string): Cond {
  const ors = text.split(/\s+or\s+/i);
  if (ors.length > 1) {
    const cs = ors.map(parseCondition);
    return (r) => cs.some((c) => c(r));
  }
  const ands = text.split(/\s+and\s+/i);
  if (ands.length > 1) {
    const cs = ands.map(parseCondition);
    return (r) => cs.every((c) => c(r));
  }
  const m = /^\s*(not\s+)?([@\w.]+)\s*(=|!=|>=|<=|>|<|\blike\b|\bnot like\b)\s*(.+?)\s*$/i.exec(text);
  if (!m) throw invalid(`Cannot parse the filter "${text.trim()}".`, 'MalformedQueryException');
  const [, not, field, opRaw, valueText] = m;
  const op = opRaw!.toLowerCase();
  const value = parseValue(valueText!);
  const test = (r: Row): boolean => {
    const v = r[field!];
    if (v === undefined) return false;
    if (op === 'like' || op === 'not like') {
      const hit = value instanceof RegExp ? value.test(v) : v.includes(String(value));
      return op === 'like' ? hit : !hit;
    }
    if (typeof value === 'number') {
      const n = Number(v);
      return op === '=' ? n === value : op === '!=' ? n !== value : op === '>' ? n > value : op === '>=' ? n >= value : op === '<' ? n < value : n <= value;
    }
    const s = String(value);
    return op === '=' ? v === s : op === '!=' ? v !== s : op === '>' ? v > s : op === '>=' ? v >= s : op === '<' ? v < s : v <= s;
  };
  return not ? (r) => !test(r) : test;
}

interface Query {
  status: 'Running' | 'Complete' | 'Cancelled';
  rows: Row[];
  fields: string[] | null;
  polls: number;
  scanned: number;
  bytes: number;
}

const queries = new Map<string, Query>();

/** Runs a query: `fields`, `filter`, `sort … asc|desc`, `limit N`, joined by `|`. */
export function runQuery(store: ScenarioStore, groups: string[], startMs: number, endMs: number, text: string, maxRows: number): Omit<Query, 'status' | 'polls'> {
  let rows: Row[] = [];
  let scanned = 0;
  let bytes = 0;
  for (const g of groups) {
    for (const e of store.logEvents(g, startMs, endMs)) {
      scanned++;
      bytes += e.message.length;
      rows.push(discoverFields(e, g));
    }
  }
  let fields: string[] | null = null;
  let limit = maxRows;
  let sorted = false;
  for (const raw of text.split('|').map((s) => s.trim()).filter(Boolean)) {
    const [cmd, ...restWords] = raw.split(/\s+/);
    const rest = raw.slice(cmd!.length).trim();
    switch (cmd!.toLowerCase()) {
      case 'fields':
      case 'display':
        fields = rest.split(',').map((f) => f.trim()).filter(Boolean);
        break;
      case 'filter': {
        const c = parseCondition(rest);
        rows = rows.filter(c);
        break;
      }
      case 'sort': {
        const [field, dir] = [restWords[0]!, (restWords[1] ?? 'asc').toLowerCase()];
        const num = rows.every((r) => r[field] === undefined || Number.isFinite(Number(r[field])));
        rows.sort((a, b) => {
          const x = a[field] ?? '';
          const y = b[field] ?? '';
          const c = num && field !== '@timestamp' ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
          return dir === 'desc' ? -c : c;
        });
        sorted = true;
        break;
      }
      case 'limit':
        limit = Math.min(maxRows, Number(rest) || maxRows);
        break;
      default:
        throw invalid(`The sample account does not run "${cmd}" in Logs Insights queries (it runs fields, filter, sort and limit).`, 'MalformedQueryException');
    }
  }
  if (!sorted) rows.sort((a, b) => (a['@timestamp']! < b['@timestamp']! ? 1 : -1));
  rows = rows.slice(0, limit);
  return { rows, fields, scanned, bytes };
}

export function startQuery(store: ScenarioStore, input: Record<string, unknown>): Reply {
  const groups = [
    ...(typeof input.logGroupName === 'string' ? [input.logGroupName] : []),
    ...(Array.isArray(input.logGroupNames) ? (input.logGroupNames as string[]) : []),
  ];
  if (!groups.length) throw invalid('logGroupName or logGroupNames is required.', 'InvalidParameterException');
  for (const g of groups) groupExists(store, g);
  const start = typeof input.startTime === 'number' ? input.startTime * 1000 : NaN;
  const end = typeof input.endTime === 'number' ? input.endTime * 1000 : NaN;
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw invalid('startTime and endTime are required (epoch seconds).', 'InvalidParameterException');
  if (typeof input.queryString !== 'string') throw invalid('queryString is required.', 'InvalidParameterException');
  const maxRows = Math.min(typeof input.limit === 'number' ? input.limit : 10_000, 10_000);
  const result = runQuery(store, groups, start, end, input.queryString, maxRows);
  const id = randomUUID();
  queries.set(id, { ...result, status: 'Running', polls: 0 });
  if (queries.size > 50) queries.delete(queries.keys().next().value as string);
  return ok({ queryId: id });
}

export function getQueryResults(input: Record<string, unknown>): Reply {
  const q = typeof input.queryId === 'string' ? queries.get(input.queryId) : undefined;
  if (!q) throw new WireError('ResourceNotFoundException', 400, 'The specified query could not be found.');
  // Like the service: the first poll finds it still running.
  if (q.status === 'Running' && q.polls++ >= 1) q.status = 'Complete';
  const rows = q.status === 'Complete' ? q.rows : [];
  const results = rows.map((r) => {
    const keys = q.fields ?? Object.keys(r);
    return [...keys.filter((k) => r[k] !== undefined).map((k) => ({ field: k, value: r[k]! })), ...(r['@ptr'] ? [] : [{ field: '@ptr', value: Buffer.from(r['@timestamp']! + r['@logStream']!).toString('base64') }])];
  });
  return ok({
    status: q.status,
    results,
    statistics: { recordsMatched: q.rows.length, recordsScanned: q.scanned, bytesScanned: q.bytes },
  });
}

export function stopQuery(input: Record<string, unknown>): Reply {
  const q = typeof input.queryId === 'string' ? queries.get(input.queryId) : undefined;
  if (!q) throw new WireError('ResourceNotFoundException', 400, 'The specified query could not be found.');
  const running = q.status === 'Running';
  if (running) q.status = 'Cancelled';
  return ok({ success: running });
}
