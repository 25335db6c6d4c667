// The finding catalog (ids are a public contract, REPORT_FORMAT.md) and the findings one trace
// shows. Each finding says what happened with its numbers and a fix in the user's own terms.
import type { Finding, FindingId, FindingLocation, Severity } from './report';
import type { TraceBreakdown } from './breakdown';
import { THRESHOLDS } from './thresholds';
import { sec } from './duration';
import type { ExceptionInfo, FrontDoorKind, Span, StackFrame } from './model';

interface CatalogEntry {
  severity: Severity;
  title: string;
  fix: string;
}

/** Default title, severity and fix per id; a finding may give a more specific fix. */
export const FINDING_CATALOG: Record<FindingId, CatalogEntry> = {
  'integration-timeout': {
    severity: 'high',
    title: 'API Gateway gave up: 504 at the integration timeout',
    fix:
      'Make the slow part faster (see the findings below), or answer 202 Accepted at once and hand the work to SQS, ' +
      'EventBridge or Step Functions, letting the client poll or be notified. Raising the REST API integration timeout ' +
      'above 29 s is possible for Regional and private APIs through Service Quotas, at the cost of throttle quota.',
  },
  'approaching-budget': {
    severity: 'elevated',
    title: 'Close to the integration timeout',
    fix: 'Look at the biggest part of the breakdown before it crosses the budget: the slowest downstream call, the cold start, or the handler’s own work.',
  },
  'cold-start-tipped': {
    severity: 'high',
    title: 'The cold start pushed the request over the budget',
    fix:
      'Shorten initialization (lazy-load SDK clients, trim the bundle, avoid work at import), or keep instances warm with ' +
      'provisioned concurrency; for Java, Python and .NET, SnapStart restores a snapshot instead of initializing.',
  },
  'work-after-cut': {
    severity: 'high',
    title: 'The function kept running after the client got its 504',
    fix:
      'Set the function timeout below the integration timeout (e.g. 28 s behind a 29 s REST API) so it stops when nobody waits, ' +
      'pass a deadline (context.getRemainingTimeInMillis() minus a margin) to downstream calls, and make side effects idempotent, ' +
      'since clients retry after a 504. For long work, return 202 and hand it to SQS or Step Functions.',
  },
  'slow-downstream': {
    severity: 'elevated',
    title: 'One downstream call took most of the handler time',
    fix: 'Speed up that call or take it off the request path; give it a timeout shorter than the remaining budget.',
  },
  'sequential-calls': {
    severity: 'elevated',
    title: 'Many calls to the same target, one after another',
    fix: 'Batch them into one request, or run them concurrently with Promise.all (bounded concurrency).',
  },
  'throttled-downstream': {
    severity: 'elevated',
    title: 'A downstream call was throttled or retried',
    fix:
      'Retries with backoff spend the budget: raise the target’s capacity (DynamoDB on-demand or more provisioned capacity, ' +
      'a higher service quota), spread hot keys, or cap the SDK’s retries so the request fails fast within the budget.',
  },
  'lambda-timeout-exceeds-integration': {
    severity: 'elevated',
    title: 'The function may run longer than the API waits',
    fix: 'Set the function timeout a little below the integration timeout, so the function stops when the client is gone.',
  },
  'lambda-timed-out': {
    severity: 'high',
    title: 'The function hit its own timeout',
    fix:
      'The client saw a 502 (or 500), not a 504: the function stopped before API Gateway gave up. Raise the function timeout ' +
      'only if the integration budget allows it; otherwise make the work faster or asynchronous.',
  },
  'unsampled-timeouts': {
    severity: 'info',
    title: 'Some timeouts have no trace',
    fix: 'X-Ray samples 1 request per second plus 5% of the rest: add a sampling rule for this route (e.g. a higher fixed rate) to trace more of its 504s.',
  },
  'function-error': {
    severity: 'high',
    title: 'The function threw an error',
    fix:
      'Catch the error in the handler and return a proper error response (or let it fail fast), then fix its cause at the frame ' +
      'shown; the function’s log (the error line and its REPORT) has the whole stack.',
  },
  'retry-after-timeout': {
    severity: 'elevated',
    title: 'Clients called again after the 504',
    fix:
      'A retry of a 504 repeats work the first attempt may still have done after the cut. For POST and PATCH make the handler idempotent ' +
      '(an idempotency key, e.g. Powertools for AWS Lambda idempotency) or answer 202 and queue the work; for idempotent methods have ' +
      'clients back off, and fix the timeout itself.',
  },
  'lost-subsegments': {
    severity: 'info',
    title: 'The function’s trace is incomplete',
    fix:
      'The function was frozen or timed out before it sent its subsegments (a known X-Ray limitation). Its REPORT line in ' +
      'CloudWatch Logs still says how long it ran: open the trace together with /aws/lambda/<function> logs.',
  },
};

