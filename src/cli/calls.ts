// `timeout-lens calls <file>...`: the handlers a file exports and the AWS and HTTP calls it
// makes, with the loops around them. The parser's .wasm files are read from dist/tree-sitter/
// beside the bundle (esbuild.mjs copies them there). Its options and exit status are in usage.ts.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { languageOf, loadCodeParser } from '../code/callSites';
import type { CallSite, CodeLanguage, CodeOutline } from '../code/types';
import { unreadable } from './paths';
import { terminalSafe, terminalSafeJson } from '../core/terminalText';
import { CALLS, ExitCode, parseCommand, usage, usageError } from './usage';

/** The folder of the parser's .wasm files, beside the running bundle. */
export function cliCodeWasmDir(): string {
  return join(__dirname, 'tree-sitter');
}

function describe(c: CallSite): string {
  const what = c.kind === 'aws' ? `${c.service ?? '?'} ${c.operation ?? '?'}` : `HTTP ${c.host ?? '(host unknown)'}`;
  const loops = c.loops.map((l) => `${l.kind}${l.sequential ? ', one at a time' : ''}`).join(' in ');
  // The call's own text and names come from the file: terminal-safe.
  return terminalSafe(`  ${String(c.span.line + 1).padStart(5)}  ${what} (${c.library})${loops ? ` — in ${loops}` : ''}`) + `\n         ${terminalSafe(c.text)}`;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(CALLS, args);
  if (parsed === 'help') {
    process.stdout.write(`${usage(CALLS)}\n`);
    return ExitCode.ok;
  }
  if ('error' in parsed) return usageError(CALLS, parsed.error);
  if (parsed.positionals.length === 0) return usageError(CALLS, 'give at least one file');
  // Every file is checked before the parser loads: one bad path fails the run, as in analyze.
  const files: Array<{ file: string; language: CodeLanguage }> = [];
  let bad = 0;
  for (const p of parsed.positionals) {
    const file = resolve(p);
    const language = languageOf(file);
    const why = await unreadable(p);
    if (why || !language) {
      process.stderr.write(`timeout-lens calls: ${terminalSafe(why ? `cannot read ${p}: ${why}` : `${p}: not a JavaScript, TypeScript or Python file`)}\n`);
      bad++;
      continue;
    }
    files.push({ file, language });
  }
  if (bad) return ExitCode.usage;
  const texts: string[] = [];
  for (const { file } of files) {
    try {
      texts.push(await readFile(file, 'utf8'));
    } catch (e) {
      // A folder named like a handler, or a file gone since the check.
      process.stderr.write(`timeout-lens calls: cannot read ${terminalSafe(file)}: ${terminalSafe((e as NodeJS.ErrnoException).code === 'EISDIR' ? 'a folder, not a file' : (e as Error).message)}\n`);
      return ExitCode.usage;
    }
  }
  const parser = await loadCodeParser(cliCodeWasmDir());
  const outlines: Array<{ file: string; outline: CodeOutline }> = [];
  try {
    for (const [i, { file, language }] of files.entries()) outlines.push({ file, outline: await parser.outlineLoaded(texts[i]!, language, file) });
  } finally {
    parser.dispose();
  }
  if (parsed.boolean('json')) process.stdout.write(`${terminalSafeJson(outlines)}\n`);
  else {
    for (const { file, outline } of outlines) {
      process.stdout.write(`${terminalSafe(file)}\n`);
      if (outline.skipped) process.stdout.write(`  skipped: ${terminalSafe(outline.skipped)}\n`);
      for (const h of outline.handlers) process.stdout.write(`  handler ${terminalSafe(h.name)} (line ${h.span.line + 1})\n`);
      for (const c of outline.calls) process.stdout.write(`${describe(c)}\n`);
    }
  }
  return ExitCode.ok;
}
