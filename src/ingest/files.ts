// Reads the files and folders given to `analyze` (or opened in the extension), tells each
// file's kind from its content — never its name — and hands it to the parser for that kind.
// Adding a kind is one row in READERS. Templates (SAM, CloudFormation, CDK output, serverless.yml)
// are the one exception: a YAML file or a `template.json`/`*.template.json` is offered to the
// template reader first (which reads the content and says whether it is one), since a template's
// head looks like any other JSON or YAML.
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { AccessLogRecord, ExecutionLogRecord, IngestError, Invocation, Span, Trace } from '../core/model';
import { collectSegmentsFromText, type RawSegment } from './xray';
import { collectOtelText, looksLikeOtel, otelSpansToTraces } from './otel';
import { LogCollector, collectLogEvents, isKnownLogLine } from './logs';
import type { EndpointAccumulator } from '../core/endpoints';
import { describeUnexpected } from '../core/unexpectedError';
import type { TemplateIndex } from '../code/types';
import type { RetryLog } from '../core/retries';

export interface Inputs {
  traces: Trace[];
  invocations: Invocation[];
  accessLogs: AccessLogRecord[];
  routeLatencies: EndpointAccumulator;
  /** Every access-log request's client, route and time (retries after 504s). */
  retryLog: RetryLog;
  executionLogs: ExecutionLogRecord[];
  errors: IngestError[];
  /** Templates read (SAM, CloudFormation, CDK output, serverless.yml): their functions, routes, problems. */
  templates: TemplateIndex[];
  /** Files read, with the kind each was read as (to tell the user what was understood). */
  files: Array<{ path: string; kind: string }>;
}

/** What the readers fill while the files are read; traces are built once at the end. */
interface Collector {
  segments: RawSegment[];
  /** OpenTelemetry spans (ingest/otel.ts), built into traces with the segments. */
  otelSpans: Span[];
  logs: LogCollector;
  errors: IngestError[];
}

interface Reader {
  kind: string;
  /** Looks at the first few KB of the file. */
  matches: (head: string) => boolean;
  read: (path: string, into: Collector) => Promise<void>;
}

const HEAD_BYTES = 8192;
const TRACE_HINT = /"(Traces|Segments|Document|trace_id|start_time|subsegments)"\s*:/;
/** The same keys inside a JSON string: a whole export saved as one string. */
const ENCODED_TRACE_HINT = /\\"(Traces|Segments|Document|trace_id|start_time|subsegments)\\"\s*:/;
const LOG_EVENTS_HINT = /"(events|logEvents|results|@message|field)"\s*:/;

function firstLine(head: string): string {
  return head.split(/\r?\n/).find((l) => l.trim()) ?? '';
}

type TextEncoding = 'utf8' | 'utf16le' | 'utf16be';

/**
 * The encoding of a file from its first bytes: a byte-order mark (UTF-8, or UTF-16 as Windows
 * PowerShell 5 writes `aws … > file`), or UTF-16 without one when every other byte is zero.
 */
export function sniffEncoding(b: Uint8Array): { encoding: TextEncoding; bom: number } {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf8', bom: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf16le', bom: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf16be', bom: 2 };
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0) return { encoding: 'utf16le', bom: 0 };
  if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0) return { encoding: 'utf16be', bom: 0 };
  return { encoding: 'utf8', bom: 0 };
}

