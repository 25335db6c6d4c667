// "Trace 504": pick an API (or a Lambda function) and a window, fetch the 504s and near-budget
// requests from X-Ray with a cancellable progress notification, and open the worst one in the
// waterfall. Whatever failed on the way is said in plain words; what was fetched still shows.
import * as vscode from 'vscode';
import type { ApiInfo, FunctionConfig } from '../awsBundle';
import { loadAwsBundle } from './awsBundle';
import { readConfig } from './config';
import type { ConnectionState } from './connection';
import { offerLog, type Logger } from './logger';
import type { Services } from './services';
import { waterfallEntries } from './waterfallSnapshot';
import type { WaterfallEntry } from './waterfallPanel';

interface Target {
  api?: string;
  functionName?: string;
  /** One trace by its id ("Enter a trace ID…"): no window to choose. */
  traceId?: string;
  label: string;
}

async function pickTarget(conn: ConnectionState, log: Logger, handlerOf: Services['handlerOf']): Promise<Target | undefined> {
  type Item = vscode.QuickPickItem & { target?: Target; fn?: boolean; byId?: boolean };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `Timeout Lens: Trace 504 — ${conn.describe()}`;
  qp.placeholder = 'Choose the API (or a Lambda function) whose slow requests to trace';
  qp.busy = true;
  const byName: Item = { label: '$(symbol-function) A Lambda function by name…', detail: 'Trace a function that is not listed', fn: true, alwaysShow: true };
  const byId: Item = { label: '$(search) Enter a trace ID…', detail: 'Open one request by its X-Ray (or OpenTelemetry) trace ID', byId: true, alwaysShow: true };
  qp.items = [byName, byId];
  qp.show();
  const { AwsClients, listApis, listFunctions } = loadAwsBundle();
  const clients = new AwsClients(conn.connection());
  let apiItems: Item[] = [];
  let fnItems: Item[] = [];
  let mineItems: Item[] = [];
  const show = (): void => {
    qp.items = [
      ...(mineItems.length ? [{ label: 'Functions in this workspace', kind: vscode.QuickPickItemKind.Separator } as Item, ...mineItems] : []),
      ...(apiItems.length ? [{ label: 'APIs', kind: vscode.QuickPickItemKind.Separator } as Item, ...apiItems] : []),
      ...(fnItems.length ? [{ label: mineItems.length ? 'Other Lambda functions' : 'Lambda functions', kind: vscode.QuickPickItemKind.Separator } as Item, ...fnItems] : []),
      byName,
      byId,
    ];
  };
  // A list that could not be read says why in its place (e.g. the IAM action to add).
  const failed = (what: string, put: (items: Item[]) => void) => (e: unknown): void => {
    const m = e instanceof Error ? e.message : String(e);
    log.warn(`could not list ${what}: ${m}`);
    put([{ label: `$(warning) Could not list the ${what}`, detail: m, alwaysShow: true }]);
    show();
  };
  // The APIs and the functions are asked for at once; each list shows as soon as it is there.
  void Promise.allSettled([
    listApis(clients)
      .then((apis: ApiInfo[]) => {
        apiItems = apis.map((a) => ({ label: `$(globe) ${a.name}`, description: `${a.kind.toUpperCase()} API · ${a.id}`, target: { api: a.name, label: a.name } }));
        show();
      })
      .catch(failed('APIs', (i) => (apiItems = i))),
    listFunctions(clients)
      .then((fns: FunctionConfig[]) => {
        // The functions whose handlers are in this workspace come first: they are the ones being worked on.
        const mine: Item[] = [];
        const others: Item[] = [];
        for (const f of fns) {
          const handler = handlerOf(f.name);
          (handler ? mine : others).push({
            label: `$(symbol-function) ${f.name}`,
            description: `${handler ? `handler ${handler} · ` : ''}timeout ${f.timeoutMs / 1000} s · ${f.memoryMb} MB`,
            target: { functionName: f.name, label: f.name },
          });
        }
        mineItems = mine;
        fnItems = others;
        show();
      })
      .catch(failed('Lambda functions', (i) => (fnItems = i))),
  ]).finally(() => {
    qp.busy = false;
    clients.dispose();
  });
  const chosen = await new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
  });
  qp.dispose();
  if (!chosen) return undefined;
  if (chosen.byId) {
    const { normalizeTraceId } = loadAwsBundle();
    const text = await vscode.window.showInputBox({
      title: 'Timeout Lens: Trace 504 — trace ID',
      prompt: 'An X-Ray trace ID (1-5f84c7a1-58dd2bd0a7ec0c74f1b1b6e2), a Root= header value, or 32 hex digits from OpenTelemetry',
      ignoreFocusOut: true,
      validateInput: (v) => (normalizeTraceId(v) ? undefined : 'X-Ray trace IDs look like 1-5f84c7a1-58dd2bd0a7ec0c74f1b1b6e2 (OpenTelemetry: 32 hex digits)'),
    });
    const id = text ? normalizeTraceId(text) : undefined;
    return id ? { traceId: id, label: id } : undefined;
  }
  if (chosen.fn) {
    const name = await vscode.window.showInputBox({
      title: 'Timeout Lens: Trace 504 — Lambda function',
      prompt: 'The function name (as in the Lambda console)',
      validateInput: (v) => (/^[A-Za-z0-9-_]{1,140}$/.test(v.trim()) ? undefined : 'A function name has letters, digits, - and _ only'),
    });
    return name ? { functionName: name.trim(), label: name.trim() } : undefined;
  }
  return chosen.target;
}

