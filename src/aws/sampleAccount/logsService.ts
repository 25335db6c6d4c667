// CloudWatch Logs over the scenario (awsJson1_1): DescribeLogGroups, FilterLogEvents (plain
// terms and quoted phrases; pages that scan a slice of time, so an empty page can still carry a
// nextToken, as the real service does), GetLogEvents, and Logs Insights (StartQuery →
// GetQueryResults → StopQuery) with a small interpreter of the query language: fields, filter
// (comparisons, like, in, and/or/not, parentheses), stats (count, pct, avg, max, min, sum, by),
// sort and limit. With Transaction Search on, `aws/spans` holds span records as JSON, their
// attributes flattened as Logs Insights names them (`attributes.http.response.status_code`).
import { randomUUID } from 'node:crypto';
import type { LogEvent } from './records';
import type { ScenarioStore } from './store';
import { ACCOUNT_ID, REGION } from './scenario';
import { WireError, invalid, ok, pageToken, readToken, type Reply } from './wire';
import { validate } from './constraints';
import { LOGS_SHAPES, START_QUERY_MAX_GROUPS } from './requestLimits';

const SLICE_MS = 10 * 60_000;
const PAGE_LIMIT = 1000;

/** A log group's ARN, as `logGroupIdentifier` takes it (without the `:*` the older `arn` field has). */
const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:([^:*]+)$/;

function groupExists(store: ScenarioStore, name: unknown): string {
  const group = typeof name === 'string' ? (LOG_GROUP_ARN.exec(name)?.[1] ?? name) : undefined;
  if (group === undefined || !store.logGroups().includes(group)) {
    throw new WireError('ResourceNotFoundException', 400, 'The specified log group does not exist.');
  }
  return group;
}

/** The one log group of a call that takes `logGroupName` or `logGroupIdentifier` (a name or an ARN), never both. */
function oneGroup(store: ScenarioStore, input: Record<string, unknown>): string {
  const byName = input.logGroupName !== undefined;
  const byIdentifier = input.logGroupIdentifier !== undefined;
  if (byName === byIdentifier) throw invalid('Specify either logGroupName or logGroupIdentifier, but not both.', 'InvalidParameterException');
  return groupExists(store, byName ? input.logGroupName : input.logGroupIdentifier);
}

/** DescribeLogGroups pages of at most `limit` (1–50, default 50), as the service pages them. */
const DESCRIBE_PAGE = 50;

export function describeLogGroups(store: ScenarioStore, input: Record<string, unknown>): Reply {
  validate('logs', input, LOGS_SHAPES.DescribeLogGroups);
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
    throw invalid('logGroupNamePrefix and logGroupNamePattern are mutually exclusive: pass only one of them.', 'InvalidParameterException');
  }
  const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
  const pattern = typeof input.logGroupNamePattern === 'string' ? input.logGroupNamePattern : '';
  const all = store.logGroups().filter((g) => g.startsWith(prefix) && g.includes(pattern));
  const limit = typeof input.limit === 'number' ? input.limit : DESCRIBE_PAGE;
  const offset = readToken(input.nextToken, 'InvalidParameterException');
  const groups = all.slice(offset, offset + limit);
  return ok({
    ...(offset + limit < all.length ? { nextToken: pageToken(offset + limit) } : {}),
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
  validate('logs', input, LOGS_SHAPES.FilterLogEvents);
  const group = oneGroup(store, input);
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw invalid('logStreamNames and logStreamNamePrefix cannot both be specified.', 'InvalidParameterException');
  }
  const now = store.now();
  const start = typeof input.startTime === 'number' ? input.startTime : store.retentionStart();
  const end = typeof input.endTime === 'number' ? Math.min(input.endTime, now) : now;
  const limit = typeof input.limit === 'number' ? input.limit : PAGE_LIMIT;
  const match = compilePattern(typeof input.filterPattern === 'string' ? input.filterPattern : '');
  const names = Array.isArray(input.logStreamNames) ? new Set(input.logStreamNames as string[]) : undefined;
  const prefix = typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : undefined;
  const streams = names ?? (prefix !== undefined ? { has: (s: string): boolean => s.startsWith(prefix) } : undefined);
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
  validate('logs', input, LOGS_SHAPES.GetLogEvents);
  const group = oneGroup(store, input);
  const stream = input.logStreamName as string;
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

/** JSON fields as Logs Insights names them: nested objects flattened with dots (`integration.latency`). */
function flattenJson(o: Record<string, unknown>, prefix: string, row: Row, depth: number): void {
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') {
      if (!Array.isArray(v) && depth < 4) flattenJson(v as Record<string, unknown>, `${prefix}${k}.`, row, depth + 1);
    } else row[`${prefix}${k}`] = String(v);
  }
}

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
      const j: unknown = JSON.parse(m);
      if (j && typeof j === 'object' && !Array.isArray(j)) flattenJson(j as Record<string, unknown>, '', row, 0);
    } catch {
      // not JSON after all
    }
  }
  return row;
}

