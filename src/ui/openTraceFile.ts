// "Open Trace File…": any file the engine reads (BatchGetTraces output, segment documents,
// the daemon form) into the waterfall, worst request first, the others in its trace list.
// What could not be read is said in a warning naming the files, with this run's log a click away.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { readInputs } from '../ingest/files';
import { analyze } from '../core/analyze';
import type { Report } from '../core/report';
import type { AnalyzedTrace } from '../core/breakdown';
import { readConfig } from './config';
import type { RunLog } from './logger';
import { nameList, skippedFileNames, skippedMessage } from './messages';
import type { Services } from './services';
import type { WaterfallInput } from './waterfallPanel';
import { waterfallEntries } from './waterfallSnapshot';

export interface LoadedFiles {
  input: WaterfallInput | undefined;
  report: Report;
  analyzed: AnalyzedTrace[];
  files: Array<{ path: string; kind: string }>;
}

/**
 * Reads and analyzes files; the waterfall input shows the worst trace (or `traceId` when given).
 * `restoreKey` (from RestoreKeys, never the paths themselves) brings the panel back after a reload.
 */
export async function loadTraceFiles(paths: string[], traceId?: string | null, restoreKey?: string): Promise<LoadedFiles> {
  const inputs = await readInputs(paths);
  const budget = readConfig().budgetMs;
  const { report, analyzed } = analyze(inputs, budget !== undefined ? { overrideMs: budget } : {});
  const entries = waterfallEntries(analyzed, report.findings);
  const chosen = entries.find((e) => e.trace.traceId === traceId) ?? entries[0];
  const input: WaterfallInput | undefined = chosen ? { ...chosen, others: entries, ...(restoreKey ? { restoreKey } : {}) } : undefined;
  return { input, report, analyzed, files: inputs.files };
}

/**
 * Tells the user what was skipped, in one warning naming the files; the details go to the log,
 * and "Show Details" opens this run's lines alone (a read-only document: the output channel
 * holds every run and cannot be scrolled to this one).
 */
export function reportSkipped(report: Report, files: readonly string[], log: RunLog): void {
  if (!report.errors.length) return;
  for (const e of report.errors) log.warn(`skipped ${e.source}: ${e.message}`);
  const names = skippedFileNames(report.errors, files);
  void vscode.window.showWarningMessage(skippedMessage(report.errors, files), 'Show Details').then((choice) => {
    if (choice) void log.show(`Open Trace File ${nameList(names)}`);
  });
}

export async function pickTraceFiles(): Promise<string[] | undefined> {
  const uris = await vscode.window.showOpenDialog({
    title: 'Timeout Lens: Open Trace File',
    openLabel: 'Open in Waterfall',
    canSelectMany: true,
    canSelectFolders: false,
    filters: { 'Traces and logs': ['json', 'ndjson', 'jsonl', 'txt', 'log'], 'All files': ['*'] },
  });
  return uris?.map((u) => u.fsPath);
}

/**
 * The command: the files given (the Explorer's selection, a path) or chosen in the dialog, read
 * with progress in the status bar, their endpoints into Slow Endpoints, the worst trace opened.
 */
export async function openTraceFiles(services: Services, arg?: vscode.Uri | string, all?: vscode.Uri[]): Promise<void> {
  // This run's lines, for the Show Details of its message.
  const log = services.log.forRun('open');
  const paths = all?.length ? all.map((u) => u.fsPath) : arg instanceof vscode.Uri ? [arg.fsPath] : typeof arg === 'string' ? [arg] : await pickTraceFiles();
  if (!paths?.length) return;
  const loaded = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Timeout Lens: reading traces…' },
    // The panel keeps an opaque id; the paths stay in the extension's workspace state.
    () => loadTraceFiles(paths, undefined, services.restoreKeys.keyFor(paths)),
  );
  log.info(`read ${loaded.files.map((f) => `${f.path} (${f.kind})`).join(', ') || 'nothing'}: ${loaded.report.traces.length} trace(s)`);
  if (loaded.report.endpoints.length) services.endpoints.setRun(loaded.report.endpoints, loaded.input?.others ?? []);
  services.evidence.addAnalyzed(
    loaded.analyzed,
    loaded.report,
    { source: loaded.files.map((f) => basename(f.path)).join(', ') || 'trace files', capturedAtMs: Date.now() },
    loaded.input?.restoreKey,
  );
  reportSkipped(loaded.report, [...paths, ...loaded.files.map((f) => f.path)], log);
  if (loaded.input) services.waterfalls.show(loaded.input);
  else if (!loaded.report.errors.length) void vscode.window.showInformationMessage('Timeout Lens found no traces in the chosen file(s).');
}