const WINDOWS: Array<{ label: string; minutes: number }> = [
  { label: 'Last 15 minutes', minutes: 15 },
  { label: 'Last hour', minutes: 60 },
  { label: 'Last 3 hours', minutes: 180 },
  { label: 'Last 24 hours', minutes: 1440 },
  { label: 'Last 7 days', minutes: 10080 },
];

async function pickWindow(): Promise<number | undefined> {
  const preferred = readConfig().traceWindowMinutes;
  const items = WINDOWS.map((w) => ({ ...w, description: w.minutes === preferred ? '(default)' : '' }));
  items.sort((a, b) => Number(b.minutes === preferred) - Number(a.minutes === preferred));
  const pick = await vscode.window.showQuickPick(items, { title: 'Timeout Lens: Trace 504 — time window' });
  return pick?.minutes;
}

/**
 * What a run says that is worth knowing but is not a failure (sampling, an HTTP API's traces, where
 * the statistics were computed): logged, never raised as a warning.
 */
function isNote(w: string): boolean {
  return /^X-Ray samples|were computed by CloudWatch Logs Insights|is an HTTP API, which API Gateway does not trace/.test(w);
}

/** What a caller can settle in advance (the sample account's own run, a tree node's route). */
export interface Trace504Preset {
  api?: string;
  functionName?: string;
  minutes?: number;
}

