// Stack frames of an X-Ray cause → files of the workspace, so the details pane can link only
// the frames that really open something. Pure Node (fs, path), no vscode: unit-tested directly.
// A frame's path comes from a trace, so it is untrusted: `..` segments, symbolic links inside the
// workspace pointing out of it, and absolute paths elsewhere resolve to nothing.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

function realPath(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}

/** Whether `child` is strictly below `parent` (both absolute and normalised). */
function isBelow(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r !== '' && r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r);
}

/**
 * `file` normalised, when it is an existing file whose real path (symbolic links followed) is
 * inside the real path of one of `folders`; undefined otherwise. `<ws>/../../etc/hostname` and a
 * link `<ws>/x → /etc` are outside.
 */
export function fileInsideFolders(file: string, folders: readonly string[]): string | undefined {
  if (!isAbsolute(file)) return undefined;
  const abs = resolve(file);
  const real = realPath(abs);
  if (!real) return undefined;
  try {
    if (!statSync(real).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return folders.some((f) => {
    const root = realPath(resolve(f));
    return root !== undefined && isBelow(root, real);
  })
    ? abs
    : undefined;
}

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
    // The last word: a link inside the workspace may point out of it.
    if (found && !fileInsideFolders(found, folders)) found = undefined;
    cache.set(key, found);
    return found;
  };
}

