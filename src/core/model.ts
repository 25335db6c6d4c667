// The trace and log model every layer shares. Pure data: no vscode, no AWS SDK.
// Times are epoch milliseconds (floats) unless a name says otherwise.

/** What a span is in the life of an API Gateway → Lambda request. */
export type SpanKind =
  | 'front-door' // AWS::ApiGateway::Stage, ALB, other entry segment
  | 'lambda-service' // AWS::Lambda (the service's view of the invoke)
  | 'function' // AWS::Lambda::Function (the function's own segment)
  | 'initialization' // cold start
  | 'restore' // SnapStart restore
  | 'invocation' // the handler
  | 'overhead' // after the handler returned
  | 'downstream' // a call out (namespace aws or remote)
  | 'custom' // a user subsegment with no namespace
  | 'inferred'; // a segment X-Ray inferred from a downstream call (never counted twice)

/** Which kind of front door an entry span is. */
export type FrontDoorKind = 'rest-api' | 'http-api' | 'websocket-api' | 'alb' | 'lambda' | 'other';

export type Namespace = 'aws' | 'remote';

export interface HttpInfo {
  method?: string;
  url?: string;
  userAgent?: string;
  clientIp?: string;
  status?: number;
  contentLength?: number;
}

export interface AwsInfo {
  operation?: string;
  tableName?: string;
  retries?: number;
  requestId?: string;
  region?: string;
  functionArn?: string;
  resourceNames?: string[];
  /** Everything else in the segment's `aws` object, kept as it came. */
  extra?: Record<string, unknown>;
}

export interface StackFrame {
  path?: string;
  line?: number;
  label?: string;
}

export interface ExceptionInfo {
  id?: string;
  message?: string;
  type?: string;
  remote?: boolean;
  stack: StackFrame[];
}

export interface CauseInfo {
  workingDirectory?: string;
  /** Set when `cause` was only an exception id string. */
  exceptionId?: string;
  exceptions: ExceptionInfo[];
}

export interface CodeLocation {
  path?: string;
  /** 1-based. */
  line?: number;
  function?: string;
}

/** OpenTelemetry span kinds, lower case (OTLP's SPAN_KIND_SERVER = 2 is `server`). */
export type OtelSpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/**
 * What an OpenTelemetry span said beyond the fields X-Ray has. The span's `name`, `kind`, `http`,
 * `aws`, `sql` and `cause` are derived from these (ingest/otel.ts says how); they are kept whole
 * here so the details pane can show them. Values are plain JSON (OTLP's AnyValue unwrapped),
 * nested at most MAX_VALUE_DEPTH levels and with long strings cut (ingest/otel.ts).
 */
export interface OtelInfo {
  /** The span's own name, when `Span.name` was taken from elsewhere (the function, the AWS service called). */
  spanName: string;
  spanKind: OtelSpanKind;
  /** The span's attributes. */
  attributes: Record<string, unknown>;
  /** The resource's attributes (`service.name`, `cloud.platform`, `faas.name`, …). */
  resource?: Record<string, unknown>;
  /** The instrumentation scope (library) that made the span. */
  scope?: { name?: string; version?: string };
  /** `status.message`, when the span's status said one. */
  statusMessage?: string;
}

/**
 * One span. An optional field the input did not say is absent or undefined (ingest/otel.ts makes
 * every span with all of its fields, the unknown ones undefined): read them as possibly undefined,
 * never with `in`.
 */
