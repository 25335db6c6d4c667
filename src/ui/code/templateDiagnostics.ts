// The Problems panel for templates: a function behind an API whose timeout is longer than the
// integration timeout in front of it (a warning on the line that sets it, with a quick fix that
// sets it just below the budget); a function whose timeout is below the p99 the traces saw
// (information); a template that does not parse or a handler that points nowhere.
import * as vscode from 'vscode';
import { sec } from '../../core/duration';
import { templateFindings } from '../../code/templateFindings';
import { matchesDeployedName } from '../../code/deployedNames';
import type { FunctionDecl, SourceSpan, TemplateIndex } from '../../code/types';
import { headlineRoute } from '../../code/hints';
import type { EvidenceStore } from './evidenceStore';
import type { WorkspaceIndex } from './workspaceIndex';

export const DIAGNOSTIC_SOURCE = 'Timeout Lens';
const EXCEEDS = 'lambda-timeout-exceeds-integration';

/** What the quick fix needs, kept beside each diagnostic. */
interface FixData {
  span: SourceSpan;
  seconds: number;
}

const fixKey = (file: string, s: Pick<SourceSpan, 'line' | 'column'>): string => `${file}#${s.line}:${s.column}`;
const toRange = (s: SourceSpan): vscode.Range => new vscode.Range(s.line, s.column, s.endLine, s.endColumn);

export class TemplateDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection('timeoutLens');
  /** The quick fixes by file and place: the diagnostics a code action gets are copies, not the ones set here. */
  private readonly fixes = new Map<string, FixData>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly store: EvidenceStore,
  ) {
    this.subscriptions.push(index.onDidChange(() => this.refresh()), store.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.collection.clear();
    this.fixes.clear();
    for (const t of this.index.templates()) this.collection.set(vscode.Uri.file(t.file), this.diagnosticsOf(t));
  }

  private diagnosticsOf(t: TemplateIndex): vscode.Diagnostic[] {
    const out: vscode.Diagnostic[] = [];
    for (const p of t.problems) {
      const d = new vscode.Diagnostic(
        toRange(p.span),
        p.message,
        p.severity === 'error' ? vscode.DiagnosticSeverity.Error : p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = p.code;
      out.push(d);
    }
    const findings = templateFindings([t]);
    for (const fn of t.functions) {
      const f = findings.find((x) => x.id === EXCEEDS && x.function === fn.logicalId);
      const span = fn.timeout.span;
      if (f && span) {
        const budgetMs = Number(f.evidence['budgetMs']);
        const d = new vscode.Diagnostic(toRange(span), `${f.title}: ${f.detail}`, vscode.DiagnosticSeverity.Warning);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = EXCEEDS;
        if (fn.timeout.from !== 'function') {
          d.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(fn.templateFile), toRange(fn.span)), `${fn.logicalId} takes this timeout from ${fn.timeout.from === 'globals' ? 'Globals' : 'the provider'}`)];
        }
        out.push(d);
        if (Number.isFinite(budgetMs)) this.fixes.set(fixKey(t.file, span), { span, seconds: Math.max(1, Math.floor(budgetMs / 1000) - 1) });
      }
      const seen = this.observedP99(fn);
      if (seen && seen.p99Ms > fn.timeout.seconds * 1000) {
        const d = new vscode.Diagnostic(
          toRange(span ?? fn.span),
          `${fn.logicalId}'s timeout (${fn.timeout.seconds} s) is below the p99 the traces saw (${sec(seen.p99Ms)}, ${seen.source}): the slowest requests end at the function's own timeout (a 502 from a REST API, a 500 from an HTTP API). Make the work faster or asynchronous; raise the timeout only while it stays below the integration timeout.`,
          vscode.DiagnosticSeverity.Information,
        );
        d.source = DIAGNOSTIC_SOURCE;
        d.code = 'timeout-below-p99';
        out.push(d);
      }
    }
    return out;
  }

  /** The p99 the evidence of this function shows, from its routes' logs or its traces. */
  private observedP99(fn: FunctionDecl): { p99Ms: number; source: string } | undefined {
    const ev = this.store.all().find((e) => matchesDeployedName(fn, e.functionName));
    if (!ev) return undefined;
    const route = headlineRoute(ev);
    return { p99Ms: route ? route.p99Ms : ev.traced.p99Ms, source: ev.source };
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE || d.code !== EXCEEDS) continue;
      const fix = this.fixes.get(fixKey(doc.uri.fsPath, { line: d.range.start.line, column: d.range.start.character }));
      if (!fix) continue;
      const action = new vscode.CodeAction(`Set the timeout to ${fix.seconds} s (below the integration timeout)`, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(doc.uri, toRange(fix.span), String(fix.seconds));
      action.diagnostics = [d];
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
