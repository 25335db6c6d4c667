// X-Ray, read-only: trace summaries for a window and a filter expression (pages as an async
// generator; windows longer than X-Ray's 24 h split), and whole traces in batches of 5 with
// bounded concurrency, retrying what X-Ray leaves in UnprocessedTraceIds. For Transaction Search:
// the segment destination (is it on?) and the retrieval of traces X-Ray did not index.
import { GetTraceSegmentDestinationCommand, ListRetrievedTracesCommand, StartTraceRetrievalCommand, paginateBatchGetTraces, paginateGetTraceSummaries, type BatchGetTracesCommandOutput, type TraceSummary } from '@aws-sdk/client-xray';
import type { AwsClients } from './clients';
import { AwsSourceError, isCancellation, toAwsSourceError } from './errors';
import { THRESHOLDS } from '../core/thresholds';

/** X-Ray answers GetTraceSummaries for at most 24 hours at a time. */
export const MAX_SUMMARY_WINDOW_MS = 24 * 3600 * 1000;
/** BatchGetTraces takes 1 to 5 trace ids. */
export const BATCH_SIZE = 5;

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The filter Trace 504 asks X-Ray for: the requests of a service that got a 504 or came near
 * the budget, e.g. `service("orders-api/prod") { http.status = 504 OR responsetime >= 23.2 }`.
 */
export function trace504Filter(service: string, budgetMs: number, nearShare: number = THRESHOLDS.nearShareOfBudget): string {
  const near = Math.round((budgetMs * nearShare) / 100) / 10; // seconds, one decimal
  return `service(${quote(service)}) { http.status = 504 OR fault OR responsetime >= ${near} }`;
}

export interface SummaryQuery {
  startMs: number;
  endMs: number;
  filter?: string;
  signal?: AbortSignal;
}

/** Pages of trace summaries, most recent window first; each page as X-Ray returned it. */
export async function* traceSummaries(clients: AwsClients, q: SummaryQuery): AsyncGenerator<TraceSummary[]> {
  for (let end = q.endMs; end > q.startMs; end -= MAX_SUMMARY_WINDOW_MS) {
    const start = Math.max(q.startMs, end - MAX_SUMMARY_WINDOW_MS);
    const input = { StartTime: new Date(start), EndTime: new Date(end), TimeRangeType: 'Event' as const, ...(q.filter ? { FilterExpression: q.filter } : {}) };
    for await (const out of clients.paginate('GetTraceSummaries', (o) => paginateGetTraceSummaries({ client: clients.xray() }, input, o), q.signal)) {
      yield out.TraceSummaries ?? [];
    }
  }
}

export interface BatchResult {
  /** BatchGetTraces `Traces` as returned (segment Documents are JSON strings), for the engine. */
  traces: NonNullable<BatchGetTracesCommandOutput['Traces']>;
  /** Ids X-Ray still did not return after the retries. */
  unprocessed: string[];
  /** Batches that failed (throttled after retries, denied, …): the rest still came. */
  failures: Array<{ ids: string[]; error: AwsSourceError }>;
}

export interface BatchOptions {
  concurrency?: number;
  signal?: AbortSignal;
  /** Retries of UnprocessedTraceIds (with backoff) before giving up on them. */
  unprocessedRetries?: number;
  onProgress?: (done: number, total: number) => void;
  /** Each page of traces as it comes (the caller can parse while the other calls are in flight). */
  onTraces?: (traces: BatchResult['traces']) => void;
}

/** Fetches whole traces, 5 ids per call, `concurrency` calls in flight. */
export async function batchGetTraces(clients: AwsClients, ids: string[], o: BatchOptions = {}): Promise<BatchResult> {
  const unique = [...new Set(ids)];
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += BATCH_SIZE) batches.push(unique.slice(i, i + BATCH_SIZE));
  const result: BatchResult = { traces: [], unprocessed: [], failures: [] };
  let done = 0;
  let next = 0;
  const fetchBatch = async (batch: string[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 0; pending.length; attempt++) {
      const left: string[] = [];
      const input = { TraceIds: pending };
      for await (const out of clients.paginate('BatchGetTraces', (opts) => paginateBatchGetTraces({ client: clients.xray() }, input, opts), o.signal)) {
        result.traces.push(...(out.Traces ?? []));
        if (out.Traces?.length) o.onTraces?.(out.Traces);
        left.push(...(out.UnprocessedTraceIds ?? []));
      }
      pending = left;
      if (!pending.length) break;
      if (attempt >= (o.unprocessedRetries ?? 3)) {
        result.unprocessed.push(...pending);
        break;
      }
      await clients.wait(100 * 2 ** attempt, 'BatchGetTraces', o.signal);
    }
    done += batch.length;
    o.onProgress?.(done, unique.length);
  };
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const b = batches[next++]!;
      try {
        await fetchBatch(b);
      } catch (e) {
        if (isCancellation(e) || o.signal?.aborted) throw e;
        result.failures.push({ ids: b, error: AwsSourceError.is(e) ? e : toAwsSourceError(e, { operation: 'BatchGetTraces' }) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 4, batches.length) }, worker));
  return result;
}