export interface FindingFields {
  detail: string;
  evidence: Finding['evidence'];
  severity?: Severity;
  title?: string;
  fix?: string;
  traceId?: string;
  route?: string;
  function?: string;
  spanIds?: string[];
  location?: FindingLocation;
}

/** A finding of the catalog, with its own detail and evidence. */
export function makeFinding(id: FindingId, f: FindingFields): Finding {
  const c = FINDING_CATALOG[id];
  const out: Finding = {
    id,
    severity: f.severity ?? c.severity,
    title: f.title ?? c.title,
    detail: f.detail,
    fix: f.fix ?? c.fix,
    evidence: f.evidence,
  };
  if (f.traceId) out.traceId = f.traceId;
  if (f.route) out.route = f.route;
  if (f.function) out.function = f.function;
  if (f.spanIds?.length) out.spanIds = f.spanIds;
  if (f.location) out.location = f.location;
  return out;
}

function dur(s: Span): number {
  return s.endMs !== null ? Math.max(0, s.endMs - s.startMs) : 0;
}

function target(s: Span): string {
  const op = s.aws?.operation ?? (s.namespace === 'remote' ? s.http?.method : undefined);
  return op ? `${s.name} ${op}` : s.name;
}

/** The language a Lambda runtime id (`nodejs20.x`, `python3.12`, `java21`, …) runs, for fixes in its terms. */
export type RuntimeLanguage = 'node' | 'python' | 'java' | 'dotnet' | 'ruby';

export function languageOfRuntime(runtime: string | undefined): RuntimeLanguage | undefined {
  const r = (runtime ?? '').toLowerCase();
  if (r.startsWith('nodejs')) return 'node';
  if (r.startsWith('python')) return 'python';
  if (r.startsWith('java')) return 'java';
  if (r.startsWith('dotnet')) return 'dotnet';
  if (r.startsWith('ruby')) return 'ruby';
  return undefined;
}

/** How calls run together, in the function's language (Promise.all when it is not known: the fixes were written for Node first). */
const CONCURRENTLY: Readonly<Record<RuntimeLanguage, string>> = {
  node: 'concurrently with Promise.all',
  python: 'concurrently with asyncio.gather (an async client such as aioboto3) or a concurrent.futures.ThreadPoolExecutor',
  java: 'concurrently with the SDK’s async client and CompletableFuture.allOf',
  dotnet: 'concurrently with Task.WhenAll',
  ruby: 'concurrently with threads (a bounded pool)',
};
const concurrently = (lang: RuntimeLanguage | undefined): string => CONCURRENTLY[lang ?? 'node'];

/** An operation's name as the function's SDK spells it (boto3: `batch_get_item`; the others: `BatchGetItem`). */
function opName(op: string, lang: RuntimeLanguage | undefined): string {
  return lang === 'python' ? op.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase() : op;
}

