// "Trace 504": pick an API (or a Lambda function) and a window, fetch the 504s and near-budget
// requests from X-Ray with a cancellable progress notification, and open the worst one in the
// waterfall. Whatever failed on the way is said in plain words with its fix (messages.ts), as an
// error when nothing could be read and a warning when part could; what was fetched still shows.
import * as vscode from 'vscode';
import type { ApiInfo, Connection, FunctionConfig } from '../awsBundle';
import { Commands, Settings } from '../constants';
import { loadAwsBundle } from './awsBundle';
import { readConfig } from './config';
import type { ConnectionState } from './connection';
import { offerLog, type Logger } from './logger';
import { failedRunMessage, failureLabel, failureOf, fixesFor, trace504Message, whatToDo, wrapText, type Fix, type FixContext, type RunFailure, type RunMessage } from './messages';
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

/** What the target picker ends with: a target, "run Trace 504 again" (after a fix), or nothing. */
type Picked = Target | 'again' | undefined;

async function pickTarget(services: Services, connection: Connection, log: Logger): Promise<Picked> {
  const { connection: conn, handlerOf } = services;
  type Item = vscode.QuickPickItem & { target?: Target; fn?: boolean; byId?: boolean; failure?: { title: string; failure: RunFailure } };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `Timeout Lens: Trace 504 — ${conn.describe()}`;
  qp.placeholder = 'Choose the API (or a Lambda function) whose slow requests to trace';
  qp.busy = true;
  const byName: Item = { label: '$(symbol-function) A Lambda function by name…', detail: 'Trace a function that is not listed', fn: true, alwaysShow: true };
  const byId: Item = { label: '$(search) Enter a trace ID…', detail: 'Open one request by its X-Ray (or OpenTelemetry) trace ID', byId: true, alwaysShow: true };
  qp.items = [byName, byId];
  qp.show();
  const { AwsClients, listApis, listFunctions } = loadAwsBundle();
  const clients = new AwsClients(connection);
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
  // A list that could not be read says why in its place: what failed in a few words, the whole
  // message on the second line (VS Code shows all of it when the line is hovered) and as the
  // tooltip of its copy button. Choosing the row offers the fixes for that failure.
  const failed = (what: string, put: (items: Item[]) => void) => (e: unknown): void => {
    const title = `Could not list the ${what}`;
    const f = failureOf(e, title);
    log.warn(`could not list ${what}: ${f.message}`);
    put([
      {
        label: `$(warning) ${title}`,
        description: `${failureLabel(f)} — choose to fix`,
        detail: f.message,
        alwaysShow: true,
        buttons: [{ iconPath: new vscode.ThemeIcon('copy'), tooltip: `Copy the message: ${f.message}` }],
        failure: { title, failure: f },
      },
    ]);
    show();
  };
  qp.onDidTriggerItemButton((e) => {
    if (e.item.failure) void copyText(e.item.failure.failure.message, 'the message');
  });
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
  if (chosen.failure) {
    // Not a silent close: the failure's fixes, then (when a fix changed where to read) the list again.
    const fix = await chooseFix(chosen.failure.title, chosen.failure.failure, fixContext(conn));
    if (fix === 'again') return 'again';
    return fix && (await applyFix(fix, services)) ? 'again' : undefined;
  }
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

/** Where Trace 504 reads from, as the fixes need it. */
function fixContext(conn: ConnectionState): FixContext {
  if (conn.kind === 'sample') return conn.sampleEndpoint ? { endpoint: conn.sampleEndpoint } : {};
  const c = readConfig();
  return { ...(c.profile ? { profile: c.profile } : {}), ...(c.endpoint ? { endpoint: c.endpoint } : {}) };
}

const FIX_ICONS: Record<Fix['id'], string> = {
  'sso-login': 'terminal',
  'select-profile': 'account',
  'copy-iam-actions': 'copy',
  'open-iam-policy': 'shield',
  'select-region': 'globe',
  'open-endpoint-setting': 'settings-gear',
  retry: 'refresh',
};

/** Characters of a message line that fit the picker's 600 px without being cut. */
const MESSAGE_LINE = 64;

/**
 * The second step of a list that could not be read: the whole message, line by line (a quick
 * pick row is one line, cut at the picker's width), then the fixes for its code, then Trace 504
 * again and a copy of the message.
 */
async function chooseFix(title: string, failure: RunFailure, ctx: FixContext): Promise<Fix | 'again' | undefined> {
  type Item = vscode.QuickPickItem & { fix?: Fix; again?: boolean; copy?: boolean };
  const message: Item[] = wrapText(failure.message, MESSAGE_LINE).map((line, i) => ({ label: `${i ? '$(blank)' : '$(error)'} ${line}`, alwaysShow: true }));
  const fixes: Item[] = fixesFor(failure.code, ctx, [failure])
    .filter((f) => f.id !== 'retry')
    .map((f) => ({ label: `$(${FIX_ICONS[f.id]}) ${f.label}`, detail: f.detail, fix: f, alwaysShow: true }));
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `Timeout Lens: Trace 504 — ${title}`;
  qp.placeholder = whatToDo(failure.code, ctx, [failure]) || 'Choose what to do';
  const again: Item = { label: '$(refresh) Trace 504 again', detail: 'List the APIs and Lambda functions again', again: true, alwaysShow: true };
  qp.items = [
    { label: 'What failed', kind: vscode.QuickPickItemKind.Separator },
    ...message,
    { label: 'What to do', kind: vscode.QuickPickItemKind.Separator },
    ...fixes,
    again,
    { label: '$(copy) Copy the message', copy: true, alwaysShow: true },
  ];
  qp.activeItems = [fixes[0] ?? again];
  const chosen = await new Promise<Fix | 'again' | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0];
      if (sel?.copy) void copyText(failure.message, 'the message');
      // A line of the message is there to be read: choosing it does nothing.
      if (!sel?.fix && !sel?.again) return;
      resolve(sel.fix ?? 'again');
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  return chosen;
}

