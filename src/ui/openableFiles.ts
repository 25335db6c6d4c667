// What a waterfall webview may ask the host to open. The webview is untrusted (its messages are
// data, and a page script could post anything), so `openSource` opens only a file the host itself
// put in a details reply of the current model (a stack frame it resolved in the workspace, a call
// site the code hints found), and only while that file is still inside a workspace folder with
// symbolic links followed. Pure (no vscode): unit-tested, and used by the browser tests' host.
import type { SpanDetails } from '../protocol';
import { fileInsideFolders } from './frameResolver';

export type OpenCheck = { ok: true; file: string } | { ok: false; reason: string };

export class OpenableFiles {
  private readonly files = new Set<string>();

  /** The files a details reply offers: its frames' and its call site's. */
  add(details: SpanDetails): void {
    for (const ex of details.cause?.exceptions ?? []) for (const f of ex.stack) if (f.file) this.files.add(f.file);
    if (details.callSite) this.files.add(details.callSite.file);
  }

  /** Another trace is shown: nothing of the last one's details opens any more. */
  clear(): void {
    this.files.clear();
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** The file to open for the webview's `openSource`, or why it is refused. */
  check(file: string, folders: readonly string[]): OpenCheck {
    if (!this.files.has(file)) return { ok: false, reason: 'no details of this trace offered it' };
    const inside = fileInsideFolders(file, folders);
    return inside ? { ok: true, file: inside } : { ok: false, reason: 'it is not a file inside the workspace' };
  }
}
