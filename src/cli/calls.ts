// `timeout-lens calls <file>... [--json]`: the handlers a file exports and the AWS and HTTP calls
// it makes, with the loops around them. The parser's .wasm files are read from dist/tree-sitter/
// beside the bundle (esbuild.mjs copies them there).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { languageOf, loadCodeParser } from '../code/callSites';
import type { CallSite, CodeOutline } from '../code/types';

export const CALLS_USAGE = `Usage: timeout-lens calls <file>... [--json]

Reads handler files (.js .mjs .cjs .jsx .ts .mts .cts .tsx .py) and lists the handlers they
export and the calls they make that X-Ray would record (AWS SDK v2/v3, boto3, fetch, axios, got,
undici, http(s), requests, httpx, urllib3), with the loops each call sits in. Lines are 1-based.

  --json              print the outlines as JSON (lines and columns 0-based, as in the editor API)`;

/** The folder of the parser's .wasm files, beside the running bundle. */
export function cliCodeWasmDir(): string {
  return join(__dirname, 'tree-sitter');
}

function describe(c: CallSite): string {
  const what = c.kind === 'aws' ? `${c.service ?? '?'} ${c.operation ?? '?'}` : `HTTP ${c.host ?? '(host unknown)'}`;
  const loops = c.loops.map((l) => `${l.kind}${l.sequential ? ', one at a time' : ''}`).join(' in ');
  return `  ${String(c.span.line + 1).padStart(5)}  ${what} (${c.library})${loops ? ` — in ${loops}` : ''}\n         ${c.text}`;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  } catch (e) {
    process.stderr.write(`timeout-lens calls: ${(e as Error).message}\n\n${CALLS_USAGE}\n`);
    return 2;
  }
  if (parsed.positionals.length === 0) {
    process.stderr.write(`${CALLS_USAGE}\n`);
    return 2;
  }
  const parser = await loadCodeParser(cliCodeWasmDir());
  const outlines: Array<{ file: string; outline: CodeOutline }> = [];
  let failed = 0;
  for (const p of parsed.positionals) {
    const file = resolve(p);
    const language = languageOf(file);
    if (!language) {
      process.stderr.write(`timeout-lens calls: ${p}: not a JavaScript, TypeScript or Python file\n`);
      failed++;
      continue;
    }
    outlines.push({ file, outline: await parser.outlineLoaded(readFileSync(file, 'utf8'), language, file) });
  }
  parser.dispose();
  if (parsed.values.json) process.stdout.write(`${JSON.stringify(outlines, null, 2)}\n`);
  else {
    for (const { file, outline } of outlines) {
      process.stdout.write(`${file}\n`);
      if (outline.skipped) process.stdout.write(`  skipped: ${outline.skipped}\n`);
      for (const h of outline.handlers) process.stdout.write(`  handler ${h.name} (line ${h.span.line + 1})\n`);
      for (const c of outline.calls) process.stdout.write(`${describe(c)}\n`);
    }
  }
  return failed ? 1 : 0;
}