/** The longest query text the service takes (StartQuery's queryString is at most 10 000 characters). */
const MAX_QUERY_CHARS = 10_000;

const malformed = (message: string): WireError => invalid(message, 'MalformedQueryException');

/**
 * Splits `text` wherever `sepAt(i)` finds a separator (returning its length, or 0) outside quotes
 * and the brackets in `open`/`close`, in one pass (the query text comes from whoever calls
 * StartQuery: no step may backtrack over it).
 */
function splitOutside(text: string, open: string, close: string, sepAt: (i: number) => number): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (open.includes(c)) depth++;
    else if (close.includes(c)) depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      const len = sepAt(i);
      if (len > 0) {
        out.push(text.slice(from, i));
        from = i + len;
        i = from - 1;
      }
    }
  }
  if (quote) throw malformed('A quote in the query is not closed.');
  out.push(text.slice(from));
  return out;
}

/** Splits `text` at `sep` outside quotes and parentheses. */
function splitTopLevel(text: string, sep: string): string[] {
  return splitOutside(text, '(', ')', (i) => (text[i] === sep ? 1 : 0));
}

/** A field name as written: `status`, `@duration`, `integration.latency`, or `` `odd name` ``. */
function fieldName(text: string): string {
  const t = text.trim();
  if (t.length > 1 && t.startsWith('`') && t.endsWith('`')) return t.slice(1, -1);
  if (!/^@?[\w.$-]+$/.test(t)) throw malformed(`"${t.slice(0, 80)}" is not a field name.`);
  return t;
}

type Cond = (r: Row) => boolean;

function parseValue(s: string): string | number | RegExp {
  const t = s.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1);
  if (t.length >= 2 && t.startsWith('/')) {
    const end = t.lastIndexOf('/');
    const flags = t.slice(end + 1);
    if (end > 0 && /^i?$/.test(flags)) return new RegExp(t.slice(1, end), flags);
  }
  const n = Number(t);
  if (t !== '' && Number.isFinite(n)) return n;
  throw malformed(`Unexpected value ${t.slice(0, 80)} in the query.`);
}

