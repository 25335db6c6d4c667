// TEMPORARY, until src/ingest/otel.ts (branch otel-ingest) lands: the names the live path uses,
// with just enough behind them to run it. Removed at the merge; do not build on it.
import type { TraceParseResult } from '../ingest/xray';
import { normalizeTraceId, parseTraceValue } from '../ingest/xray';

export function otelToXrayTraceId(id: string): string | undefined {
  return normalizeTraceId(id) ?? undefined;
}

export function xrayToOtelTraceId(id: string): string | undefined {
  const x = normalizeTraceId(id);
  return x ? x.slice(2).replace('-', '') : undefined;
}

type Rec = Record<string, unknown>;
const attrs = (r: Rec): Rec => ((r.attributes ?? {}) as Rec);
const sec = (ns: unknown): number => Number(String(ns)) / 1e9;

export function parseSpanRecords(records: unknown[], source: string): TraceParseResult {
  const byTrace = new Map<string, Array<{ Id: string; Document: string }>>();
  for (const raw of records) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Rec;
    const a = attrs(r);
    const traceId = otelToXrayTraceId(String(r.traceId ?? ''));
    if (!traceId) continue;
    const origin = a['aws.xray.origin'] as string | undefined;
    const client = r.kind === 'CLIENT';
    const status = a['http.response.status_code'];
    const doc: Rec = {
      id: r.spanId,
      trace_id: traceId,
      name: client && a['rpc.service'] ? a['rpc.service'] : r.name,
      start_time: sec(r.startTimeUnixNano),
      end_time: sec(r.endTimeUnixNano),
      ...(r.parentSpanId ? { parent_id: r.parentSpanId } : {}),
      ...(origin ? { origin } : !client && a['faas.invocation_id'] ? { origin: 'AWS::Lambda::Function' } : {}),
      ...(client ? { type: 'subsegment', namespace: a['rpc.system'] === 'aws-api' ? 'aws' : 'remote' } : {}),
      ...(typeof status === 'number' ? { http: { response: { status } } } : {}),
      ...(client && a['rpc.method'] ? { aws: { operation: a['rpc.method'], ...(a['aws.remote.resource.identifier'] ? { table_name: a['aws.remote.resource.identifier'] } : {}) } } : {}),
      ...((r.status as Rec | undefined)?.code === 'ERROR' ? { fault: true } : {}),
    };
    if (origin === 'AWS::ApiGateway::Stage') doc.annotations = { 'aws:api_stage': a['aws.api_gateway.stage'] };
    let list = byTrace.get(traceId);
    if (!list) byTrace.set(traceId, (list = []));
    list.push({ Id: String(r.spanId), Document: JSON.stringify(doc) });
  }
  return parseTraceValue({ Traces: [...byTrace].map(([Id, Segments]) => ({ Id, Segments })) }, source);
}