async function copyText(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`Timeout Lens: ${what} copied`, 4000);
}

/**
 * Does a fix. True when Trace 504 should run again now: the profile or Region changed, or the
 * fix is to try again. Signing in is typed into a terminal, not run: it opens a browser and
 * starts a session, which the person should see and start with Enter (for the profile shown).
 */
async function applyFix(fix: Fix, services: Services): Promise<boolean> {
  switch (fix.id) {
    case 'sso-login': {
      const terminal = vscode.window.createTerminal({ name: 'AWS sign-in' });
      terminal.show();
      terminal.sendText(fix.text ?? 'aws sso login', false);
      return false;
    }
    case 'select-profile':
    case 'select-region': {
      const before = services.connection.describeSettings();
      await vscode.commands.executeCommand(fix.id === 'select-profile' ? Commands.selectProfile : Commands.selectRegion);
      return services.connection.describeSettings() !== before;
    }
    case 'copy-iam-actions':
      await copyText(fix.text ?? '', fix.text?.includes('\n') ? 'the IAM actions' : `the IAM action ${fix.text ?? ''}`);
      return false;
    case 'open-iam-policy':
      await openIamPolicy(services.context.extensionUri);
      return false;
    case 'open-endpoint-setting':
      await vscode.commands.executeCommand('workbench.action.openSettings', `${Settings.section}.${Settings.endpoint}`);
      return false;
    case 'retry':
      return true;
  }
}

/** The README's IAM permissions section: the read-only policy, every action Timeout Lens calls. */
async function openIamPolicy(extensionUri: vscode.Uri): Promise<void> {
  // A packaged extension holds it as readme.md (vsce lowers the name), the repository as README.md.
  const name = (await vscode.workspace.fs.readDirectory(extensionUri)).find(([n]) => /^readme\.md$/i.test(n))?.[0] ?? 'README.md';
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(extensionUri, name));
  const line = Math.max(0, doc.getText().split('\n').findIndex((l) => /^## IAM permissions/.test(l)));
  const at = new vscode.Position(line, 0);
  const editor = await vscode.window.showTextDocument(doc, { preview: true, selection: new vscode.Range(at, at) });
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.AtTop);
}

