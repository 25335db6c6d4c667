// "Open logs of this request" from the waterfall: the Lambda log events of one request id, read
// from CloudWatch Logs (or the sample account) around the trace's time, shown as a read-only
// log document. What could not be read is said, with the fix.
import * as vscode from 'vscode';
import type { OpenLogsMessage } from '../protocol';
import { loadAwsBundle } from './awsBundle';
import type { ConnectionState } from './connection';
import { LogDocuments, openLogDocument, type Logger } from './logger';

/** Read-only documents of request logs (no "save changes?" on close): `timeout-lens-logs:` URIs. */
export { LogDocuments as RequestLogDocuments };

/** X-Ray trace ids start with the request's epoch seconds: the window to search around. */
function windowOf(traceId: string): { startMs: number; endMs: number } {
  const secs = parseInt(traceId.split('-')[1] ?? '', 16);
  const t = Number.isFinite(secs) ? secs * 1000 : Date.now();
  return { startMs: t - 60_000, endMs: t + 16 * 60_000 };
}

export async function openRequestLogs(m: OpenLogsMessage, conn: ConnectionState, docs: LogDocuments, log: Logger): Promise<void> {
  if (!m.functionName) {
    void vscode.window.showInformationMessage(`Timeout Lens does not know which function served request ${m.requestId}.`);
    return;
  }
  const connection = await conn.authorized();
  if (!connection) return;
  const { AwsClients, functionLogGroup, requestEvents } = loadAwsBundle();
  const clients = new AwsClients(connection);
  let group = '';
  try {
    // A name Lambda would not accept is refused here (an error below), never read as a log group.
    group = functionLogGroup(m.functionName);
    const { startMs, endMs } = windowOf(m.traceId);
    const events = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading the logs of request ${m.requestId}…`, cancellable: true },
      (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return requestEvents(clients, [group], m.requestId, startMs, endMs, ac.signal);
      },
    );
    const text = events.length
      ? events.map((e) => `${new Date(e.timestamp ?? 0).toISOString()}  ${(e.message ?? '').replace(/\n$/, '')}`).join('\n')
      : `No log events of request ${m.requestId} in ${group} between ${new Date(startMs).toISOString()} and ${new Date(endMs).toISOString()}.`;
    // Log lines run long (a JSON payload, a stack trace): the document opens with word wrap on.
    await openLogDocument(docs, `${group}/${m.requestId}.log`, `# ${group} — request ${m.requestId} (trace ${m.traceId})\n\n${text}\n`, vscode.ViewColumn.Beside);
    log.info(`opened ${events.length} log event(s) of ${m.requestId}`);
  } catch (e) {
    const { isCancellation } = loadAwsBundle();
    if (isCancellation(e)) return;
    const msg = e instanceof Error ? e.message : String(e);
    log.warn(`logs of ${m.requestId}: ${msg}`);
    void vscode.window.showWarningMessage(`Timeout Lens could not read the logs of request ${m.requestId}: ${msg}`);
  } finally {
    clients.dispose();
  }
}