export async function runTrace504(services: Services, preset?: Trace504Preset): Promise<void> {
  const { connection: conn, endpoints, live, waterfalls, evidence } = services;
  const log = services.log.child('trace504');
  const target = preset?.api || preset?.functionName ? { ...preset, label: preset.api ?? preset.functionName ?? '' } : await pickTarget(conn, log, services.handlerOf);
  if (!target) return;
  if (target.traceId) return openTraceById(services, target.traceId);
  const minutes = preset?.minutes ?? (await pickWindow());
  if (!minutes) return;
  const { AwsClients, trace504, isCancellation } = loadAwsBundle();
  const cfg = readConfig();
  const clients = new AwsClients(conn.connection());
  // The first answer opens at once; the run's full answer then fills the same panel.
  let shownFirst: WaterfallEntry | undefined;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Trace 504: ${target.label}`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return trace504(clients, {
          ...(target.api ? { api: target.api } : {}),
          ...(target.functionName ? { functionName: target.functionName } : {}),
          sinceMs: Date.now() - minutes * 60_000,
          maxTraces: cfg.maxTraces,
          ...(cfg.budgetMs ? { budgetOverrideMs: cfg.budgetMs } : {}),
          signal: ac.signal,
          onProgress: (m) => progress.report({ message: m }),
          onFirst: (first) => {
            const entries = waterfallEntries(first.analyzed, first.report.findings);
            if (!entries[0] || token.isCancellationRequested) return;
            shownFirst = entries[0];
            waterfalls.show({ ...entries[0], others: entries });
            log.info(`trace 504 ${first.target}: first answer ${shownFirst.trace.traceId}, fetching the rest`);
          },
        });
      },
    );
    for (const w of result.warnings) if (isNote(w)) log.info(w); else log.warn(w);
    // The answer first (the worst request's waterfall), then the views that follow from it; the
    // run's log line comes last, once everything it opened is there.
    const entries = waterfallEntries(result.analyzed, result.report.findings);
    const worst = entries[0];
    if (shownFirst !== undefined) {
      // The panel of the first answer gets the whole list and stays on the request it shows (a
      // worse one found later heads its list); a panel the user closed meanwhile stays closed.
      const id = shownFirst.trace.traceId;
      const again = entries.find((e) => e.trace.traceId === id) ?? shownFirst;
      waterfalls.update({ ...again, others: entries });
    } else if (worst) waterfalls.show({ ...worst, others: entries });
    if (result.report.endpoints.length) {
      const { plan, options, insights } = result.follow;
      const accessLogs = plan.accessGroups.map((a) => {
        const learned = insights?.groups.get(a.group)?.fields;
        return { api: plan.api ?? '(api)', stage: a.stage, group: a.group, kind: options.apiType, ...(learned ? { fields: learned } : {}) };
      });
      endpoints.setRun(result.report.endpoints, entries, result.routes, { account: conn.label(), findings: result.report.findings, accessLogs, window: { startMs: result.follow.sinceMs, endMs: Date.now() } });
    }
    live.followRun(result.follow, result.target);
    evidence.addAnalyzed(result.analyzed, result.report, { source: `Trace 504 on ${result.target}`, capturedAtMs: Date.now(), windowMinutes: minutes, routes: result.routes });
    log.info(`trace 504 ${result.target}: ${result.report.traces.length} trace(s) of ${result.summaries} slow request(s)`);
    if (worst) {
      const problems = result.warnings.filter((w) => !isNote(w));
      if (problems.length) {
        offerLog(vscode.window.showWarningMessage(`Trace 504: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more in the log)` : ''}`, 'Show Log'));
      }
    } else {
      void vscode.window.showInformationMessage(`Trace 504: ${result.warnings[0] ?? `no slow requests of ${result.target} in the last ${minutes} minutes.`}`);
    }
  } catch (e) {
    if (isCancellation(e)) {
      log.info('trace 504 cancelled');
      return;
    }
    const m = e instanceof Error ? e.message : String(e);
    log.error(`trace 504 failed: ${m}`);
    offerLog(vscode.window.showErrorMessage(`Trace 504: ${m}`, 'Show Log'));
  } finally {
    clients.dispose();
  }
}

/** "Enter a trace ID…": fetches one trace, holds it to its API's real budget, opens its waterfall. */
async function openTraceById(services: Services, traceId: string): Promise<void> {
  const { connection: conn, waterfalls, evidence } = services;
  const log = services.log.child('trace504');
  const { AwsClients, traceById, isCancellation } = loadAwsBundle();
  const clients = new AwsClients(conn.connection());
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Trace 504: fetching trace ${traceId}`, cancellable: true },
      async (_progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return traceById(clients, traceId, ac.signal);
      },
    );
    for (const w of result.warnings) log.warn(w);
    const entries = waterfallEntries(result.analyzed, result.report.findings);
    if (!entries[0]) {
      const why = result.report.errors[0]?.message;
      offerLog(vscode.window.showErrorMessage(`Trace 504: trace ${traceId} could not be read${why ? `: ${why}` : ''}.`, 'Show Log'));
      return;
    }
    waterfalls.show({ ...entries[0], others: entries });
    evidence.addAnalyzed(result.analyzed, result.report, { source: `X-Ray ${result.target}`, capturedAtMs: Date.now(), routes: result.routes });
    log.info(`trace 504 ${result.target}: opened`);
    if (result.warnings.length) void vscode.window.showWarningMessage(`Trace 504: ${result.warnings[0]}`);
  } catch (e) {
    if (isCancellation(e)) {
      log.info('trace by id cancelled');
      return;
    }
    const m = e instanceof Error ? e.message : String(e);
    log.error(`trace ${traceId} failed: ${m}`);
    offerLog(vscode.window.showErrorMessage(`Trace 504: ${m}`, 'Show Log'));
  } finally {
    clients.dispose();
  }
}
