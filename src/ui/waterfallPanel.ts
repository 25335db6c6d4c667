// The waterfall panel, host side: one webview panel per trace id (re-focused, never duplicated),
// the page from waterfallHtml.ts (strict CSP, per-render nonce, snapshot inlined so the first
// paint needs no round trip), the webview's messages checked by the protocol's guards, and a
// serializer so a panel survives a window reload (the webview persists only UI state plus the
// opaque restore key; the caller's `reopen` turns that key back into traces). The snapshot holds
// the rows; a span's details are built when the webview asks for them (`requestDetails`, answered
// by `details` or `detailsError`). `WaterfallPanels` owns the panels and each panel its listeners.
import * as vscode from 'vscode';
import { WebviewTypes } from '../constants';
import type { Span, Trace } from '../core/model';
import type { TraceReport } from '../core/report';
import { REPORT_SCHEMA_VERSION } from '../core/report';
import { renderTextReport } from '../core/textReport';
import { PROTOCOL_VERSION, isWebviewMessage } from '../protocol';
import type { CallSiteRef, HostMessage, OpenLogsMessage, RequestDetailsMessage, WaterfallSnapshot, WebviewMessage } from '../protocol';
import type { Logger } from './logger';
import { workspaceFrameResolver } from './frameResolver';
import { OpenableFiles } from './openableFiles';
import { createNonce, waterfallHtml } from './waterfallHtml';
import { buildWaterfall, detailsReply, logsRequestOf, whatIfReply } from './waterfallSnapshot';
import type { SnapshotOptions, WaterfallModel, WhatIfSource } from './waterfallSnapshot';

/** View type of the panel; package.json's `onWebviewPanel:` activation event must match. */
export const WATERFALL_VIEW_TYPE = WebviewTypes.waterfall;

export interface WaterfallEntry {
  trace: Trace;
  report: TraceReport;
  /** What the predicted bars ("What if") are computed from; without it the strip's toggles are answered with why not. */
  whatIf?: WhatIfSource;
}

export interface WaterfallInput extends WaterfallEntry {
  /** Other traces of the same fetch or file, for the trace list. */
  others?: readonly WaterfallEntry[];
  /**
   * Opaque key handed back to the serializer's `reopen` after a window reload (e.g. the trace
   * file's path). Without one the panel cannot come back after a reload.
   */
  restoreKey?: string;
}

/** The function a span ran in: its nearest ancestor that is a function's own segment. */
function functionOfSpan(span: Span, spans: readonly Span[]): string | undefined {
  const byId = new Map<string, Span>();
  for (const s of spans) byId.set(s.id, s);
  let s: Span | undefined = span;
  for (let hops = 0; s && hops < 64; hops++) {
    if (s.kind === 'function') return s.name;
    s = s.parentId ? byId.get(s.parentId) : undefined;
  }
  return spans.find((x) => x.kind === 'function')?.name;
}

export interface WaterfallHooks {
  log?: Logger;
  /** "Open the logs of this request"; without it the user is told logs are not available yet. */
  openLogs?: (request: OpenLogsMessage) => void | Promise<void>;
  /** The line of the handler's code that makes a downstream call (the code hints know the workspace's handlers). */
  callSiteOf?: (span: Span, functionName: string | undefined) => Promise<CallSiteRef | undefined>;
  /** A finding was clicked in the webview: kept for the code hints (issue 14), which reveal it in the handler. */
  revealFinding?: (traceId: string, findingIndex: number, report: TraceReport) => void | Promise<void>;
}

interface OpenPanel {
  panel: vscode.WebviewPanel;
  traces: Map<string, WaterfallEntry>;
  current: string;
  /** The snapshot of `current` and the spans behind its rows (for `requestDetails`). */
  model: WaterfallModel;
  restoreKey: string | undefined;
  /** The files the host's details replies for `model` offered: all that `openSource` may open. */
  openable: OpenableFiles;
  /** This panel's own listeners: disposed with the panel, never left in the extension's subscriptions. */
  subs: vscode.Disposable[];
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')], enableFindWidget: true };
}

