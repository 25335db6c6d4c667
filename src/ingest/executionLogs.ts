// API Gateway REST execution logs → one record per request id: did the integration time out
// ("Execution failed due to a timeout error"), what the method completed with, the integration
// latency, and the 502 failures (malformed proxy response, function error).
import type { ExecutionLogRecord, IngestError } from '../core/model';

const LINE = /^(?:\S+\s+)?\(([0-9a-fA-F-]{36})\)\s+(.*)$/;

export function isExecutionLogLine(line: string): boolean {
  return LINE.test(line.trim());
}

export class ExecutionLogParser {
  private readonly byId = new Map<string, ExecutionLogRecord>();
  private readonly errors: IngestError[] = [];

  push(line: string, where: string): boolean {
    const m = LINE.exec(line.trim());
    if (!m) return false;
    const [, id, text] = m as unknown as [string, string, string];
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
