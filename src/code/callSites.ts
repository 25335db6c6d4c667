// The call-site finder's front: loads web-tree-sitter and the grammars from a folder of .wasm
// files (dist/tree-sitter/ when bundled), refuses files too big or minified to be worth a parse,
// and hands the tree to the reader of its language. Pure: no vscode, no AWS SDK.
//
// Why a cursor walk and not tree-sitter queries: what a call means depends on what its callee
// resolves to through imports, requires, destructuring and assignments in enclosing scopes, and
// on the loops and callbacks around it up to the function boundary. Queries would find the
// shapes but each answer still needs that resolution in code; one cursor pass that records
// declarations and calls, then resolution per call, keeps the whole thing linear and in one place.
import { Language, Parser } from 'web-tree-sitter';
import { join } from 'node:path';
import { outlineJavaScript } from './jsCallSites';
import { outlinePython } from './pythonCallSites';
import type { CodeLanguage, CodeOutline } from './types';

/** The grammar file of each language, in the wasm folder. */
const GRAMMAR_FILES: Record<CodeLanguage, string> = {
  javascript: 'tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  python: 'tree-sitter-python.wasm',
};

/** Every file the wasm folder must hold. */
export const CODE_WASM_FILES: readonly string[] = ['web-tree-sitter.wasm', ...Object.values(GRAMMAR_FILES)];

const MAX_BYTES = 1024 * 1024;
const MINIFIED_AVERAGE_LINE = 500;
const MINIFIED_LONGEST_LINE = 5000;

export interface CodeParser {
  /** Loads a language's grammar (once; later calls share it). `outline` needs it loaded. */
  loadLanguage(language: CodeLanguage): Promise<void>;
  /** Handlers and call sites of one file. Throws if the language's grammar is not loaded yet (a skipped file needs none). */
  outline(text: string, language: CodeLanguage, file: string): CodeOutline;
  /** `loadLanguage` then `outline`. */
  outlineLoaded(text: string, language: CodeLanguage, file: string): Promise<CodeOutline>;
  /** The bare parse, for the benchmark's baseline: parses and frees the tree. */
  parseOnly(text: string, language: CodeLanguage): void;
  dispose(): void;
}

const EXTENSIONS: Record<string, CodeLanguage> = {
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.py': 'python',
};

/** The language of a file by its extension; `undefined` for any other file (and `.d.ts`). */
export function languageOf(path: string): CodeLanguage | undefined {
  if (path.endsWith('.d.ts') || path.endsWith('.d.mts') || path.endsWith('.d.cts')) return undefined;
  const dot = path.lastIndexOf('.');
  if (dot < 0 || path.lastIndexOf('/') > dot || path.lastIndexOf('\\') > dot) return undefined;
  const ext = path.slice(dot).toLowerCase();
  return Object.hasOwn(EXTENSIONS, ext) ? EXTENSIONS[ext] : undefined;
}

/** Why a file is not read (too big, minified), with its numbers; `undefined` to read it. */
export function skipReason(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_BYTES) return `file is ${(bytes / 1024 / 1024).toFixed(1)} MB, over the 1 MB limit`;
  let lines = 0;
  let longest = 0;
  let from = 0;
  while (from <= text.length) {
    const nl = text.indexOf('\n', from);
    const end = nl < 0 ? text.length : nl;
    longest = Math.max(longest, end - from);
    lines++;
    if (nl < 0) break;
    from = nl + 1;
  }
  const average = text.length / lines;
  if (average > MINIFIED_AVERAGE_LINE && longest > MINIFIED_LONGEST_LINE)
    return `looks minified: ${lines} line(s) averaging ${Math.round(average)} characters, the longest ${longest}`;
  return undefined;
}

let runtime: Promise<void> | undefined;

/** Starts web-tree-sitter from `wasmDir` (which holds `CODE_WASM_FILES`); grammars load on first use. */
export async function loadCodeParser(wasmDir: string): Promise<CodeParser> {
  runtime ??= Parser.init({ locateFile: () => join(wasmDir, 'web-tree-sitter.wasm') });
  try {
    await runtime;
  } catch (err) {
    runtime = undefined;
    throw err;
  }
  const parser = new Parser();
  const grammars = new Map<CodeLanguage, Promise<Language>>();
  const loaded = new Map<CodeLanguage, Language>();

  const loadLanguage = async (language: CodeLanguage): Promise<void> => {
    let pending = grammars.get(language);
    if (!pending) {
      pending = Language.load(join(wasmDir, GRAMMAR_FILES[language]));
      grammars.set(language, pending);
      pending.catch(() => grammars.delete(language));
    }
    loaded.set(language, await pending);
  };

  const parse = (text: string, language: CodeLanguage): ReturnType<Parser['parse']> => {
    const grammar = loaded.get(language);
    if (!grammar) throw new Error(`the ${language} grammar is not loaded: await loadLanguage('${language}') first`);
    parser.setLanguage(grammar);
    return parser.parse(text);
  };

  const outline = (text: string, language: CodeLanguage, file: string): CodeOutline => {
    const skipped = skipReason(text);
    if (skipped) return { language, handlers: [], calls: [], skipped };
    const tree = parse(text, language);
    if (!tree) return { language, handlers: [], calls: [], skipped: 'the parser gave no tree' };
    try {
      return language === 'python' ? outlinePython(tree, file) : outlineJavaScript(tree, language, file);
    } finally {
      tree.delete();
    }
  };

  return {
    loadLanguage,
    outline,
    async outlineLoaded(text, language, file) {
      if (!skipReason(text)) await loadLanguage(language);
      return outline(text, language, file);
    },
    parseOnly(text, language) {
      parse(text, language)?.delete();
    },
    dispose() {
      parser.delete();
    },
  };
}