/** What to do about many sequential calls, in the terms of the API being called and of the function's language. */
function sequentialFix(name: string, operation: string | undefined, lang?: RuntimeLanguage): string {
  const op = (operation ?? '').toLowerCase();
  const together = concurrently(lang);
  if (/dynamodb/i.test(name) && op === 'getitem')
    return `Fetch the items with one ${opName('BatchGetItem', lang)} (up to 100 keys per call) instead of a ${opName('GetItem', lang)} per item, or run the ${opName('GetItem', lang)} calls ${together}.`;
  if (/dynamodb/i.test(name) && (op === 'putitem' || op === 'deleteitem'))
    return `Write with ${opName('BatchWriteItem', lang)} (up to 25 items per call${lang === 'python' ? ', or the resource’s table.batch_writer()' : ''}) instead of one call per item, or run them ${together}.`;
  if (/dynamodb/i.test(name) && op === 'query')
    return `Combine the queries (one Query on a GSI that covers the items), or run them ${together}.`;
  if (/s3/i.test(name) && op === 'getobject') return `Fetch the objects ${together} (a bounded pool), or store them together.`;
  if (/sqs/i.test(name) && op === 'sendmessage') return `Use ${opName('SendMessageBatch', lang)} (up to 10 messages per call).`;
  if (/sns/i.test(name) && op === 'publish') return `Use ${opName('PublishBatch', lang)} (up to 10 messages per call).`;
  return `Batch the calls into one request if the API allows it, or run them ${together} (bounded concurrency).`;
}

/** A deadline from the Lambda context, as the function's language reads it. */
const REMAINING_TIME: Readonly<Record<RuntimeLanguage, string>> = {
  node: 'context.getRemainingTimeInMillis()',
  python: 'context.get_remaining_time_in_millis()',
  java: 'context.getRemainingTimeInMillis()',
  dotnet: 'context.RemainingTime',
  ruby: 'context.get_remaining_time_in_millis',
};
const remainingTime = (lang: RuntimeLanguage | undefined): string => REMAINING_TIME[lang ?? 'node'];

/** The catalog's fix in the terms of the function's language and of the front door (an HTTP API waits 30 s). */
function workAfterCutFix(lang: RuntimeLanguage | undefined, kind: FrontDoorKind): string {
  const fix = FINDING_CATALOG['work-after-cut'].fix.replace('context.getRemainingTimeInMillis()', remainingTime(lang));
  return kind === 'http-api' ? fix.replace('(e.g. 28 s behind a 29 s REST API)', '(e.g. 29 s behind the HTTP API’s 30 s)') : fix;
}

function slowFix(s: Span): string {
  const op = (s.aws?.operation ?? '').toLowerCase();
  if (/dynamodb/i.test(s.name) && op === 'scan') return 'Replace the Scan with a Query on a key or a GSI, and paginate: a Scan reads the whole table.';
  if (/dynamodb/i.test(s.name) && op === 'query') return 'Query by a more selective key (add a GSI), fetch only the attributes needed, and paginate instead of reading every page in the request.';
  if (s.namespace === 'remote')
    return `Give the call to ${shownName(s.name)} a timeout shorter than the remaining budget, cache its answer, or move it off the request path (queue the work, answer 202).`;
  return FINDING_CATALOG['slow-downstream'].fix;
}

/** The front door by the name a person knows it, as the subject of a sentence. */
export function frontDoorName(kind: FrontDoorKind): string {
  return kind === 'rest-api' || kind === 'websocket-api' ? 'API Gateway' : kind === 'http-api' ? 'The HTTP API' : kind === 'alb' ? 'The load balancer' : 'The front door';
}

/** What to do about a 504, in the terms of the product in front (only REST APIs can wait longer). */
function timeoutFix(kind: FrontDoorKind): string {
  const async =
    'Make the slow part faster (see the findings below), or answer 202 Accepted at once and hand the work to SQS, EventBridge or Step Functions, letting the client poll or be notified.';
  if (kind === 'http-api')
    return `${async} An HTTP API waits at most 30 s and that cannot be raised; if the call must stay synchronous and longer, a Regional REST API can raise its integration timeout through Service Quotas.`;
  if (kind === 'websocket-api') return `${async} A WebSocket API’s integration timeout is at most 29 s and cannot be raised: send the result later over the connection.`;
  if (kind === 'alb') return `${async} Or raise the load balancer’s idle timeout if the client can wait that long.`;
  return FINDING_CATALOG['integration-timeout'].fix;
}

