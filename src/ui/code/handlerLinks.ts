// "Link this handler to a function…": the handlers no template names, tied by the user to the
// deployed function that runs them, remembered per workspace (paths relative to their folder).
import * as vscode from 'vscode';
import type { EvidenceStore } from './evidenceStore';
import type { WorkspaceIndex } from './workspaceIndex';

const STATE_KEY = 'timeoutLens.handlerLinks';

export interface HandlerLink {
  /** Workspace-relative path (as `asRelativePath` writes it). */
  file: string;
  exportName: string;
  functionName: string;
}

/** A Lambda function name or ARN, as the Lambda API accepts it. */
const FUNCTION_NAME = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9-_]{1,140}(:[A-Za-z0-9-_$]+)?$/;

export class HandlerLinks implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  all(): HandlerLink[] {
    const v = this.state.get<HandlerLink[]>(STATE_KEY, []);
    return Array.isArray(v) ? v.filter((l) => l && typeof l.file === 'string' && typeof l.exportName === 'string' && typeof l.functionName === 'string') : [];
  }

  ofFile(file: string): HandlerLink[] {
    const rel = vscode.workspace.asRelativePath(vscode.Uri.file(file), true);
    return this.all().filter((l) => l.file === rel);
  }

  /** The absolute path of a link's file: its path starts with its workspace folder's name. */
  fileOf(link: HandlerLink): string | undefined {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const [head, ...rest] = link.file.split('/');
    const folder = folders.find((f) => f.name === head);
    if (folder && rest.length) return vscode.Uri.joinPath(folder.uri, ...rest).fsPath;
    return folders[0] ? vscode.Uri.joinPath(folders[0].uri, ...link.file.split('/')).fsPath : undefined;
  }

  async set(link: HandlerLink): Promise<void> {
    const rest = this.all().filter((l) => !(l.file === link.file && l.exportName === link.exportName));
    await this.state.update(STATE_KEY, [...rest, link]);
    this.changed.fire();
  }

  async remove(file: string, exportName: string): Promise<void> {
    await this.state.update(
      STATE_KEY,
      this.all().filter((l) => !(l.file === file && l.exportName === exportName)),
    );
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * The command: which handler (the one given, or the active editor's file and a name typed in)
 * and which function (those the traces and templates know, or a name typed in).
 */
export async function linkHandler(links: HandlerLinks, store: EvidenceStore, index: WorkspaceIndex, uri?: vscode.Uri, exportName?: string, functionName?: string): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') {
    void vscode.window.showInformationMessage('Timeout Lens: open the handler file first, then run “Link This Handler to a Function…” again.');
    return;
  }
  const name =
    exportName ??
    (await vscode.window.showInputBox({
      title: 'Timeout Lens: Link this handler to a function',
      prompt: `The exported handler in ${vscode.workspace.asRelativePath(target)} (e.g. handler, lambda_handler)`,
      value: target.fsPath.endsWith('.py') ? 'lambda_handler' : 'handler',
      validateInput: (v) => (/^[A-Za-z_$][\w$]{0,200}$/.test(v.trim()) ? undefined : 'A handler is an identifier: letters, digits, _ and $'),
    }))?.trim();
  if (!name) return;
  let fn = functionName;
  if (!fn) {
    type Item = vscode.QuickPickItem & { fn?: string; typed?: boolean };
    const known = new Map<string, string>();
    for (const ev of store.all()) known.set(ev.functionName, `traced · ${ev.source}`);
    for (const d of index.functions()) for (const n of d.deployedNames) if (!known.has(n)) known.set(n, `in ${vscode.workspace.asRelativePath(d.templateFile)}`);
    const items: Item[] = [
      ...[...known].map(([n, description]) => ({ label: `$(symbol-function) ${n}`, description, fn: n })),
      { label: '$(edit) Enter a function name…', typed: true, alwaysShow: true },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `Timeout Lens: which function runs ${name} in ${vscode.workspace.asRelativePath(target)}?`, placeHolder: 'The deployed Lambda function' });
    if (!pick) return;
    fn = pick.typed
      ? (
          await vscode.window.showInputBox({
            title: 'Timeout Lens: the deployed function',
            prompt: 'The function name (as in the Lambda console) or its ARN',
            validateInput: (v) => (FUNCTION_NAME.test(v.trim()) ? undefined : 'A function name has letters, digits, - and _ (or give its ARN)'),
          })
        )?.trim()
      : pick.fn;
  }
  if (!fn || !FUNCTION_NAME.test(fn)) return;
  // An ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`) is kept by its name.
  const plain = fn.startsWith('arn:') ? (fn.split(':')[6] ?? fn) : fn.split(':', 1)[0]!;
  await links.set({ file: vscode.workspace.asRelativePath(target, true), exportName: name, functionName: plain });
  void vscode.window.showInformationMessage(`Timeout Lens: ${name} in ${vscode.workspace.asRelativePath(target)} is linked to ${plain}.`);
}