function workspaceFolders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

function modelOf(open: Pick<OpenPanel, 'traces' | 'restoreKey'>, traceId: string): WaterfallModel {
  const entry = open.traces.get(traceId);
  if (!entry) throw new Error(`trace ${traceId} is not in this panel`);
  const others = [...open.traces.values()].filter((e) => e.trace.traceId !== traceId).map((e) => e.report);
  // One resolver per model: its cache serves the stack frames of every span's details.
  const opts: SnapshotOptions = { others, resolveFrame: workspaceFrameResolver(workspaceFolders()) };
  if (open.restoreKey !== undefined) opts.restoreKey = open.restoreKey;
  return buildWaterfall(entry.trace, entry.report, opts);
}

function titleOf(snap: WaterfallSnapshot): string {
  const status = snap.report.entry.status;
  return `${status !== null ? `${status} ` : ''}${snap.report.entry.name} · ${(snap.report.totalMs / 1000).toFixed(1)} s`;
}

function post(panel: vscode.WebviewPanel, message: HostMessage): void {
  void panel.webview.postMessage(message);
}

function entriesOf(input: WaterfallInput): Map<string, WaterfallEntry> {
  const traces = new Map<string, WaterfallEntry>();
  traces.set(input.trace.traceId, input.whatIf ? { trace: input.trace, report: input.report, whatIf: input.whatIf } : { trace: input.trace, report: input.report });
  for (const o of input.others ?? []) if (!traces.has(o.trace.traceId)) traces.set(o.trace.traceId, o);
  return traces;
}

/** The same text `timeout-lens analyze` prints for this one trace, with its waterfall ("Copy report"). */
function textReportOf(entry: WaterfallEntry): string {
  return renderTextReport(
    { schemaVersion: REPORT_SCHEMA_VERSION, traces: [entry.report], endpoints: [], findings: [], errors: [] },
    { traces: new Map([[entry.trace.traceId, entry.trace]]), maxRows: 200 },
  );
}

/** What the webview persisted (webview/waterfall/uiState.ts PersistedState), as far as the host reads it. */
function restoreInfo(state: unknown): { traceId: string | null; restoreKey: string | undefined } {
  if (typeof state !== 'object' || state === null) return { traceId: null, restoreKey: undefined };
  const s = state as { traceId?: unknown; restoreKey?: unknown };
  return {
    traceId: typeof s.traceId === 'string' ? s.traceId : null,
    restoreKey: typeof s.restoreKey === 'string' ? s.restoreKey : undefined,
  };
}

/**
 * Every open waterfall panel, one per trace id (re-focused, never duplicated). Each panel owns
 * its listeners and lets go of them when it closes; disposing this lets go of all of them.
 */
