// The one output channel ("Timeout Lens", a LogOutputChannel) and a `[component]`-prefixed
// logger on top of it. Payloads at debug level; credentials are never passed in. A logger for
// one run (`forRun`) also keeps that run's lines, so the message about the run can open them on
// their own: the output channel holds every run and cannot be scrolled to one from outside, a
// read-only document of the run's lines can.
import * as vscode from 'vscode';
import { Commands, LOG_LANGUAGE_ID, OUTPUT_CHANNEL_NAME } from '../constants';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  child(component: string): Logger;
  /** A logger for one run of a command: it writes to the channel and keeps the run's lines. */
  forRun(component: string): RunLog;
}

/** The logger of one run: what it wrote, and a way to show just that. */
export interface RunLog extends Logger {
  lines(): readonly string[];
  /** Opens the run's lines as a read-only log document titled `title`; the output channel when there is no document store. */
  show(title: string): Promise<void>;
}

/** Read-only log documents (no "save changes?" on close): `timeout-lens-logs:` URIs. */
export class LogDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'timeout-lens-logs';
  private readonly contents = new Map<string, string>();

  set(uri: vscode.Uri, content: string): void {
    this.contents.set(uri.toString(), content);
    if (this.contents.size > 50) this.contents.delete(this.contents.keys().next().value as string);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? 'These logs are no longer in memory: open them again (from the waterfall, or from the message that offered them).';
  }
}

/**
 * Shows `content` as a read-only document at `path` below the documents' scheme, in the
 * extension's own log language: log colors, and word wrap on for these documents only
 * (package.json `configurationDefaults`), whatever the user set for `.log` files.
 */
export async function openLogDocument(docs: LogDocuments, path: string, content: string, viewColumn?: vscode.ViewColumn): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.from({ scheme: LogDocuments.scheme, path });
  docs.set(uri, content);
  let doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== LOG_LANGUAGE_ID) doc = await vscode.languages.setTextDocumentLanguage(doc, LOG_LANGUAGE_ID);
  return vscode.window.showTextDocument(doc, { preview: true, ...(viewColumn ? { viewColumn } : {}) });
}

export function createOutputChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
}

export function createLogger(channel: vscode.LogOutputChannel, component: string, docs?: LogDocuments): Logger {
  const p = `[${component}]`;
  return {
    trace: (m) => channel.trace(`${p} ${m}`),
    debug: (m) => channel.debug(`${p} ${m}`),
    info: (m) => channel.info(`${p} ${m}`),
    warn: (m) => channel.warn(`${p} ${m}`),
    error: (m) => channel.error(typeof m === 'string' ? `${p} ${m}` : `${p} ${m.message}`),
    child: (c) => createLogger(channel, `${component}:${c}`, docs),
    forRun: (c) => recording(createLogger(channel, `${component}:${c}`, docs), [], () => channel.show(true), docs),
  };
}

function recording(log: Logger, kept: string[], fallback: () => void, docs: LogDocuments | undefined): RunLog {
  const keep = (level: string, m: string | Error): void => {
    kept.push(`${new Date().toISOString()} [${level}] ${typeof m === 'string' ? m : m.message}`);
  };
  return {
    trace: (m) => {
      keep('trace', m);
      log.trace(m);
    },
    debug: (m) => {
      keep('debug', m);
      log.debug(m);
    },
    info: (m) => {
      keep('info', m);
      log.info(m);
    },
    warn: (m) => {
      keep('warning', m);
      log.warn(m);
    },
    error: (m) => {
      keep('error', m);
      log.error(m);
    },
    child: (c) => recording(log.child(c), kept, fallback, docs),
    forRun: (c) => log.forRun(c),
    lines: () => [...kept],
    show: async (title) => {
      if (!docs) return fallback();
      // Each run's document at its own path, so an earlier run's stays as it was.
      const safe = title.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'run';
      await openLogDocument(docs, `/runs/${Date.now()}/${safe}.log`, `# ${title}\n\n${kept.join('\n')}\n`);
    },
  };
}

/** A message whose button (e.g. "Show Log") opens the log: pass the `show…Message` call made with it. */
export function offerLog(shown: Thenable<string | undefined>): void {
  void shown.then((choice) => {
    if (choice) void vscode.commands.executeCommand(Commands.showOutput);
  });
}
