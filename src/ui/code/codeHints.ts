// The hints in handler code: a CodeLens over each handler the workspace knows (from a template or
// a link the user made), its hover, a hint at the end of each call line the traces saw and that
// line's hover. Everything reads the evidence store and the handler index and refreshes when
// either changes. Nothing is parsed until a handler file is looked at.
import * as vscode from 'vscode';
import { hostOf, otelCodeFrame, type FunctionEvidence } from '../../code/evidence';
import { budgetSec, callHoverMarkdown, callMatches, cell, commandLink, handlerHoverMarkdown, inlineHintText, lensText, matchCalls, type MatchedCall } from '../../code/hints';
import type { Span } from '../../core/model';
import type { CallSiteRef } from '../../protocol';
import { matchesDeployedName } from '../../code/deployedNames';
import type { CodeOutline, FunctionDecl, HandlerDef } from '../../code/types';
import { Colors, Commands, Settings } from '../../constants';
import { workspaceFrameResolver } from '../frameResolver';
import type { EvidenceStore } from './evidenceStore';
import type { HandlerLinks } from './handlerLinks';
import type { Outlines } from './outlines';
import type { Logger } from '../logger';
import type { WorkspaceIndex } from './workspaceIndex';

/** The files hints are offered in. */
export const HANDLER_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'javascriptreact' },
  { scheme: 'file', language: 'typescriptreact' },
  { scheme: 'file', language: 'python' },
];

/** One handler of a file, with what is known of it. */
export interface HandlerHint {
  def: HandlerDef;
  decl?: FunctionDecl;
  /** The deployed function's name, when known (template, link or evidence). */
  functionName?: string;
  evidence?: FunctionEvidence;
}

/** What a file's hints rest on. */
interface FileHints {
  outline: CodeOutline;
  handlers: HandlerHint[];
  calls: Array<MatchedCall & { functionName: string; evidenceOf: FunctionEvidence }>;
}

