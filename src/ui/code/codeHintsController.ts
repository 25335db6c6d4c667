// Puts the code hints together: the evidence store (fed by Trace 504, opened trace files and Live
// Updates), the handler index, the links the user made, the outlines; registers the CodeLens,
// hover providers and the end-of-line call hints for handler files and the diagnostics for templates, and the two
// commands the hints run. Cheap at activation: the index reads the templates after activation,
// and tree-sitter loads when a handler file is first looked at.
import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { Logger } from '../logger';
import { loadAwsBundle } from '../awsBundle';
import type { ConnectionState } from '../connection';
import type { WaterfallInput } from '../waterfallPanel';
import { CodeHints, HANDLER_SELECTOR } from './codeHints';
import type { EvidenceStore } from './evidenceStore';
import { HandlerLinks, linkHandler } from './handlerLinks';
import { Outlines } from './outlines';
import { TemplateDiagnostics } from './templateDiagnostics';
import { WorkspaceIndex } from './workspaceIndex';

const TEMPLATE_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/{template.yaml,template.yml,template.json,serverless.yml,serverless.yaml,*.template.json}' },
];

export class CodeHintsController implements vscode.Disposable {
  readonly index: WorkspaceIndex;
  readonly links: HandlerLinks;
  readonly hints: CodeHints;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    context: vscode.ExtensionContext,
    readonly store: EvidenceStore,
    private readonly showWaterfall: (input: WaterfallInput) => void,
    connection: ConnectionState,
    log: Logger,
  ) {
    this.index = new WorkspaceIndex(log.child('index'));
    this.links = new HandlerLinks(context.workspaceState);
    const outlines = new Outlines(log.child('outline'));
    this.hints = new CodeHints(this.index, store, this.links, outlines, log.child('hints'), async () => {
      // Asked for when a handler file is looked at, not by a command: never a dialog for it.
      const conn = await connection.authorized({ interactive: false });
      if (!conn) return [];
      const { AwsClients, listFunctions } = loadAwsBundle();
      const clients = new AwsClients(conn);
      try {
        return (await listFunctions(clients)).map((f) => f.name);
      } finally {
        clients.dispose();
      }
    });
    const diagnostics = new TemplateDiagnostics(this.index, store);
    this.subscriptions.push(
      this.index,
      this.links,
      outlines,
      this.hints,
      diagnostics,
      vscode.languages.registerCodeLensProvider(HANDLER_SELECTOR, this.hints),
      vscode.languages.registerHoverProvider(HANDLER_SELECTOR, this.hints),
      vscode.languages.registerCodeActionsProvider(TEMPLATE_SELECTOR, diagnostics, { providedCodeActionKinds: TemplateDiagnostics.providedCodeActionKinds }),
      vscode.commands.registerCommand(Commands.openWorstRequest, (fn?: string) => this.openWorst(fn)),
      vscode.commands.registerCommand(Commands.linkHandler, (uri?: vscode.Uri, exportName?: string, functionName?: string) =>
        linkHandler(this.links, store, this.index, uri, exportName, functionName),
      ),
    );
    // After activation: one findFiles says whether the workspace has templates at all.
    setTimeout(() => {
      void this.index.start().catch((e: unknown) => log.error(`handler index failed: ${e instanceof Error ? e.message : String(e)}`));
    }, 0);
  }

  /** "Open the worst request": its waterfall when this session read it, else a Trace 504 of the function. */
  private async openWorst(arg?: string): Promise<void> {
    let functionName = typeof arg === 'string' ? arg : undefined;
    if (!functionName) {
      const known = this.store.all();
      if (!known.length) {
        const choice = await vscode.window.showInformationMessage('Timeout Lens has read no traces of any function yet: run Trace 504 or open a trace file first.', 'Trace 504', 'Open Trace File…');
        if (choice) await vscode.commands.executeCommand(choice === 'Trace 504' ? Commands.trace504 : Commands.openTraceFile);
        return;
      }
      const pick = await vscode.window.showQuickPick(
        known.map((e) => ({ label: e.functionName, description: `worst ${(e.worst.totalMs / 1000).toFixed(1)} s · ${e.source}`, fn: e.functionName })),
        { title: 'Timeout Lens: open the worst request of…' },
      );
      functionName = pick?.fn;
      if (!functionName) return;
    }
    const input = this.store.waterfallOf(functionName);
    if (input) {
      this.showWaterfall(input);
      return;
    }
    const ev = this.store.get(functionName);
    const choice = await vscode.window.showInformationMessage(
      `The traces of ${functionName}${ev ? ` were read ${new Date(ev.capturedAtMs).toLocaleString()} (${ev.source})` : ''} and are not in memory any more: trace its 504s again to open the worst request.`,
      'Trace 504',
    );
    if (choice) await vscode.commands.executeCommand(Commands.trace504, { functionName });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
