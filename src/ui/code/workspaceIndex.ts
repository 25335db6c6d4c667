// The workspace's templates (SAM, CloudFormation, serverless.yml, CDK output) read into the
// handler index, kept up to date by a file watcher. It does no work until the workspace has a
// template: the first search is one findFiles; a workspace without templates stops there.
import * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { loadCodeBundle } from '../codeBundle';
import type { FunctionDecl, TemplateIndex } from '../../code/types';
import type { Logger } from '../logger';

/** The files that can be templates; `*.template.json` is CDK's output. */
export const TEMPLATE_GLOB = '**/{template.yaml,template.yml,template.json,serverless.yml,serverless.yaml,*.template.json}';
const EXCLUDE_GLOB = '**/{node_modules,.aws-sam,.serverless,.git}/**';
/** A template larger than this is not read (CloudFormation's own limit is 1 MB). */
const MAX_TEMPLATE_BYTES = 2 * 1024 * 1024;

const isFile = (p: string): boolean => {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
};

export class WorkspaceIndex implements vscode.Disposable {
  private readonly indexes = new Map<string, TemplateIndex>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private started: Promise<void> | undefined;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly log: Logger) {}

  /** Reads every template once and starts watching; later calls wait for the same reading. */
  start(): Promise<void> {
    this.started ??= this.scan();
    return this.started;
  }

  private async scan(): Promise<void> {
    const t0 = performance.now();
    const uris = await vscode.workspace.findFiles(TEMPLATE_GLOB, EXCLUDE_GLOB, 500);
    for (const uri of uris) this.read(uri);
    const watcher = vscode.workspace.createFileSystemWatcher(TEMPLATE_GLOB);
    const reread = (uri: vscode.Uri): void => {
      if (/[\\/](node_modules|\.aws-sam|\.serverless|\.git)[\\/]/.test(uri.fsPath)) return;
      this.read(uri);
      this.changed.fire();
    };
    this.subscriptions.push(
      watcher,
      watcher.onDidCreate(reread),
      watcher.onDidChange(reread),
      watcher.onDidDelete((uri) => {
        if (this.indexes.delete(uri.fsPath)) this.changed.fire();
      }),
      // A template being edited is read from the editor (debounced), so its problems follow the typing.
      vscode.workspace.onDidChangeTextDocument((e) => {
        const file = e.document.uri.fsPath;
        if (e.document.uri.scheme !== 'file' || !this.indexes.has(file)) return;
        clearTimeout(this.pending.get(file));
        this.pending.set(
          file,
          setTimeout(() => {
            this.pending.delete(file);
            this.read(e.document.uri, e.document.getText());
            this.changed.fire();
          }, 300),
        );
      }),
      { dispose: () => this.pending.forEach((t) => clearTimeout(t)) },
      // samconfig.toml names the stack: the deployed names of its template's functions change with it.
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (/samconfig\.toml$/.test(d.uri.fsPath)) for (const f of [...this.indexes.keys()]) if (dirname(f) === dirname(d.uri.fsPath)) reread(vscode.Uri.file(f));
      }),
    );
    const n = this.functions().length;
    this.log.info(`handler index: ${this.indexes.size} template(s), ${n} function(s) in ${(performance.now() - t0).toFixed(0)} ms`);
    if (uris.length) this.changed.fire();
  }

  /** Reads a template from disk, or from `text` (an editor's unsaved content). */
  private read(uri: vscode.Uri, text?: string): void {
    const file = uri.fsPath;
    try {
      const size = text !== undefined ? Buffer.byteLength(text) : statSync(file).size;
      if (size > MAX_TEMPLATE_BYTES) {
        this.log.info(`handler index skips ${vscode.workspace.asRelativePath(uri)}: ${(size / 1024 / 1024).toFixed(1)} MB is more than a template can be`);
        this.indexes.delete(file);
        return;
      }
      const content = text ?? readFileSync(file, 'utf8');
      const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(file);
      const index = loadCodeBundle().readTemplate(file, content, { stackName: this.stackNameFor(file), fileExists: isFile, root: folder });
      if (index) this.indexes.set(file, index);
      else this.indexes.delete(file);
    } catch (e) {
      this.log.warn(`handler index could not read ${vscode.workspace.asRelativePath(uri)}: ${e instanceof Error ? e.message : String(e)}`);
      this.indexes.delete(file);
    }
  }

  /** The stack a template deploys to: samconfig.toml beside it, or the CDK manifest. */
  private stackNameFor(file: string): string | undefined {
    const dir = dirname(file);
    try {
      if (file.endsWith('.template.json')) {
        const manifest = join(dir, 'manifest.json');
        return isFile(manifest) ? loadCodeBundle().cdkStackNameFromManifest(readFileSync(manifest, 'utf8'), file.slice(dir.length + 1)) : undefined;
      }
      const samconfig = join(dir, 'samconfig.toml');
      return isFile(samconfig) ? loadCodeBundle().readSamconfigStackName(readFileSync(samconfig, 'utf8')) : undefined;
    } catch (e) {
      this.log.warn(`could not read the stack name beside ${file}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  templates(): TemplateIndex[] {
    return [...this.indexes.values()];
  }

  functions(): FunctionDecl[] {
    return this.templates().flatMap((t) => t.functions);
  }

  /** The functions whose handler is this file. */
  functionsOfFile(file: string): FunctionDecl[] {
    return this.functions().filter((f) => f.handlerFile === file);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