export class CodeHints implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private readonly lensChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensChanged.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor(Colors.inlineHint), fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private typing: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly store: EvidenceStore,
    private readonly links: HandlerLinks,
    private readonly outlines: Outlines,
    private readonly log: Logger,
    /**
     * The account's function names (ListFunctions), for functions a template leaves CloudFormation
     * to name (`<stack>-<LogicalId>-<suffix>`): asked only when such a handler is looked at.
     */
    private readonly accountFunctions: () => Promise<string[]> = async () => [],
  ) {
    const refresh = (): void => {
      this.lensChanged.fire();
      this.decorateVisible();
    };
    this.subscriptions.push(
      this.decoration,
      index.onDidChange(refresh),
      store.onDidChange(refresh),
      links.onDidChange(refresh),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorateVisible()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!vscode.window.visibleTextEditors.some((x) => x.document === e.document)) return;
        clearTimeout(this.typing);
        this.typing = setTimeout(() => this.decorateVisible(), 400);
      }),
      { dispose: () => clearTimeout(this.typing) },
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${Settings.section}.${Settings.inlineHints}`)) this.decorateVisible();
      }),
    );
    this.decorateVisible();
  }

  /** The handlers of a document and the evidence for each, or undefined when it holds none the workspace knows. */
  async fileHints(doc: vscode.TextDocument): Promise<FileHints | undefined> {
    try {
      return await this.readFileHints(doc);
    } catch (e) {
      // A provider that throws shows nothing and says nothing: say it in the log.
      this.log.error(`code hints for ${vscode.workspace.asRelativePath(doc.uri)} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return undefined;
    }
  }

  private async readFileHints(doc: vscode.TextDocument): Promise<FileHints | undefined> {
    if (!this.outlines.readable(doc)) return undefined;
    await this.index.start();
    const file = doc.uri.fsPath;
    const decls = this.index.functionsOfFile(file);
    const linked = this.links.ofFile(file);
    const evidenceByFrames = this.evidenceWithFramesIn(file);
    if (!decls.length && !linked.length && !evidenceByFrames.length) return undefined;
    const outline = await this.outlines.outline(doc);
    if (!outline || outline.skipped) return undefined;
    const handlers: HandlerHint[] = [];
    for (const def of outline.handlers) {
      const decl = decls.find((d) => d.handlerExport === def.name);
      const link = linked.find((l) => l.exportName === def.name);
      if (!decl && !link) continue;
      const evidence = link ? this.store.get(link.functionName) : decl ? this.store.all().find((e) => matchesDeployedName(decl, e.functionName)) : undefined;
      const functionName = link?.functionName ?? evidence?.functionName ?? decl?.deployedNames[0] ?? (decl ? await this.generatedName(decl) : undefined);
      handlers.push({ def, ...(decl ? { decl } : {}), ...(functionName ? { functionName } : {}), ...(evidence ? { evidence } : {}) });
    }
    // A trace whose exceptions name this file, with no template or link: its function's handler is
    // the file's first handler (a file read by one function is the usual case).
    if (!handlers.length && evidenceByFrames.length && outline.handlers.length) {
      const evidence = evidenceByFrames[0]!;
      handlers.push({ def: outline.handlers[0]!, functionName: evidence.functionName, evidence });
    }
    const calls: FileHints['calls'] = [];
    const resolve = workspaceFrameResolver((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
    const seen = new Set<FunctionEvidence>();
    for (const h of handlers) {
      const ev = h.evidence;
      if (!ev || seen.has(ev)) continue;
      seen.add(ev);
      const frameLines = (c: FunctionEvidence['calls'][number]): number[] =>
        c.frames.filter((f) => resolve(f.path, f.workingDirectory) === file).map((f) => f.line - 1);
      for (const m of matchCalls(outline.calls, ev.calls, frameLines)) calls.push({ ...m, functionName: ev.functionName, evidenceOf: ev });
    }
    return { outline, handlers, calls };
  }

  /** The handler file of a deployed function in this workspace (workspace-relative), from a template or a link. */
  handlerOf(functionName: string): string | undefined {
    const link = this.links.all().find((l) => l.functionName === functionName);
    if (link) return link.file;
    const decl = this.index.functions().find((d) => d.handlerFile && matchesDeployedName(d, functionName));
    return decl?.handlerFile ? vscode.workspace.asRelativePath(decl.handlerFile) : undefined;
  }

  /**
   * The line of the workspace's code that makes a span's call ("Go to code" in the waterfall):
   * in the handler files of the span's function (its template's or its link's), the call site
   * that matches the span's service and operation or host. A stack frame of the span wins.
   */
  async callSiteOf(span: Span, functionName: string | undefined): Promise<CallSiteRef | undefined> {
    await this.index.start();
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const resolve = workspaceFrameResolver(folders);
    const otel = otelCodeFrame(span);
    const otelFile = otel ? resolve(otel.path, undefined) : undefined;
    if (otel && otelFile) return { file: otelFile, line: otel.line, text: `${otel.path}:${otel.line}` };
    for (const ex of span.cause?.exceptions ?? []) {
      for (const f of ex.stack) {
        const file = f.path ? resolve(f.path, span.cause?.workingDirectory) : undefined;
        if (file && f.line) return { file, line: f.line, text: f.label ?? `${f.path}:${f.line}` };
      }
    }
    if (!functionName) return undefined;
    const files = new Set<string>();
    for (const d of this.index.functions()) if (d.handlerFile && matchesDeployedName(d, functionName)) files.add(d.handlerFile);
    for (const l of this.links.all()) {
      const file = l.functionName === functionName ? this.links.fileOf(l) : undefined;
      if (file) files.add(file);
    }
    const wanted = { namespace: span.namespace ?? null, name: span.name, ...(span.aws?.operation ? { operation: span.aws.operation } : {}), ...(hostOf(span) ? { host: hostOf(span)! } : {}) };
    for (const file of files) {
      let doc: vscode.TextDocument;
      try {
        doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      } catch {
        continue; // deleted since the index read it
      }
      const outline = await this.outlines.outline(doc);
      const site = outline?.calls.find((c) => callMatches(c, wanted));
      if (site) return { file, line: site.span.line + 1, text: site.text };
    }
    return undefined;
  }

  private names: { at: number; names: Promise<string[]> } | undefined;

  /** The deployed name of a function CloudFormation named, found among the account's functions. */
  private async generatedName(decl: FunctionDecl): Promise<string | undefined> {
    if (!decl.deployedNamePrefixes.length) return undefined;
    // One ListFunctions for ten minutes at most, shared by every handler.
    if (!this.names || Date.now() - this.names.at > 600_000) {
      const names = this.accountFunctions().catch((e: unknown) => {
        this.log.warn(`could not list the account's functions to find ${decl.logicalId}'s deployed name: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      });
      this.names = { at: Date.now(), names };
    }
    return (await this.names.names).find((n) => matchesDeployedName(decl, n));
  }

  private evidenceWithFramesIn(file: string): FunctionEvidence[] {
    const resolve = workspaceFrameResolver((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
    return this.store.all().filter((ev) => ev.calls.some((c) => c.frames.some((f) => resolve(f.path, f.workingDirectory) === file)));
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const hints = await this.fileHints(doc);
    if (!hints) return [];
    return hints.handlers.map((h) => {
      const range = toRange(h.def.span);
      if (h.evidence) {
        return new vscode.CodeLens(range, {
          title: lensText(h.evidence, '$(watch)'),
          tooltip: `Open the worst request of ${h.evidence.functionName} in the waterfall`,
          command: Commands.openWorstRequest,
          arguments: [h.evidence.functionName],
        });
      }
      if (h.functionName) {
        return new vscode.CodeLens(range, {
          title: '$(watch) Trace 504 for this function',
          tooltip: `Fetch the slow requests of ${h.functionName} from X-Ray and CloudWatch Logs`,
          command: Commands.trace504,
          arguments: [{ functionName: h.functionName }],
        });
      }
      return new vscode.CodeLens(range, {
        title: '$(link) Link this handler to a function…',
        tooltip: 'Tell Timeout Lens which deployed Lambda function runs this handler',
        command: Commands.linkHandler,
        arguments: [doc.uri, h.def.name],
      });
    });
  }

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const hints = await this.fileHints(doc);
    if (!hints) return undefined;
    const handler = hints.handlers.find((h) => toRange(h.def.span).contains(position));
    if (handler) return new vscode.Hover(trusted(handlerHover(handler)), toRange(handler.def.span));
    const call = hints.calls.find((c) => position.line >= c.site.span.line && position.line <= c.site.span.endLine);
    if (call) return new vscode.Hover(trusted(callHoverMarkdown(call, hints.outline.language, call.evidenceOf)), toRange(call.site.span));
    return undefined;
  }

  /**
   * The hints at the end of call lines, as decorations (like GitLens' blame): an inlay hint is cut
   * to 43 characters by default, and these read as one sentence. Every visible handler editor is
   * redrawn when the data, the index, the links or the text change.
   */
  private async decorate(editor: vscode.TextEditor): Promise<void> {
    const doc = editor.document;
    const version = doc.version;
    const on = vscode.workspace.getConfiguration(Settings.section).get<boolean>(Settings.inlineHints, true);
    const hints = on ? await this.fileHints(doc) : undefined;
    if (doc.version !== version) return; // typed meanwhile: the next round draws
    const options: vscode.DecorationOptions[] = [];
    const lines = new Set<number>();
    for (const c of hints?.calls ?? []) {
      const line = c.site.span.line;
      if (lines.has(line) || line >= doc.lineCount) continue;
      lines.add(line);
      const end = doc.lineAt(line).range.end;
      options.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: inlineHintText(c) } } });
    }
    editor.setDecorations(this.decoration, options);
  }

  private decorateVisible(): void {
    for (const e of vscode.window.visibleTextEditors) if (vscode.languages.match(HANDLER_SELECTOR, e.document)) void this.decorate(e);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.lensChanged.dispose();
  }
}

function toRange(s: { line: number; column: number; endLine: number; endColumn: number }): vscode.Range {
  return new vscode.Range(s.line, s.column, s.endLine, s.endColumn);
}

/**
 * Markdown whose command links may run the extension's own commands, and nothing else; no HTML.
 * Its data (names, routes, findings) is escaped by src/code/hints.ts `cell`.
 */
function trusted(md: string): vscode.MarkdownString {
  const m = new vscode.MarkdownString(md);
  m.isTrusted = { enabledCommands: [Commands.openWorstRequest, Commands.trace504, Commands.linkHandler] };
  m.supportThemeIcons = false;
  m.supportHtml = false;
  return m;
}

/** A handler's hover: the evidence when there is some, else what the template says. */
function handlerHover(h: HandlerHint): string {
  if (h.evidence) return handlerHoverMarkdown(h.evidence, { openWorst: Commands.openWorstRequest, trace504: Commands.trace504 });
  const lines = [`**Timeout Lens — ${cell(h.functionName ?? h.def.name)}**`, ''];
  const d = h.decl;
  if (d) {
    for (const r of d.routes) {
      lines.push(`- ${cell(`${r.method} ${r.path}`)} · ${r.apiType === 'http' ? 'HTTP API' : 'REST API'} · budget ${budgetSec(r.budgetMs)}${r.budgetSource === 'default' ? ' (the default)' : ''}`);
    }
    lines.push('', `Timeout ${d.timeout.seconds} s (${d.timeout.from === 'default' ? 'Lambda’s default' : `set in ${cell(vscode.workspace.asRelativePath(d.templateFile))}`}).`);
    const budget = Math.min(...d.routes.map((r) => r.budgetMs));
    if (d.routes.length && d.timeout.seconds * 1000 > budget) lines.push('', `The function may run ${d.timeout.seconds} s, but the API waits ${budgetSec(budget)}: past that it works for a client that got a 504.`);
  }
  lines.push('', 'No traces of this function yet.');
  if (h.functionName) lines.push('', commandLink(`Trace 504 for ${cell(h.functionName)}`, Commands.trace504, [{ functionName: h.functionName }]));
  return lines.join('\n');
}