/** Bytes → text in the file's own encoding, without its byte-order mark. */
export function decodeText(b: Buffer): string {
  const { encoding, bom } = sniffEncoding(b);
  const body = b.subarray(bom);
  if (encoding === 'utf16be') {
    const swapped = Buffer.from(body.subarray(0, body.length - (body.length % 2)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return body.toString(encoding);
}

async function readText(path: string): Promise<string> {
  return decodeText(await readFile(path));
}

/** Text logs are read line by line from a stream: a multi-GB export never sits in memory. */
async function streamLines(path: string, into: Collector): Promise<void> {
  const fh = await open(path, 'r');
  let first: Uint8Array;
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    first = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const { encoding, bom } = sniffEncoding(first);
  let n = 0;
  if (encoding === 'utf16be') {
    // Rare enough (no Windows tool writes it by default) to be read whole.
    for (const line of (await readText(path)).split(/\r?\n/)) {
      n++;
      into.logs.push(line, { where: `${path}:${n}` });
    }
    return;
  }
  const rl = createInterface({ input: createReadStream(path, { encoding, start: bom }), crlfDelay: Infinity });
  for await (const line of rl) {
    n++;
    into.logs.push(line, { where: `${path}:${n}` });
  }
}
const DAEMON_HEADER = /^\s*\{\s*"format"\s*:\s*"json"\s*,\s*"version"\s*:\s*\d+\s*\}/;

export const READERS: Reader[] = [
  {
    // Before the X-Ray reader: ListRetrievedTraces output has `Traces` and `Document` too.
    kind: 'OpenTelemetry spans (OTLP JSON, aws/spans records)',
    matches: looksLikeOtel,
    read: async (path, into) => {
      const c = collectOtelText(await readText(path), path, into.errors);
      // Loops, not push(...): 200 000 spans spread as arguments overflow the stack.
      for (const s of c.spans) into.otelSpans.push(s);
      for (const r of c.segments) into.segments.push(r);
    },
  },
  {
    kind: 'X-Ray traces',
    matches: (head) => DAEMON_HEADER.test(head) || (/^\s*[[{]/.test(head) && TRACE_HINT.test(head)) || (/^\s*"/.test(head) && ENCODED_TRACE_HINT.test(head)),
    read: async (path, into) => {
      const text = await readText(path);
      // A loop, not push(...): a file of 200 000 segments spread as arguments overflows the stack.
      for (const raw of collectSegmentsFromText(text, path, into.errors)) into.segments.push(raw);
      // A trace file can carry the function's log events beside the segments.
      if (/"(logEvents|events)"\s*:\s*\[/.test(text)) {
        try {
          collectLogEvents(JSON.parse(text) as unknown, path, into.logs);
        } catch {
          // not one JSON document: the segments were all it held
        }
      }
    },
  },
  {
    kind: 'CloudWatch Logs events (FilterLogEvents, GetLogEvents, Logs Insights)',
    matches: (head) => /^\s*[[{]/.test(head) && LOG_EVENTS_HINT.test(head) && !isKnownLogLine(firstLine(head).trim()),
    read: async (path, into) => {
      let value: unknown;
      try {
        value = JSON.parse(await readText(path));
      } catch (e) {
        into.errors.push({ source: path, message: `Not valid JSON: ${(e as Error).message}` });
        return;
      }
      if (!collectLogEvents(value, path, into.logs)) into.errors.push({ source: path, message: 'No log events found (expected FilterLogEvents, GetLogEvents or Logs Insights output).' });
    },
  },
  {
    kind: 'log lines (Lambda, API Gateway access or execution logs)',
    matches: (head) => isKnownLogLine(firstLine(head).trim()),
    read: streamLines,
  },
];

async function head(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return decodeText(buf.subarray(0, bytesRead - (sniffEncoding(buf).encoding === 'utf8' ? 0 : bytesRead % 2)));
  } finally {
    await fh.close();
  }
}

/** Names a template may have: any YAML file, `template.json`, CDK's `<stack>.template.json`. */
const TEMPLATE_NAME = /\.ya?ml$|(^|[\\/])template\.json$|\.template\.json$/i;

/** Folders a walk never enters: dependencies (their templates are not the user's). Dot folders (`.aws-sam`, `.git`) are skipped too. */
const SKIPPED_FOLDERS = new Set(['node_modules']);

/**
 * Files a folder walk leaves alone: source code and project files beside the templates (a handler,
 * samconfig.toml) are never traces or logs. Named on the command line, they are still reported.
 */
const SOURCE_FILE = /\.(m?[jt]sx?|c[jt]s|py|pyc|rb|go|java|cs|toml|md|map|lock)$|(^|[\\/])requirements[\w.-]*\.txt$/i;

/**
 * The files under `path` (itself when it is a file), in name order, depth first. A folder or a
 * file reached again by another name (a symbolic link to itself, to a parent, two links to one
 * file) is read once: `seen` holds the real paths already taken. Walked with a stack, not by
 * recursion.
 */
async function expand(path: string, out: string[], errors: IngestError[], seen: Set<string>): Promise<void> {
  const stack = [path];
  while (stack.length) {
    const p = stack.pop()!;
    let st;
    let real: string;
    try {
      st = await stat(p);
      real = await realpath(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      errors.push({ source: p, message: `Cannot read: ${code === 'ENOENT' ? 'no such file or folder' : code === 'ELOOP' ? 'a loop of symbolic links' : (e as Error).message}` });
      continue;
    }
    if (!st.isDirectory() && !st.isFile()) continue;
    if (seen.has(real)) continue;
    seen.add(real);
    if (st.isFile()) {
      out.push(p);
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(p)).filter((n) => !n.startsWith('.') && !SKIPPED_FOLDERS.has(n)).sort();
    } catch (e) {
      errors.push({ source: p, message: `Cannot read the folder: ${(e as Error).message}` });
      continue;
    }
    // CDK's output folder: only its templates (the rest is assets, manifests and the construct tree).
    if (basename(p) === 'cdk.out') {
      for (const n of names) if (n.endsWith('.template.json')) out.push(join(p, n));
      continue;
    }
    const inside = names.filter((n) => !SOURCE_FILE.test(n));
    // Pushed last first, so they are read in name order.
    for (let i = inside.length - 1; i >= 0; i--) stack.push(join(p, inside[i]!));
  }
}

export interface ReadOptions {
  /** The access-log format string, for text access logs ($context.requestId $context.status …). */
  accessLogFormat?: string;
  /** The access-log field that names a client, instead of sourceIp + userAgent (retries after 504s). */
  retryClientField?: string;
  /**
   * Reads a template-named file as a template (null: it is not one). The CLI passes
   * `readTemplateFile` (src/code/templateFiles.ts); without it templates are not looked for, so
   * the YAML parser stays out of the extension's bundle and of a run that reads only traces.
   */
  readTemplate?: (path: string) => Promise<TemplateIndex | null>;
}

/** Reads every file (folders recursively) and merges what they hold; never throws on content. */
export async function readInputs(paths: string[], options: ReadOptions = {}): Promise<Inputs> {
  const c: Collector = { segments: [], otelSpans: [], logs: new LogCollector(options), errors: [] };
  const files: Inputs['files'] = [];
  const templates: TemplateIndex[] = [];
  const all: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) await expand(p, all, c.errors, seen);
  for (const f of all) {
    if (options.readTemplate && TEMPLATE_NAME.test(f)) {
      try {
        const index = await options.readTemplate(f);
        if (index) {
          templates.push(index);
          files.push({ path: f, kind: `template (${index.kind})` });
          continue;
        }
      } catch (e) {
        c.errors.push({ source: f, message: `Cannot read: ${(e as Error).message}` });
        continue;
      }
    }
    let h: string;
    try {
      h = await head(f);
    } catch (e) {
      c.errors.push({ source: f, message: `Cannot read: ${(e as Error).message}` });
      continue;
    }
    const reader = READERS.find((r) => r.matches(h)) ?? (options.accessLogFormat ? READERS[READERS.length - 1] : undefined);
    if (!reader) {
      c.errors.push({ source: f, message: 'Not a format Timeout Lens reads (X-Ray traces, OpenTelemetry spans, Lambda logs, API Gateway access or execution logs, SAM/CloudFormation/CDK templates, serverless.yml): skipped.' });
      continue;
    }
    try {
      await reader.read(f, c);
      files.push({ path: f, kind: reader.kind });
    } catch (e) {
      // The file system's errors carry a code (ENOENT, EACCES, EISDIR…); anything else is a fault
      // of ours, and costs this file only: the others are still read and reported.
      c.errors.push({
        source: f,
        message: (e as NodeJS.ErrnoException).code ? `Cannot read: ${(e as Error).message}` : `Stopped reading this file at an unexpected error (${describeUnexpected(e)}); the other files are reported.`,
      });
    }
  }
  const logs = c.logs.finish();
  return {
    traces: otelSpansToTraces(c.otelSpans, c.errors, c.segments),
    invocations: logs.invocations,
    accessLogs: logs.accessLogs,
    routeLatencies: logs.routeLatencies,
    retryLog: logs.retryLog,
    executionLogs: logs.executionLogs,
    errors: [...c.errors, ...logs.errors],
    templates,
    files,
  };
}
