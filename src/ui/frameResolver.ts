// Stack frames of an X-Ray cause → files of the workspace, so the details pane can link only
// the frames that really open something. Pure Node (fs, path), no vscode: unit-tested directly.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';

/**
 * Maps a stack frame to a file of the workspace: absolute paths inside a folder as they are;
 * Lambda paths (`/var/task/src/x.js`) made relative to the working directory and looked up in
 * each folder, dropping up to two leading segments (build output folders differ from sources).
 */
export function workspaceFrameResolver(
  folders: readonly string[],
): (path: string, workingDirectory: string | undefined) => string | undefined {
  const cache = new Map<string, string | undefined>();
  const isFile = (p: string): boolean => {
    try {
      return existsSync(p) && statSync(p).isFile();
    } catch {
      return false;
    }
  };
  return (path, workingDirectory) => {
    const key = `${workingDirectory ?? ''}\u0000${path}`;
    if (cache.has(key)) return cache.get(key);
    let found: string | undefined;
    const abs = normalize(path);
    const inside = (f: string): boolean => {
      const r = relative(f, abs);
      return r !== '' && !r.startsWith('..') && !isAbsolute(r);
    };
    if (isAbsolute(abs) && folders.some(inside) && isFile(abs)) found = abs;
    if (!found) {
      let rel = path;
      if (workingDirectory && path.startsWith(workingDirectory)) rel = path.slice(workingDirectory.length);
      const parts = rel.split(/[\\/]+/).filter((p) => p && p !== '.' && p !== '..');
      outer: for (let drop = 0; drop <= Math.min(2, parts.length - 1); drop++) {
        for (const f of folders) {
          const candidate = join(f, ...parts.slice(drop));
          if (isFile(candidate)) {
            found = candidate;
            break outer;
          }
        }
      }
    }
    cache.set(key, found);
    return found;
  };
}