const TIMED_OUT = /Task timed out after ([0-9.]+) seconds/;

/** The function's own timeout as the trace tells it (`Sandbox.Timedout`, "Task timed out after N seconds"). */
function ownTimeout(spans: Array<Span | null>): { ms: number | null; span: Span } | null {
  for (const s of spans) {
    for (const ex of s?.cause?.exceptions ?? []) {
      const m = TIMED_OUT.exec(ex.message ?? '');
      if (ex.type === 'Sandbox.Timedout' || m) return { ms: m ? Math.round(Number(m[1]) * 1000) : null, span: s! };
    }
  }
  return null;
}

/** A frame in the user's code: not the runtime's, not Node's, not a dependency's. */
function userFrame(stack: StackFrame[]): StackFrame | undefined {
  return stack.find((f) => f.path && !/(^|\/)node_modules\/|^internal\/|^node:|^\/var\/runtime\/|^bootstrap/.test(f.path));
}

/** The first exception the function itself raised (not a remote one, not its own timeout). */
function functionException(spans: Array<Span | null>): { ex: ExceptionInfo; span: Span } | null {
  for (const s of spans) {
    for (const ex of s?.cause?.exceptions ?? []) if (!ex.remote && ex.type !== 'Sandbox.Timedout' && !TIMED_OUT.test(ex.message ?? '')) return { ex, span: s! };
  }
  return null;
}

const clip = (text: string, n: number): string => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** The longest name (span, operation, table, route, path) a finding's title or detail quotes whole. */
const MAX_NAME_IN_PROSE = 300;

/**
 * A name from a trace or a log as a finding's prose quotes it: cut to MAX_NAME_IN_PROSE. The span
 * and the finding's fields keep it whole; a title or detail never holds a copy of a name of 200 MB.
 */
export function shownName(name: string): string {
  return clip(name, MAX_NAME_IN_PROSE);
}

