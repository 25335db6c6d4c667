// API Gateway REST execution logs → one record per request id: did the integration time out
// ("Execution failed due to a timeout error"), what the method completed with, the integration
// latency, and the 502 failures (malformed proxy response, function error).
import type { ExecutionLogRecord, IngestError } from '../core/model';

/**
 * `(request id) text`, after a timestamp or not. Only the head is an expression: `\s+(.*)$` after
 * it would try every split of a long run of blanks followed by a line break, each to the break
 * (quadratic), where the text needs only one look for a break.
 */
const HEAD = /^(?:\S+\s+)?\(([0-9a-fA-F-]{36})\)\s+/;
/** What `.` does not match: an execution-log line is one line. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** The request id and the text of an execution-log line, or null when it is not one. */
function parseLine(line: string): [id: string, text: string] | null {
  const t = line.trim();
  const m = HEAD.exec(t);
  if (!m) return null;
  const text = t.slice(m[0].length);
  return LINE_BREAK.test(text) ? null : [m[1]!, text];
}

export function isExecutionLogLine(line: string): boolean {
  return parseLine(line) !== null;
}

export class ExecutionLogParser {
  private readonly byId = new Map<string, ExecutionLogRecord>();
  private readonly errors: IngestError[] = [];

  push(line: string, where: string): boolean {
    const m = parseLine(line);
    if (!m) return false;
    const [id, text] = m;
    let r = this.byId.get(id);
    if (!r) {
      r = { requestId: id, timedOut: false, lines: [], source: where };
      this.byId.set(id, r);
    }
    if (r.lines.length < 40) r.lines.push(text);
    if (/Execution failed due to a timeout error/.test(text)) r.timedOut = true;
    const status = /Method completed with status: (\d{3})/.exec(text);
    if (status) r.status = Number(status[1]);
    const lat = /Integration latency: (\d+) ms/.exec(text);
    if (lat) r.integrationLatencyMs = Number(lat[1]);
    const fail = /(Execution failed due to configuration error: .*|Lambda execution failed with status \d+ due to customer function error.*)/.exec(text);
    if (fail) r.failure = fail[1]!;
    return true;
  }

  reject(where: string, line: string): void {
    this.errors.push({ source: where, message: `Not an execution log line: ${line.slice(0, 80)}` });
  }

  finish(): { executionLogs: ExecutionLogRecord[]; errors: IngestError[] } {
    return { executionLogs: [...this.byId.values()], errors: this.errors };
  }
}