export interface Span {
  id: string;
  /** Canonical X-Ray form `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy`. */
  traceId: string;
  /** The parent as written in the document (`parent_id`, or the enclosing segment for subsegments). */
  parentId: string | null;
  name: string;
  kind: SpanKind;
  /** `origin` of a segment (`AWS::ApiGateway::Stage`, `AWS::Lambda::Function`, …). */
  origin?: string;
  /** Set on front-door spans. */
  frontDoor?: FrontDoorKind;
  namespace?: Namespace;
  /** A top-level segment document (as opposed to a subsegment). */
  isSegment: boolean;
  startMs: number;
  /** null when the span is still in progress (no end_time). */
  endMs: number | null;
  inProgress: boolean;
  fault: boolean;
  error: boolean;
  throttle: boolean;
  resourceArn?: string;
  http?: HttpInfo;
  aws?: AwsInfo;
  annotations: Record<string, string | number | boolean>;
  metadata?: Record<string, unknown>;
  cause?: CauseInfo;
  sql?: Record<string, unknown>;
  precursorIds?: string[];
  /**
   * Where in the code the span was made, from OpenTelemetry's `code.*` attributes
   * (`code.filepath`/`code.file.path`, `code.lineno`/`code.line.number`,
   * `code.function`/`code.function.name`); the code hints read it (src/code/evidence.ts).
   */
  codeLocation?: CodeLocation;
  /** Set on spans read from OpenTelemetry (ingest/otel.ts): what the span carried that has no X-Ray field. */
  otel?: OtelInfo;
  /** Children sorted by start time. Filled when the trace tree is built. */
  children: Span[];
  /** Where this span came from, e.g. `traces.json#Traces[0].Segments[3]`. */
  source: string;
}

export interface Trace {
  traceId: string;
  /** Top-level spans (no parent, or a parent that was never seen), sorted by start. */
  roots: Span[];
  /** Every span of the trace, in pre-order (siblings by start). */
  spans: Span[];
  /** The span the client waited on: the front door, or the first root. null for an empty trace. */
  entry: Span | null;
  /** Trace-level facts from the container, when it had them (BatchGetTraces Duration, LimitExceeded). */
  containerDurationMs?: number;
  /**
   * Set when the trace was read from CloudWatch Transaction Search (the `aws/spans` log group)
   * because X-Ray had not indexed it (a request X-Ray did not sample).
   */
  foundBy?: 'transaction-search';
  limitExceeded?: boolean;
}

/** Something in the input that was skipped or repaired, and where. Never thrown: collected. */
export interface IngestError {
  /** Where it was: `file#Traces[0].Segments[3]`, `file:120`, … */
  source: string;
  message: string;
  /** Set when the item was used with a repair or a caveat rather than skipped. */
  repaired?: true;
}

/** One Lambda invocation as its log lines tell it (START/END/REPORT, …). One per request id. */
export interface Invocation {
  requestId: string;
  functionName?: string;
  logGroup?: string;
  logStream?: string;
  /** START time (or REPORT time minus duration) in epoch ms, when known. */
  startMs?: number;
  /** END/REPORT time in epoch ms, when known. */
  endMs?: number;
  durationMs?: number;
  billedDurationMs?: number;
  memorySizeMb?: number;
  maxMemoryUsedMb?: number;
  initDurationMs?: number;
  restoreDurationMs?: number;
  status?: 'success' | 'timeout' | 'error';
  errorType?: string;
  /** "Task timed out after N seconds": N × 1000. */
  timedOutAfterMs?: number;
  xrayTraceId?: string;
  /** The AWS::Lambda::Function segment id from the REPORT's XRAY line. */
  segmentId?: string;
  sampled?: boolean;
  /** Application lines of this request, in order (kept short). */
  messages?: string[];
  source: string;
}

/** One API Gateway access-log record. Unknown or `-` values are undefined. */
export interface AccessLogRecord {
  requestId?: string;
  api?: string;
  apiId?: string;
  stage?: string;
  method?: string;
  /** Route template: `resourcePath` (REST) or the path part of `routeKey` (HTTP API). */
  route?: string;
  status?: number;
  /** Epoch ms of the request. */
  timeMs?: number;
  responseLatencyMs?: number;
  /** -1 when API Gateway wrote -1 (it does on timeouts); undefined for `-`. */
  integrationLatencyMs?: number;
  integrationLatencyRaw?: string;
  integrationStatus?: number;
  integrationError?: string;
  errorMessage?: string;
  errorResponseType?: string;
  xrayTraceId?: string;
  apiType?: FrontDoorKind;
  source: string;
  /**
   * Who sent the request: sourceIp and userAgent, or a field the user named (core/retries.ts
   * `clientOf`); undefined when the access log does not say.
   */
  client?: string;
}

/** What the REST execution log says of one request id. */
export interface ExecutionLogRecord {
  requestId: string;
  timedOut: boolean;
  status?: number;
  integrationLatencyMs?: number;
  failure?: string;
  lines: string[];
  source: string;
}