/** The findings one trace shows (REPORT_FORMAT.md), from its breakdown. */
export function traceFindings(traceId: string, b: TraceBreakdown, options: { runtime?: string } = {}): Finding[] {
  const lang = languageOfRuntime(options.runtime);
  const out: Finding[] = [];
  const a = b.anatomy;
  const budget = b.budget.budgetMs;
  const fnName = a.fn?.name ?? a.lambdaService?.name;
  const fnShown = fnName !== undefined ? shownName(fnName) : undefined;
  const common = { traceId, ...(fnName ? { function: fnName } : {}) };
  const entryIds = [a.entry?.id, a.integrationCall?.id].filter((x): x is string => !!x);

  const door = frontDoorName(b.entry.kind);
  if (b.verdict === 'timeout') {
    const how =
      b.statusSource === 'budget'
        ? ` The trace starts at the function (${b.entry.kind === 'http-api' ? 'an HTTP API leaves no segment of its own' : 'the front door left no segment'}), which ran ${sec(b.functionEndAtMs ?? b.totalMs)}${a.entry?.http?.status !== undefined ? ` and says ${a.entry.http.status}` : ''}: the 504 is inferred from the budget (no access-log record of this request was read to confirm it).`
        : b.statusSource === 'access-log'
          ? ' The access log confirms the 504.'
          : '';
    out.push(
      makeFinding('integration-timeout', {
        ...common,
        title: `${door} gave up: 504 at the integration timeout`,
        detail: `The client waited ${sec(b.totalMs)} and got ${b.entry.status ?? 504}: the integration did not answer within the ${budget !== null ? sec(budget) : 'integration'} budget${a.fn ? `; ${shownName(a.fn.name)} was still running` : ''}.${how}`,
        evidence: { totalMs: b.totalMs, budgetMs: budget, status: b.entry.status, statusSource: b.statusSource },
        fix: timeoutFix(b.entry.kind),
        spanIds: entryIds,
      }),
    );
  } else if (b.verdict === 'near' && budget !== null) {
    out.push(
      makeFinding('approaching-budget', {
        ...common,
        detail: `This request took ${sec(b.totalMs)}, ${Math.round((100 * b.totalMs) / budget)}% of the ${sec(budget)} budget; ${sec(budget - b.totalMs)} to spare.`,
        evidence: { totalMs: b.totalMs, budgetMs: budget, share: Math.round((1000 * b.totalMs) / budget) / 1000 },
        spanIds: entryIds,
      }),
    );
  } else if (budget !== null && b.totalMs >= budget && b.entry.status !== null && b.entry.status !== 504) {
    // Past the budget and still answered: the budget assumed is not the one in force.
    out.push(
      makeFinding('approaching-budget', {
        ...common,
        title: 'Longer than the assumed budget, without a 504',
        detail: `This request took ${sec(b.totalMs)}, past the ${sec(budget)} budget assumed (${b.budget.source.replace(/-/g, ' ')}), and still got ${b.entry.status}: the integration timeout in force must be longer than assumed.`,
        evidence: { totalMs: b.totalMs, budgetMs: budget, status: b.entry.status, budgetSource: b.budget.source },
        fix: 'Give Timeout Lens the real integration timeout (the timeoutLens.budgetMs setting, or --budget-ms), so every verdict is measured against it.',
        spanIds: entryIds,
      }),
    );
  }

  const cold = b.breakdown.coldStartMs;
  const over = budget !== null && (b.verdict === 'timeout' || b.totalMs > budget);
  if (over && cold > 0 && a.init) {
    // On a 504 the client's wait is capped at the budget: what matters is whether the
    // function's own finish would have fit without the cold start.
    const finish = b.functionEndAtMs ?? b.totalMs;
    if (finish - cold < budget) {
      out.push(
        makeFinding('cold-start-tipped', {
          ...common,
          detail: `The ${b.breakdown.coldStartKind === 'restore' ? 'SnapStart restore' : 'cold start'} took ${sec(cold)}; without it the function would have finished at ${sec(finish - cold)}, inside the ${sec(budget)} budget.`,
          evidence: { coldStartMs: cold, functionEndAtMs: finish, budgetMs: budget, coldStartKind: b.breakdown.coldStartKind },
          spanIds: [a.init.id],
        }),
      );
    }
  }

  if (b.afterCutMs !== null && b.afterCutMs > 0) {
    const cut = (a.entry?.startMs ?? 0) + (b.cutAtMs ?? 0);
    const after = a.downstreamCalls.filter((s) => s.endMs !== null && s.endMs > cut).map((s) => s.id);
    out.push(
      makeFinding('work-after-cut', {
        ...common,
        detail: `${door} gave up at ${sec(b.cutAtMs ?? 0)}${b.statusSource === 'budget' ? ' (its budget)' : ''}, but ${fnShown ?? 'the function'} ran until ${sec(b.functionEndAtMs ?? 0)}: ${sec(b.afterCutMs)} of billed work nobody waited for${after.length ? `, including ${after.length} downstream call(s)` : ''}; a client retry repeats its side effects.`,
        evidence: { cutAtMs: b.cutAtMs, functionEndAtMs: b.functionEndAtMs, afterCutMs: b.afterCutMs },
        fix: workAfterCutFix(lang, b.entry.kind),
        spanIds: [...(a.fn ? [a.fn.id] : []), ...after],
      }),
    );
  }

  const handler = b.breakdown.handlerMs;
  if ((b.verdict === 'timeout' || b.verdict === 'near') && handler > 0) {
    const top = b.breakdown.downstream[0];
    if (top && top.ms >= THRESHOLDS.slowDownstreamShareOfHandler * handler) {
      const spans = a.downstreamCalls.filter((s) => s.name === top.name && (s.aws?.operation ?? (s.namespace === 'remote' ? s.http?.method : undefined)) === top.operation);
      const first = spans[0];
      out.push(
        makeFinding('slow-downstream', {
          ...common,
          title: `${shownName(top.name)}${top.operation ? ` ${shownName(top.operation)}` : ''} took ${Math.round((100 * top.ms) / handler)}% of the handler`,
          detail: `${top.calls} call(s) to ${shownName(top.name)}${top.operation ? ` ${shownName(top.operation)}` : ''}${first?.aws?.tableName ? ` on table ${shownName(first.aws.tableName)}` : ''} took ${sec(top.ms)} of the handler’s ${sec(handler)}.`,
          evidence: { target: top.name, operation: top.operation ?? null, ms: top.ms, calls: top.calls, handlerMs: handler, share: Math.round((100 * top.ms) / handler) / 100 },
          ...(first ? { fix: slowFix(first) } : {}),
          spanIds: spans.map((s) => s.id),
        }),
      );
    }
  }

  // Sequential calls: ≥ N calls to one target that never overlap and take a real share of the handler.
  const groups = new Map<string, Span[]>();
  for (const s of a.downstreamCalls) {
    const k = target(s);
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  for (const [name, calls] of groups) {
    if (calls.length < THRESHOLDS.sequentialMinCalls || handler <= 0) continue;
    const sorted = [...calls].sort((x, y) => x.startMs - y.startMs);
    let sequential = true;
    for (let i = 1; i < sorted.length; i++) {
      const prevEnd = sorted[i - 1]!.endMs ?? Infinity;
      if (sorted[i]!.startMs < prevEnd - THRESHOLDS.sequentialOverlapToleranceMs) {
        sequential = false;
        break;
      }
    }
    const total = sorted.reduce((acc, s) => acc + dur(s), 0);
    if (!sequential || total < THRESHOLDS.sequentialMinShareOfHandler * handler) continue;
    const first = sorted[0]!;
    out.push(
      makeFinding('sequential-calls', {
        ...common,
        title: `${sorted.length} ${shownName(name)} calls one after another`,
        detail: `${sorted.length} calls to ${shownName(name)}${first.aws?.tableName ? ` on table ${shownName(first.aws.tableName)}` : ''} ran one after another, ${sec(total)} in all (${Math.round((100 * total) / handler)}% of the handler, ${sec(total / sorted.length)} each on average).`,
        evidence: { target: name, calls: sorted.length, ms: Math.round(total), handlerMs: handler },
        fix: sequentialFix(first.name, first.aws?.operation, lang),
        spanIds: sorted.map((s) => s.id),
      }),
    );
  }

  const throttled = a.downstreamCalls.filter((s) => s.throttle || s.http?.status === 429 || (s.aws?.retries ?? 0) > 0);
  if (throttled.length) {
    const retries = throttled.reduce((acc, s) => acc + (s.aws?.retries ?? 0), 0);
    const names = [...new Set(throttled.map(target))];
    out.push(
      makeFinding('throttled-downstream', {
        ...common,
        detail: `${throttled.length} call(s) to ${names.map(shownName).join(', ')} were throttled or retried (${retries} SDK retr${retries === 1 ? 'y' : 'ies'}), taking ${sec(throttled.reduce((acc, s) => acc + dur(s), 0))}.`,
        evidence: { calls: throttled.length, retries, targets: names },
        spanIds: throttled.map((s) => s.id),
      }),
    );
  }

  // The function hit its own timeout: who answered the client depends on which limit came first.
  const timedOut = ownTimeout([a.fn, a.invocation, a.lambdaService]);
  if (timedOut) {
    const limit = timedOut.ms;
    const gatewayFirst = budget !== null && (b.verdict === 'timeout' || (limit !== null && limit >= budget));
    const http = b.entry.kind === 'http-api';
    out.push(
      makeFinding('lambda-timed-out', {
        ...common,
        detail: gatewayFirst
          ? `${fnShown ?? 'The function'} ran into its own ${limit !== null ? `${sec(limit)} ` : ''}timeout, but ${door.replace(/^The /, 'the ')} had already answered 504 at the ${sec(budget!)} budget: the client saw the 504, and the function worked ${limit !== null ? `${sec(Math.max(0, limit - budget!))} ` : 'on '}for nobody.`
          : `${fnShown ?? 'The function'} hit its own ${limit !== null ? `${sec(limit)} ` : ''}timeout before the front door gave up${budget !== null ? ` (${sec(budget)})` : ''}: the client got ${http ? '500 (HTTP API)' : b.entry.kind === 'rest-api' ? '502 (REST API)' : '502 (REST API) or 500 (HTTP API)'}, not 504.`,
        evidence: { functionTimeoutMs: limit, budgetMs: budget, gatewayAnsweredFirst: gatewayFirst },
        ...(gatewayFirst && budget !== null
          ? { fix: `Set the function timeout below the ${sec(budget)} integration timeout (e.g. ${Math.max(1, Math.floor(budget / 1000) - 1)} s) so it stops when the client is gone, and make the work faster or asynchronous.` }
          : {}),
        spanIds: [timedOut.span.id],
      }),
    );
  }

  // The function threw: the client got a 5xx that is not a timeout.
  const thrown = (b.verdict === 'error' || a.fn?.error || a.fn?.fault) && !timedOut ? functionException([a.fn, a.invocation, a.lambdaService, ...a.downstreamCalls]) : null;
  if (thrown) {
    const { ex } = thrown;
    const frame = userFrame(ex.stack);
    const what = `${ex.type ?? 'an error'}${ex.message ? `: “${clip(ex.message, 200)}”` : ''}`;
    out.push(
      makeFinding('function-error', {
        ...common,
        title: `The function threw ${clip(ex.type ?? 'an error', 60)}`,
        detail: `${fnShown ?? 'The function'} failed with ${what}${frame ? ` at ${clip(frame.path ?? '', MAX_NAME_IN_PROSE)}${frame.line !== undefined ? `:${frame.line}` : ''}${frame.label ? ` (${clip(frame.label, 80)})` : ''}` : ''}${b.entry.status !== null && b.entry.status >= 500 ? `; the client got ${b.entry.status}` : ''}.`,
        evidence: {
          type: ex.type ?? null,
          message: ex.message ? clip(ex.message, 200) : null,
          path: frame?.path ?? null,
          line: frame?.line ?? null,
          status: b.entry.status,
        },
        spanIds: [thrown.span.id],
      }),
    );
  }

  const lost =
    (a.fn && a.fn.inProgress) ||
    (a.lambdaService && !a.fn) ||
    b.handlerPartial ||
    a.orphanCalls.length > 0 ||
    (a.fn && !a.invocation && a.fn.children.every((c) => c.kind === 'initialization' || c.kind === 'restore') && b.verdict === 'timeout');
  if (lost) {
    const which = a.fn?.inProgress
      ? 'its function segment is still in progress'
      : a.lambdaService && !a.fn
        ? 'the function segment is missing'
        : b.handlerPartial
          ? `its Invocation is still in progress, so the handler time (${sec(b.breakdown.handlerMs)}) is what its known calls cover`
          : a.orphanCalls.length
            ? `${a.orphanCalls.length} call(s) arrived without their parent segment; they are counted`
            : 'the handler’s subsegments are missing';
    out.push(
      makeFinding('lost-subsegments', {
        ...common,
        detail: `The function’s part of this trace is incomplete: ${which}. The breakdown below the function may be missing calls.`,
        evidence: { functionInProgress: a.fn?.inProgress ?? null, functionSegment: !!a.fn, invocationInProgress: b.handlerPartial, orphanCalls: a.orphanCalls.length },
        spanIds: [a.fn?.id ?? a.lambdaService?.id, ...(b.handlerPartial && a.invocation ? [a.invocation.id] : [])].filter((x): x is string => !!x),
      }),
    );
  }
  return out;
}