const COMPARISON = /^(not\s+)?(`[^`]*`|@?[\w.$-]+)\s*(!=|>=|<=|=|>|<|not\s+like\b|like\b|not\s+in\b|in\b)/i;

/**
 * Splits a condition at the boolean operator `word` (`or`, `and`) where it stands outside quotes,
 * parentheses and brackets: `a and (b or c)` is split at `and` only.
 */
function splitAtWord(text: string, word: 'or' | 'and'): string[] {
  return splitOutside(text, '([', ')]', (i) =>
    /\s/.test(text[i]!) && text.slice(i + 1, i + 1 + word.length).toLowerCase() === word && /\s/.test(text[i + 1 + word.length] ?? '') ? 1 + word.length : 0,
  );
}

/** `(…)` around the whole text, when the opening parenthesis is closed only at its end. */
function unwrapParens(t: string): string | undefined {
  if (!t.startsWith('(') || !t.endsWith(')')) return undefined;
  let depth = 0;
  let quote = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && i < t.length - 1) return undefined;
  }
  return depth === 0 ? t.slice(1, -1) : undefined;
}

function parseCondition(text: string): Cond {
  const ors = splitAtWord(text, 'or');
  if (ors.length > 1) {
    const cs = ors.map(parseCondition);
    return (r) => cs.some((c) => c(r));
  }
  const ands = splitAtWord(text, 'and');
  if (ands.length > 1) {
    const cs = ands.map(parseCondition);
    return (r) => cs.every((c) => c(r));
  }
  // Trimmed first, so the value is the rest of the text: no pattern runs to the end and back.
  const t = text.trim();
  const inner = unwrapParens(t);
  if (inner !== undefined) {
    if (!inner.trim()) throw malformed('Empty parentheses in the filter.');
    return parseCondition(inner);
  }
  const m = COMPARISON.exec(t);
  if (!m) throw malformed(`Cannot parse the filter "${t.slice(0, 80)}".`);
  const not = !!m[1];
  const field = fieldName(m[2]!);
  const op = m[3]!.toLowerCase().replace(/\s+/g, ' ');
  const rest = t.slice(m[0].length).trim();
  if (op === 'in' || op === 'not in') {
    // `field in ["a", "b", 3]`: set membership (as strings; numbers written as numbers match their text).
    if (!rest.startsWith('[') || !rest.endsWith(']')) throw malformed(`"${op}" takes a list in brackets: ${field} ${op} ["a", "b"].`);
    const inner = rest.slice(1, -1).trim();
    const members = new Set(inner ? splitTopLevel(inner, ',').map((x) => String(parseValue(x))) : []);
    const member = (r: Row): boolean => r[field] !== undefined && members.has(r[field]!);
    const pass = op === 'in' ? member : (r: Row): boolean => r[field] !== undefined && !member(r);
    return not ? (r) => !pass(r) : pass;
  }
  const value = parseValue(rest);
  const test = (r: Row): boolean => {
    const v = r[field];
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

/** A number as Logs Insights reads a field for arithmetic: undefined when it is not one. */
function numeric(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

interface Aggregate {
  /** The result's field: the alias, else the expression as written (as the service names it). */
  name: string;
  fn: 'count' | 'pct' | 'avg' | 'max' | 'min' | 'sum';
  /** undefined for count(*). */
  field: string | undefined;
  percent: number;
}

const AGGREGATE = /^(count|pct|avg|max|min|sum)\s*\(([^()]*)\)(?:\s+as\s+(`[^`]*`|[@\w.$-]+))?$/i;

function parseAggregate(text: string): Aggregate {
  const t = text.trim();
  const m = AGGREGATE.exec(t);
  if (!m) throw malformed(`The sample account's stats takes count, pct, avg, max, min and sum ("count(*)", "pct(field, 99) as p99"); it cannot run "${t.slice(0, 80)}".`);
  const fn = m[1]!.toLowerCase() as Aggregate['fn'];
  const args = m[2]!.split(',').map((a) => a.trim());
  const name = m[3] ? fieldName(m[3]) : t;
  if (fn === 'count') {
    if (args.length !== 1) throw malformed('count takes one argument: count(*) or count(field).');
    return { name, fn, field: args[0] === '*' || args[0] === '' ? undefined : fieldName(args[0]!), percent: 0 };
  }
  if (fn === 'pct') {
    const p = Number(args[1]);
    if (args.length !== 2 || !(p >= 0 && p <= 100)) throw malformed('pct takes a field and a percent from 0 to 100: pct(field, 99).');
    return { name, fn, field: fieldName(args[0]!), percent: p };
  }
  if (args.length !== 1 || args[0] === '*') throw malformed(`${fn} takes one field: ${fn}(field).`);
  return { name, fn, field: fieldName(args[0]!), percent: 0 };
}