export class WaterfallPanels implements vscode.Disposable {
  /** Open panels by the trace id they show. */
  private readonly panels = new Map<string, OpenPanel>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly hooks: WaterfallHooks = {},
  ) {}

  /**
   * Shows a trace as a waterfall. A panel already showing this trace id is re-focused (with
   * the new data) instead of opening a second one.
   */
  show(input: WaterfallInput): vscode.WebviewPanel {
    const traceId = input.trace.traceId;
    const existing = this.panels.get(traceId);
    if (existing) {
      existing.traces = entriesOf(input);
      existing.restoreKey = input.restoreKey;
      this.switchTo(existing, traceId);
      existing.panel.reveal();
      return existing.panel;
    }
    const panel = vscode.window.createWebviewPanel(WATERFALL_VIEW_TYPE, 'Trace', vscode.ViewColumn.Active, webviewOptions(this.context));
    const open = this.adopt(panel, entriesOf(input), traceId, input.restoreKey);
    this.hooks.log?.info(`waterfall opened: ${traceId} (${open.model.snapshot.spans.count} spans)`);
    return panel;
  }

  /**
   * New data for a trace already open (e.g. a run's full answer after its first one), without
   * revealing its panel or taking the focus; nothing when no panel shows that trace.
   */
  update(input: WaterfallInput): void {
    const existing = this.panels.get(input.trace.traceId);
    if (!existing) return;
    existing.traces = entriesOf(input);
    existing.restoreKey = input.restoreKey;
    this.switchTo(existing, input.trace.traceId);
  }

  /**
   * Brings waterfall panels back after a window reload. `reopen` gets the key the panel was
   * opened with (WaterfallInput.restoreKey) and the trace id it last showed, and returns the
   * input again (e.g. by re-reading the file), or undefined when it is gone.
   */
  registerSerializer(reopen: (restoreKey: string, traceId: string | null) => Promise<WaterfallInput | undefined>): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(WATERFALL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown): Promise<void> => {
        panel.webview.options = webviewOptions(this.context);
        const { traceId, restoreKey } = restoreInfo(state);
        let input: WaterfallInput | undefined;
        try {
          input = restoreKey ? await reopen(restoreKey, traceId) : undefined;
        } catch (e) {
          this.hooks.log?.warn(`could not reopen ${restoreKey ?? '(no key)'}: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (!input) {
          this.render(panel, null);
          panel.title = 'Trace (closed)';
          return;
        }
        const traces = entriesOf(input);
        const current = traceId && traces.has(traceId) ? traceId : input.trace.traceId;
        const already = this.panels.get(current);
        if (already && already.panel !== panel) {
          // The same trace is already open elsewhere: keep one panel per trace.
          panel.dispose();
          already.panel.reveal();
          return;
        }
        this.adopt(panel, traces, current, input.restoreKey ?? restoreKey);
        this.hooks.log?.info(`waterfall restored: ${current}`);
      },
    });
  }

  /** For tests and the integration harness: the trace ids with an open panel. */
  traceIds(): string[] {
    return [...this.panels.keys()];
  }

  dispose(): void {
    for (const open of [...this.panels.values()]) for (const s of open.subs.splice(0)) s.dispose();
    this.panels.clear();
  }

  private adopt(panel: vscode.WebviewPanel, traces: Map<string, WaterfallEntry>, current: string, restoreKey: string | undefined): OpenPanel {
    const model = modelOf({ traces, restoreKey }, current);
    const open: OpenPanel = { panel, traces, current, restoreKey, model, openable: new OpenableFiles(), subs: [] };
    this.panels.set(current, open);
    this.render(panel, model.snapshot);
    open.subs.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        this.onMessage(open, raw).catch((e: unknown) => {
          this.hooks.log?.error(e instanceof Error ? e : String(e));
          void vscode.window.showErrorMessage(`Timeout Lens: ${e instanceof Error ? e.message : String(e)}`);
        });
      }),
      panel.onDidDispose(() => {
        if (this.panels.get(open.current) === open) this.panels.delete(open.current);
        for (const s of open.subs.splice(0)) s.dispose();
      }),
    );
    return open;
  }

  private render(panel: vscode.WebviewPanel, snap: WaterfallSnapshot | null): void {
    const scriptUri = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview.js')).toString();
    panel.webview.html = waterfallHtml({ cspSource: panel.webview.cspSource, scriptUri, nonce: createNonce(), snapshot: snap });
    if (snap) panel.title = titleOf(snap);
  }

  private switchTo(open: OpenPanel, traceId: string): void {
    this.panels.delete(open.current);
    open.current = traceId;
    open.model = modelOf(open, traceId);
    open.openable.clear();
    this.panels.set(traceId, open);
    open.panel.title = titleOf(open.model.snapshot);
    post(open.panel, { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: open.model.snapshot });
  }

  /** Answers a details request with the details, or with why not: the pane never stays busy. */
  private async answerDetails(open: OpenPanel, m: RequestDetailsMessage): Promise<void> {
    const model = open.model;
    const reply = detailsReply(model, m);
    if (reply.type === 'detailsError') this.hooks.log?.warn(`details of span ${m.index} of ${m.traceId}: ${reply.message}`);
    const span = model.spans[m.index];
    if (reply.type === 'details' && span?.kind === 'downstream' && this.hooks.callSiteOf) {
      try {
        const site = await this.hooks.callSiteOf(span, functionOfSpan(span, model.spans));
        if (site) reply.details = { ...reply.details, callSite: site };
      } catch (e) {
        // The details still go: only the link to the code is missing.
        this.hooks.log?.warn(`no call site for span ${m.index} of ${m.traceId}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    // Only the current model's links open (the panel may have switched traces meanwhile).
    if (reply.type === 'details' && open.model === model) open.openable.add(reply.details);
    post(open.panel, reply);
  }

  private async onMessage(open: OpenPanel, raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      this.hooks.log?.warn(`ignored a message the protocol does not know: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const m: WebviewMessage = raw;
    switch (m.type) {
      case 'ready':
        // The webview boots from the html's inline snapshot; after an in-panel trace switch the
        // html is older than what the panel shows, so send the current one.
        if (m.traceId !== open.current) post(open.panel, { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: open.model.snapshot });
        return;
      case 'requestDetails':
        await this.answerDetails(open, m);
        return;
      case 'requestWhatIf': {
        const entry = open.traces.get(open.current);
        const reply = entry ? whatIfReply(open.model, entry.trace, entry.whatIf, m) : undefined;
        if (!reply) return;
        if (reply.type === 'whatIfError') this.hooks.log?.warn(`what-if of ${m.traceId.slice(0, 64)} (${m.fixIds.length} fixes): ${reply.message}`);
        post(open.panel, reply);
        return;
      }
      case 'openSource': {
        // The message is untrusted input: open only a file the host offered for this trace, and
        // only while it is inside the workspace (normalised, symbolic links followed).
        const checked = open.openable.check(m.file, workspaceFolders());
        if (!checked.ok) {
          this.hooks.log?.warn(`refused to open ${JSON.stringify(m.file.slice(0, 300))}: ${checked.reason}`);
          return;
        }
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(checked.file));
        const line = Math.max(0, Math.min(doc.lineCount - 1, m.line - 1));
        await vscode.window.showTextDocument(doc, {
          viewColumn: vscode.ViewColumn.One,
          preview: true,
          selection: new vscode.Range(line, 0, line, 0),
        });
        return;
      }
      case 'openLogs': {
        // The page only names a request: the host reads logs for it when the trace it shows holds
        // it, and takes the function from its own spans (its ARN, else its name), never the page's.
        const entry = open.traces.get(m.traceId);
        const target = entry ? logsRequestOf(entry.trace, m.requestId) : undefined;
        if (!target) {
          this.hooks.log?.warn(`open logs: this panel shows no Lambda request ${m.requestId.slice(0, 64)} in trace ${m.traceId.slice(0, 64)}; nothing was read.`);
          return;
        }
        const request: OpenLogsMessage = { ...m, ...target };
        if (this.hooks.openLogs) await this.hooks.openLogs(request);
        else void vscode.window.showInformationMessage(`Logs for request ${m.requestId} are not available from this panel yet.`);
        return;
      }
      case 'revealFinding': {
        const entry = open.traces.get(m.traceId);
        if (entry && this.hooks.revealFinding) await this.hooks.revealFinding(m.traceId, m.index, entry.report);
        return;
      }
      case 'copyTrace': {
        const entry = open.traces.get(m.traceId);
        if (!entry) return;
        const text =
          m.format === 'json'
            ? JSON.stringify({ report: entry.report, spans: entry.trace.spans.map(({ children: _c, ...rest }) => rest) }, null, 2)
            : textReportOf(entry);
        await vscode.env.clipboard.writeText(text);
        void vscode.window.setStatusBarMessage(`Timeout Lens: trace copied as ${m.format === 'json' ? 'JSON' : 'text'}`, 3000);
        return;
      }
      case 'selectTrace':
        if (open.traces.has(m.traceId)) {
          const elsewhere = this.panels.get(m.traceId);
          if (elsewhere && elsewhere !== open) elsewhere.panel.dispose();
          this.switchTo(open, m.traceId);
        } else post(open.panel, { type: 'notice', v: PROTOCOL_VERSION, level: 'error', text: `Trace ${m.traceId} is not loaded.` });
        return;
    }
  }
}
