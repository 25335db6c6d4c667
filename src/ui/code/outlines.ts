// Outlines of handler files (their handlers and call sites), read with tree-sitter from the lazily
// loaded dist/code.js the first time a handler file is looked at, cached per document version.
import * as vscode from 'vscode';
import type { CodeParser } from '../../code/callSites';
import type { CodeOutline } from '../../code/types';
import { codeWasmDir, loadCodeBundle } from '../codeBundle';
import type { Logger } from '../logger';

export class Outlines implements vscode.Disposable {
  private parser: Promise<CodeParser> | undefined;
  private readonly cache = new Map<string, { version: number; outline: CodeOutline }>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly log: Logger) {
    this.subscriptions.push(vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())));
  }

  /** Is this a file the call-site finder reads (by its name)? */
  readable(doc: vscode.TextDocument): boolean {
    return doc.uri.scheme === 'file' && loadCodeBundle().languageOf(doc.uri.fsPath) !== undefined;
  }

  /** The document's outline, or undefined when its language is not one the finder reads. */
  async outline(doc: vscode.TextDocument): Promise<CodeOutline | undefined> {
    const language = loadCodeBundle().languageOf(doc.uri.fsPath);
    if (!language) return undefined;
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit?.version === doc.version) return hit.outline;
    if (!this.parser) {
      const started = performance.now();
      this.parser = loadCodeBundle().loadCodeParser(codeWasmDir());
      void this.parser.then(
        () => this.log.info(`code parser loaded in ${(performance.now() - started).toFixed(0)} ms`),
        (e: unknown) => this.log.error(`code parser failed to load: ${e instanceof Error ? e.message : String(e)}`),
      );
    }
    const parser = await this.parser;
    const started = performance.now();
    const outline = await parser.outlineLoaded(doc.getText(), language, doc.uri.fsPath);
    if (outline.skipped) this.log.info(`code hints skip ${vscode.workspace.asRelativePath(doc.uri)}: ${outline.skipped}`);
    else this.log.debug(`outlined ${vscode.workspace.asRelativePath(doc.uri)} in ${(performance.now() - started).toFixed(1)} ms: ${outline.handlers.length} handler(s), ${outline.calls.length} call(s)`);
    this.cache.set(key, { version: doc.version, outline });
    return outline;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.cache.clear();
  }
}
