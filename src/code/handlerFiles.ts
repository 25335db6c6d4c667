// A handler string (`src/reports.handler`, `pkg.mod.lambda_handler`) → the source file it names,
// by the runtime's own rule, checked with the caller's `fileExists` (the reader stays pure).
// Strings from a template are untrusted: a path that leaves the workspace root is not followed.
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';

export const NODE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx'] as const;

export type HandlerLanguage = 'node' | 'python' | 'none' | 'unknown';

/** Which rule a runtime's handler string follows: Node, Python, or none we read (Java, .NET, Go, custom, Ruby). */
export function languageOfRuntime(runtime: string | undefined): HandlerLanguage {
  if (!runtime) return 'unknown';
  if (/^nodejs/i.test(runtime)) return 'node';
  if (/^python/i.test(runtime)) return 'python';
  return 'none';
}

/** Whether `path` lies inside `root` (both absolute). */
export function isInside(root: string, path: string): boolean {
  const r = relative(resolve(root), resolve(path));
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

export interface HandlerLookup {
  /** The file found, absolute. */
  file?: string;
  /** The exported name: the handler's last dotted part. */
  exportName?: string;
  /** Set when nothing was found or the path was refused: what was looked for, or why not. */
  problem?: string;
}

export interface HandlerLookupInput {
  handler: string;
  language: HandlerLanguage;
  codeDir: string;
  root: string;
  /** Where relative paths in messages start (the template's folder). */
  shownFrom: string;
  fileExists: (path: string) => boolean;
  /** SAM esbuild `BuildProperties.EntryPoints`, relative to the code folder. */
  entryPoints?: string[];
}

/** Finds the handler's file; never throws. */
export function lookupHandler(x: HandlerLookupInput): HandlerLookup {
  const h = x.handler.trim();
  const dot = h.lastIndexOf('.');
  if (x.language === 'none') return {};
  if (dot <= 0 || dot === h.length - 1) {
    return { problem: `\`${h}\` is not a handler of the form file.function: no file to look for` };
  }
  const exportName = h.slice(dot + 1);
  const modulePart = h.slice(0, dot);
  const show = (p: string): string => relative(x.shownFrom, p).split(sep).join('/') || '.';
  const refuse = (p: string): HandlerLookup => ({
    exportName,
    problem: `\`${h}\` leads to ${show(p)}, outside the workspace folder ${x.root}: not followed`,
  });
  if (!isInside(x.root, x.codeDir)) return refuse(x.codeDir);

  // SAM's esbuild build: the entry point is the source of what Lambda runs as the handler file.
  if (x.entryPoints?.length && x.language !== 'python') {
    const base = modulePart.split('/').pop() ?? modulePart;
    const ordered = [...x.entryPoints].sort((a, b) => Number(stem(b) === base) - Number(stem(a) === base));
    for (const e of ordered) {
      const p = resolve(x.codeDir, e);
      if (!isInside(x.root, p)) return refuse(p);
      if (x.fileExists(p)) return { file: p, exportName };
    }
  }

  const candidates: string[] = [];
  if (x.language === 'node' || x.language === 'unknown') {
    const base = resolve(x.codeDir, normalize(modulePart));
    for (const ext of NODE_EXTENSIONS) candidates.push(`${base}${ext}`);
  }
  if (x.language === 'python' || x.language === 'unknown') {
    // Python's handler is a dotted module path; Lambda also takes `folder/module.fn`.
    const base = resolve(x.codeDir, normalize(modulePart.replace(/\./g, '/')));
    candidates.push(`${base}.py`);
  }
  for (const c of candidates) {
    if (!isInside(x.root, c)) return refuse(c);
    if (x.fileExists(c)) return { file: c, exportName };
  }
  const listed = candidates.slice(0, 4).map(show).join(', ');
  return { exportName, problem: `\`${h}\` points to no file: looked for ${listed}${candidates.length > 4 ? ', …' : ''}` };
}

function stem(p: string): string {
  const name = p.split(/[\\/]/).pop() ?? p;
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(0, i) : name;
}

/** A code folder from a template value: relative to the template's folder unless absolute. */
export function codeDirFrom(templateDir: string, value: string | undefined): string {
  if (!value || /^s3:\/\//i.test(value)) return templateDir;
  return resolve(templateDir, value);
}