/** Shows a run's message with its fix buttons and "Show Log"; a fix that changes where to read runs `again`. */
function showRunMessage(msg: RunMessage, services: Services, again: () => Promise<void>): void {
  const show = msg.severity === 'error' ? vscode.window.showErrorMessage : msg.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const buttons = [...msg.fixes.map((f) => f.button), ...(msg.log ? ['Show Log'] : [])];
  void show(msg.text, ...buttons)
    .then(async (choice) => {
      if (choice === 'Show Log') return void vscode.commands.executeCommand(Commands.showOutput);
      const fix = msg.fixes.find((f) => f.button === choice);
      if (fix && (await applyFix(fix, services))) await again();
    })
    .then(undefined, (e: unknown) => services.log.child('trace504').error(`the fix failed: ${e instanceof Error ? e.message : String(e)}`));
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
 * the statistics were computed, how many requests only Transaction Search had): logged, never
 * raised as a warning.
 */
function isNote(w: string): boolean {
  return /^X-Ray samples|were computed by CloudWatch Logs Insights|is an HTTP API, which API Gateway does not trace|^Transaction Search is on: /.test(w);
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
  // Before anything is listed or fetched: an endpoint the user has not allowed gets nothing.
  const connection = await conn.authorized();
  if (!connection) return;
  const target = preset?.api || preset?.functionName ? { ...preset, label: preset.api ?? preset.functionName ?? '' } : await pickTarget(services, connection, log);
  if (target === 'again') return runTrace504(services);
  if (!target) return;
  if (target.traceId) return openTraceById(services, connection, target.traceId);
  const minutes = preset?.minutes ?? (await pickWindow());
  if (!minutes) return;
  const { AwsClients, trace504, isCancellation } = loadAwsBundle();
  const cfg = readConfig();
  // The same run again, after a fix from its message.
  const again = (): Promise<void> => runTrace504(services, { ...(target.api ? { api: target.api } : {}), ...(target.functionName ? { functionName: target.functionName } : {}), minutes });
  const clients = new AwsClients(connection);
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
          ...(cfg.gbSecondUsd !== undefined ? { gbSecondUsd: cfg.gbSecondUsd } : {}),
          ...(cfg.retryClientField ? { retryClientField: cfg.retryClientField } : {}),
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
    live.followRun(result.follow, result.target, connection);
    evidence.addAnalyzed(result.analyzed, result.report, { source: `Trace 504 on ${result.target}`, capturedAtMs: Date.now(), windowMinutes: minutes, routes: result.routes });
    log.info(`trace 504 ${result.target}: ${result.report.traces.length} trace(s) of ${result.summaries} slow request(s)`);
    // Nothing read: an error; part of it: a warning counting each distinct failure; a clean run
    // that found nothing: information; a clean run that opened a request: no message.
    const failed = new Set(result.failures.map((f) => f.message));
    const message = trace504Message(
      {
        target: result.target,
        minutes,
        found: worst !== undefined || shownFirst !== undefined,
        failures: result.failures,
        problems: result.warnings.filter((w) => !isNote(w) && !failed.has(w)),
        notes: result.warnings.filter(isNote),
        sourcesRead: result.sourcesRead,
      },
      fixContext(conn),
    );
    if (message) showRunMessage(message, services, again);
  } catch (e) {
    if (isCancellation(e)) {
      log.info('trace 504 cancelled');
      return;
    }
    const f = failureOf(e, `Trace 504 on ${target.label}`);
    log.error(`trace 504 failed: ${f.message}`);
    showRunMessage(failedRunMessage(target.label, f, fixContext(conn)), services, again);
  } finally {
    clients.dispose();
  }
}

/** "Enter a trace ID…": fetches one trace, holds it to its API's real budget, opens its waterfall. */
async function openTraceById(services: Services, connection: Connection, traceId: string): Promise<void> {
  const { connection: conn, waterfalls, evidence } = services;
  const log = services.log.child('trace504');
  const { AwsClients, traceById, isCancellation } = loadAwsBundle();
  const clients = new AwsClients(connection);
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
    const f = failureOf(e, `Trace ${traceId}`);
    log.error(`trace ${traceId} failed: ${f.message}`);
    showRunMessage(failedRunMessage(`trace ${traceId}`, f, fixContext(conn)), services, () => openTraceById(services, connection, traceId));
  } finally {
    clients.dispose();
  }
}