/** `stats agg [as alias], … [by f1, f2]` → the aggregates and the grouping fields. */
function parseStats(rest: string): { aggregates: Aggregate[]; by: string[] } {
  // ` by ` outside parentheses and quotes ends the aggregates: found in the same single pass.
  let depth = 0;
  let quote = '';
  let at = -1;
  for (let i = 0; i < rest.length && at < 0; i++) {
    const c = rest[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && (c === 'b' || c === 'B') && /\s/.test(rest[i - 1] ?? '') && /^by\s/i.test(rest.slice(i, i + 3))) at = i;
  }
  const aggText = at < 0 ? rest : rest.slice(0, at);
  const aggregates = splitTopLevel(aggText, ',').map(parseAggregate);
  const by = at < 0 ? [] : splitTopLevel(rest.slice(at + 2), ',').map((f) => {
    if (/^\s*bin\s*\(/i.test(f)) throw malformed('The sample account\'s stats groups by fields, not by bin().');
    return fieldName(f);
  });
  return { aggregates, by };
}

/**
 * The value of one aggregate over a group's rows, as the service writes it (a string).
 * pct is the nearest rank: the value at rank ceil(p/100 × n) of the sorted numeric values, the
 * definition Timeout Lens's own engine uses (LatencyHistogram). AWS documents pct(@duration, 95)
 * only as "the value at which 95 percent of the values are lower and 5 percent higher", without
 * saying which rank it takes when p × n is whole or whether it interpolates: against AWS itself a
 * percentile may differ from this one by a rank.
 */
function aggregateValue(a: Aggregate, rows: Row[]): string | undefined {
  if (a.fn === 'count') return String(a.field === undefined ? rows.length : rows.reduce((n, r) => n + (r[a.field!] !== undefined ? 1 : 0), 0));
  const values: number[] = [];
  for (const r of rows) {
    const n = numeric(r[a.field!]);
    if (n !== undefined) values.push(n);
  }
  if (!values.length) return a.fn === 'sum' ? '0' : undefined;
  switch (a.fn) {
    case 'sum':
      return String(values.reduce((x, y) => x + y, 0));
    case 'avg':
      return String(values.reduce((x, y) => x + y, 0) / values.length);
    case 'max':
      return String(values.reduce((x, y) => (y > x ? y : x)));
    case 'min':
      return String(values.reduce((x, y) => (y < x ? y : x)));
    case 'pct': {
      values.sort((x, y) => x - y);
      const rank = Math.max(1, Math.ceil((a.percent / 100) * values.length));
      return String(values[rank - 1]);
    }
  }
}

function runStats(rows: Row[], spec: { aggregates: Aggregate[]; by: string[] }): Row[] {
  // Groups in order of first appearance; a row without a grouping field is grouped with the
  // others that lack it, and that field is left out of the group's result row.
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify(spec.by.map((f) => r[f] ?? null));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  if (!groups.size && !spec.by.length) groups.set('[]', []);
  const out: Row[] = [];
  for (const g of groups.values()) {
    const row: Row = {};
    for (const f of spec.by) if (g[0]?.[f] !== undefined) row[f] = g[0][f]!;
    for (const a of spec.aggregates) {
      const v = aggregateValue(a, g);
      if (v !== undefined) row[a.name] = v;
    }
    out.push(row);
  }
  return out;
}

interface Query {
  status: 'Running' | 'Complete' | 'Cancelled';
  rows: Row[];
  fields: string[] | null;
  /** A stats query's rows are aggregates: no @ptr, as the service returns them. */
  aggregated: boolean;
  polls: number;
  scanned: number;
  matched: number;
  bytes: number;
}

const queries = new Map<string, Query>();
/** The most queries running at once since the last reset (tests check the client's bound on it). */
let peakRunning = 0;

/** How many Logs Insights queries ran at once at most, since `resetQueryPeak`. */
export function queryPeak(): number {
  return peakRunning;
}

/** Forgets the peak; queries still running (abandoned by their client) stop counting. */
export function resetQueryPeak(): void {
  for (const q of queries.values()) if (q.status === 'Running') q.status = 'Cancelled';
  peakRunning = 0;
}

/**
 * Runs a query: `fields`/`display`, `filter`, `stats` (count, pct, avg, max, min, sum, `as`,
 * `by`), `sort … asc|desc`, `limit N`, joined by `|`; commands after `stats` work on its rows.
 */
export function runQuery(store: ScenarioStore, groups: string[], startMs: number, endMs: number, text: string, maxRows: number): Omit<Query, 'status' | 'polls'> {
  if (text.length > MAX_QUERY_CHARS) throw invalid(`The query is longer than ${MAX_QUERY_CHARS} characters.`, 'InvalidParameterException');
  // Parsed whole before any event is read: a malformed query fails at StartQuery, as it does in AWS.
  type Step = { kind: 'fields'; fields: string[] } | { kind: 'filter'; cond: Cond } | { kind: 'stats'; spec: ReturnType<typeof parseStats> } | { kind: 'sort'; field: string; desc: boolean } | { kind: 'limit'; n: number };
  const steps: Step[] = [];
  // A line that starts with `#` is a comment, as in Logs Insights.
  const code = text.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n');
  for (const raw of splitTopLevel(code, '|').map((s) => s.trim()).filter(Boolean)) {
    const cmd = /^\S+/.exec(raw)![0];
    const rest = raw.slice(cmd.length).trim();
    switch (cmd.toLowerCase()) {
      case 'fields':
      case 'display':
        steps.push({ kind: 'fields', fields: splitTopLevel(rest, ',').map(fieldName) });
        break;
      case 'filter':
        steps.push({ kind: 'filter', cond: parseCondition(rest) });
        break;
      case 'stats':
        if (steps.some((s) => s.kind === 'stats')) throw malformed('The sample account runs one stats command per query.');
        steps.push({ kind: 'stats', spec: parseStats(rest) });
        break;
      case 'sort': {
        const m = /^(`[^`]*`|@?[\w.$-]+)(?:\s+(asc|desc))?$/i.exec(rest);
        if (!m) throw malformed(`Cannot parse "sort ${rest.slice(0, 80)}" (one field, then asc or desc).`);
        steps.push({ kind: 'sort', field: fieldName(m[1]!), desc: (m[2] ?? 'asc').toLowerCase() === 'desc' });
        break;
      }
      case 'limit': {
        const n = Number(rest);
        if (!Number.isInteger(n) || n < 1) throw malformed(`limit takes a positive whole number, not "${rest.slice(0, 80)}".`);
        steps.push({ kind: 'limit', n });
        break;
      }
      default:
        throw malformed(`The sample account does not run "${cmd.slice(0, 40)}" in Logs Insights queries (it runs fields, display, filter, stats, sort and limit).`);
    }
  }
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
  let aggregated = false;
  let matched = 0;
  for (const step of steps) {
    switch (step.kind) {
      case 'fields':
        if (!aggregated) fields = step.fields;
        break;
      case 'filter':
        rows = rows.filter(step.cond);
        break;
      case 'stats':
        matched = rows.length;
        rows = runStats(rows, step.spec);
        fields = [...step.spec.by, ...step.spec.aggregates.map((a) => a.name)];
        aggregated = true;
        break;
      case 'sort': {
        const field = step.field;
        const num = rows.every((r) => r[field] === undefined || numeric(r[field]) !== undefined);
        rows.sort((a, b) => {
          const x = a[field] ?? '';
          const y = b[field] ?? '';
          const c = num && field !== '@timestamp' ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
          return step.desc ? -c : c;
        });
        sorted = true;
        break;
      }
      case 'limit':
        limit = Math.min(maxRows, step.n);
        break;
    }
  }
  // Events come newest first unless sorted; aggregated rows in the order their groups appeared.
  if (!sorted && !aggregated) rows.sort((a, b) => (a['@timestamp']! < b['@timestamp']! ? 1 : -1));
  if (!aggregated) matched = rows.length;
  rows = rows.slice(0, limit);
  return { rows, fields, aggregated, scanned, matched, bytes };
}

/** StartQuery's `limit` when none is given. */
const QUERY_DEFAULT_LIMIT = 10_000;

export function startQuery(store: ScenarioStore, input: Record<string, unknown>): Reply {
  validate('logs', input, LOGS_SHAPES.StartQuery);
  const given = (['logGroupName', 'logGroupNames', 'logGroupIdentifiers'] as const).filter((k) => input[k] !== undefined);
  if (given.length !== 1) throw invalid('Specify exactly one of logGroupName, logGroupNames and logGroupIdentifiers.', 'InvalidParameterException');
  const named = input[given[0]!];
  const names = typeof named === 'string' ? [named] : (named as string[]);
  if (!names.length) throw invalid(`${given[0]} must name at least one log group.`, 'InvalidParameterException');
  if (names.length > START_QUERY_MAX_GROUPS) throw invalid(`A query can include up to ${START_QUERY_MAX_GROUPS} log groups; ${names.length} were given.`, 'InvalidParameterException');
  const groups = names.map((g) => groupExists(store, g));
  const start = (input.startTime as number) * 1000;
  const end = (input.endTime as number) * 1000;
  if (end < start) throw invalid('endTime must be greater than or equal to startTime.', 'InvalidParameterException');
  const maxRows = typeof input.limit === 'number' ? input.limit : QUERY_DEFAULT_LIMIT;
  const result = runQuery(store, groups, start, end, input.queryString as string, maxRows);
  const id = randomUUID();
  queries.set(id, { ...result, status: 'Running', polls: 0 });
  let running = 0;
  for (const q of queries.values()) if (q.status === 'Running') running++;
  peakRunning = Math.max(peakRunning, running);
  if (queries.size > 50) queries.delete(queries.keys().next().value as string);
  return ok({ queryId: id });
}

export function getQueryResults(input: Record<string, unknown>): Reply {
  validate('logs', input, LOGS_SHAPES.GetQueryResults);
  const q = typeof input.queryId === 'string' ? queries.get(input.queryId) : undefined;
  if (!q) throw new WireError('ResourceNotFoundException', 400, 'The specified query could not be found.');
  // Like the service: the first poll finds it still running.
  if (q.status === 'Running' && q.polls++ >= 1) q.status = 'Complete';
  const rows = q.status === 'Complete' ? q.rows : [];
  const results = rows.map((r) => {
    const keys = q.fields ?? Object.keys(r);
    const cells = keys.filter((k) => r[k] !== undefined).map((k) => ({ field: k, value: r[k]! }));
    if (q.aggregated || r['@ptr']) return cells;
    return [...cells, { field: '@ptr', value: Buffer.from(r['@timestamp']! + r['@logStream']!).toString('base64') }];
  });
  return ok({
    status: q.status,
    results,
    statistics: { recordsMatched: q.matched, recordsScanned: q.scanned, bytesScanned: q.bytes },
  });
}

export function stopQuery(input: Record<string, unknown>): Reply {
  validate('logs', input, LOGS_SHAPES.StopQuery);
  const q = typeof input.queryId === 'string' ? queries.get(input.queryId) : undefined;
  if (!q) throw new WireError('ResourceNotFoundException', 400, 'The specified query could not be found.');
  const running = q.status === 'Running';
  if (running) q.status = 'Cancelled';
  return ok({ success: running });
}