/** Where X-Ray sends the segments and spans it receives (GetTraceSegmentDestination). */
export interface SegmentDestination {
  /** `XRay`, or `CloudWatchLogs` when Transaction Search is on. */
  destination: string;
  /** `ACTIVE`, or `PENDING` while a change is under way. */
  status: string;
}

/** The account's trace segment destination: the one call that says whether Transaction Search is on. */
export async function segmentDestination(clients: AwsClients, signal?: AbortSignal): Promise<SegmentDestination> {
  const out = await clients.call('GetTraceSegmentDestination', (o) => clients.xray().send(new GetTraceSegmentDestinationCommand({}), o), signal);
  return { destination: out.Destination ?? 'XRay', status: out.Status ?? 'ACTIVE' };
}

/**
 * Transaction Search is on: spans go to CloudWatch Logs (`aws/spans`), and only a sample of them
 * is indexed for GetTraceSummaries and BatchGetTraces. PENDING (just switched) counts too: the
 * spans written since are there.
 */
export function transactionSearchOn(d: SegmentDestination): boolean {
  return d.destination === 'CloudWatchLogs';
}

/** StartTraceRetrieval takes at most 100 trace ids. */
export const RETRIEVAL_MAX_IDS = 100;

/**
 * Transaction Search: with it on, most spans live in `aws/spans` and only a sample is indexed
 * for BatchGetTraces. StartTraceRetrieval → ListRetrievedTraces (polled until COMPLETE, then
 * paged) gets the rest, in the BatchGetTraces shape: with `format` XRAY (the default) each
 * Segment's Document is a segment document the engine reads; with OTEL it is a span record as
 * aws/spans holds it (ingest/otel.ts reads those). Ids are X-Ray's form, 100 per retrieval.
 */
export async function retrieveTraces(
  clients: AwsClients,
  ids: string[],
  window: { startMs: number; endMs: number },
  o: { signal?: AbortSignal; pollMs?: number; maxPolls?: number; format?: 'XRAY' | 'OTEL' } = {},
): Promise<BatchResult['traces']> {
  const unique = [...new Set(ids)];
  const out: BatchResult['traces'] = [];
  for (let i = 0; i < unique.length; i += RETRIEVAL_MAX_IDS) out.push(...(await retrieveSome(clients, unique.slice(i, i + RETRIEVAL_MAX_IDS), window, o)));
  return out;
}

async function retrieveSome(
  clients: AwsClients,
  ids: string[],
  window: { startMs: number; endMs: number },
  o: { signal?: AbortSignal; pollMs?: number; maxPolls?: number; format?: 'XRAY' | 'OTEL' },
): Promise<BatchResult['traces']> {
  const started = await clients.call(
    'StartTraceRetrieval',
    (opts) => clients.xray().send(new StartTraceRetrievalCommand({ TraceIds: ids, StartTime: new Date(window.startMs), EndTime: new Date(window.endMs) }), opts),
    o.signal,
  );
  const token = started.RetrievalToken!;
  const format = o.format ?? 'XRAY';
  const traces: BatchResult['traces'] = [];
  let wait = o.pollMs ?? 500;
  let next: string | undefined;
  for (let poll = 0; poll < (o.maxPolls ?? 30); ) {
    const input = { RetrievalToken: token, TraceFormat: format, ...(next ? { NextToken: next } : {}) };
    const out = await clients.call('ListRetrievedTraces', (opts) => clients.xray().send(new ListRetrievedTracesCommand(input), opts), o.signal);
    if (out.RetrievalStatus === 'COMPLETE') {
      traces.push(...(out.Traces ?? []).map((t) => ({ Id: t.Id, Duration: t.Duration, Segments: (t.Spans ?? []).map((s) => ({ Id: s.Id, Document: s.Document })) })));
      next = out.NextToken;
      if (!next) return traces;
      continue;
    }
    if (out.RetrievalStatus === 'FAILED' || out.RetrievalStatus === 'CANCELLED' || out.RetrievalStatus === 'TIMEOUT') {
      throw new AwsSourceError('service', `The trace retrieval ended as ${out.RetrievalStatus}.`, 'ListRetrievedTraces');
    }
    await clients.wait(wait, 'ListRetrievedTraces', o.signal);
    wait = Math.min(wait * 2, 4000);
    poll++;
  }
  throw new AwsSourceError('service', 'The trace retrieval did not complete in time; try again in a minute.', 'ListRetrievedTraces');
}
