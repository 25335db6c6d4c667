// The CLI's flags in three places cannot drift apart: the parser's option tables, each command's
// help text, and the README's CLI section (its synopsis block, its examples and its prose). And
// the exit codes each command's module returns are the ones its help lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, ExitCode, mainUsage, parserOptions, usage, type CommandSpec } from '../../../src/cli/usage';

const ROOT = join(import.meta.dirname, '..', '..', '..');

const FLAG = /--[a-z][a-z-]*/g;
const flagsIn = (text: string): Set<string> => new Set(text.match(FLAG) ?? []);
const sorted = (s: Iterable<string>): string[] => [...s].sort();

/** The flags the parser accepts for a command, long forms with dashes. */
function parserFlags(spec: CommandSpec): Set<string> {
  return new Set(Object.keys(parserOptions(spec)).map((n) => `--${n}`));
}

/** The parts of a command's help text: synopsis, the flags of the Options lines, exit codes. */
function helpParts(text: string): { synopsis: string; options: Set<string>; exitCodes: number[] } {
  const lines = text.split('\n');
  const blank = lines.indexOf('');
  const synopsis = lines.slice(0, blank).join(' ').replace(/^Usage:\s*/, '').replace(/\s+/g, ' ');
  const from = lines.indexOf('Options:');
  const to = lines.indexOf('Exit status:');
  assert.ok(from > 0 && to > from, 'Options: then Exit status:');
  const options = new Set<string>();
  // An option line starts at column 2 with a dash; wrapped descriptions are indented further.
  for (const l of lines.slice(from + 1, to)) {
    const m = /^ {2}(?:-[a-z], )?(--[a-z][a-z-]*)/.exec(l);
    if (m) options.add(m[1]!);
  }
  const exitCodes = lines.slice(to + 1).flatMap((l) => {
    const m = /^ {2}(\d+) /.exec(l);
    return m ? [Number(m[1])] : [];
  });
  return { synopsis, options, exitCodes };
}

/** The README's "## The CLI" section, up to the next top-level heading. */
function readmeCliSection(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## The CLI\n');
  assert.ok(start >= 0, 'the README has a "## The CLI" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Code blocks and the prose around them, apart. */
function splitCode(section: string): { blocks: string[]; prose: string } {
  const blocks: string[] = [];
  const prose = section.replace(/```[a-z]*\n([\s\S]*?)```/g, (_, body: string) => {
    blocks.push(body);
    return '';
  });
  return { blocks, prose };
}

/** Shell commands of a code block, continuation lines (ending in `\`) joined, `$ ` prompts dropped. */
function shellCommands(block: string): string[] {
  return block
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.replace(/^\$\s+/, '').replace(/#.*$/, '').trim())
    .filter(Boolean);
}

const specOf = (name: string): CommandSpec | undefined => COMMANDS.find((c) => c.name === name);

test('each command: the flags of its help, its synopsis and its parser are the same', () => {
  for (const spec of COMMANDS) {
    const parts = helpParts(usage(spec));
    const parser = parserFlags(spec);
    assert.deepEqual(sorted(parts.options), sorted(parser), `${spec.name}: Options lines vs parser`);
    const inSynopsis = flagsIn(parts.synopsis);
    assert.deepEqual(sorted(inSynopsis), sorted([...parser].filter((f) => f !== '--help')), `${spec.name}: synopsis vs parser`);
    assert.ok(parts.synopsis.startsWith(`timeout-lens ${spec.name}`), parts.synopsis);
    // Every command can fail on usage and on a bug: main returns 2 and 70 for any of them.
    for (const code of [0, 2, 70]) assert.ok(parts.exitCodes.includes(code), `${spec.name} documents exit ${code}`);
    // A flag's short form is in its help line too.
    for (const [name, o] of Object.entries(parserOptions(spec))) if (o.short) assert.match(usage(spec), new RegExp(`^  -${o.short}, --${name}\\b`, 'm'));
  }
});

test('no command module parses its own arguments: every parser table is the one its help is made from', () => {
  const dir = join(ROOT, 'src', 'cli');
  for (const f of readdirSync(dir)) {
    if (f === 'usage.ts') continue;
    assert.doesNotMatch(readFileSync(join(dir, f), 'utf8'), /\bparseArgs\b/, `${f} calls parseArgs itself`);
  }
  const modules: Record<string, string> = { analyze: 'analyze.ts', trace: 'trace.ts', calls: 'calls.ts', 'sample-account': 'sampleAccount.ts' };
  for (const spec of COMMANDS) {
    const source = readFileSync(join(dir, modules[spec.name]!), 'utf8');
    const constName = /^export const (\w+): CommandSpec = \{\n {2}name: '([^']+)'/gm;
    const usageSource = readFileSync(join(dir, 'usage.ts'), 'utf8');
    const name = [...usageSource.matchAll(constName)].find((m) => m[2] === spec.name)?.[1];
    assert.ok(name, `usage.ts declares ${spec.name}`);
    assert.match(source, new RegExp(`parseCommand\\(${name}, args\\)`), `${modules[spec.name]} parses with ${name}`);
  }
});

test('the exit codes a command module returns are the ones its help lists', () => {
  const codes: Record<string, number> = ExitCode;
  const modules: Record<string, string> = { analyze: 'analyze.ts', trace: 'trace.ts', calls: 'calls.ts', 'sample-account': 'sampleAccount.ts' };
  for (const spec of COMMANDS) {
    const source = readFileSync(join(ROOT, 'src', 'cli', modules[spec.name]!), 'utf8');
    assert.doesNotMatch(source, /return \d+;/, `${modules[spec.name]} returns a bare number`);
    const used = new Set<number>();
    for (const m of source.matchAll(/ExitCode\.(\w+)/g)) {
      const code = codes[m[1]!];
      assert.ok(code !== undefined, `${modules[spec.name]} uses ExitCode.${m[1]}, which usage.ts does not declare`);
      used.add(code);
    }
    if (/usageError\(/.test(source)) used.add(2);
    const listed = helpParts(usage(spec)).exitCodes;
    for (const c of used) assert.ok(listed.includes(c), `${spec.name} returns ${c} but its help does not list it`);
  }
  // And the overview lists every code any command can return.
  const overview = mainUsage().slice(mainUsage().indexOf('Exit status:'));
  for (const spec of COMMANDS) for (const [c] of spec.exitStatus) assert.match(overview, new RegExp(`^  ${c} `, 'm'));
});

test('the README synopsis block is the synopsis of each command’s help, one per command', () => {
  const { blocks } = splitCode(readmeCliSection());
  const block = blocks[0]!;
  const synopses = new Map<string, string>();
  let current: string | undefined;
  for (const line of block.split('\n')) {
    const m = /^timeout-lens ([a-z-]+)/.exec(line);
    if (m) {
      current = m[1]!;
      synopses.set(current, line.trim());
    } else if (line.trim() && current) synopses.set(current, `${synopses.get(current)} ${line.trim()}`);
  }
  assert.deepEqual(sorted(synopses.keys()), sorted(COMMANDS.map((c) => c.name)), 'one synopsis per command');
  for (const spec of COMMANDS) assert.equal(synopses.get(spec.name)!.replace(/\s+/g, ' '), helpParts(usage(spec)).synopsis, spec.name);
});

test('every flag the README’s CLI section names is one the parser accepts (for that command, in its examples)', () => {
  const { blocks, prose } = splitCode(readmeCliSection());
  const all = new Set(COMMANDS.flatMap((c) => [...parserFlags(c)]));
  let examples = 0;
  for (const block of blocks) {
    for (const cmd of shellCommands(block)) {
      const m = /^(?:timeout-lens|node dist\/cli\.js) ([a-z-]+)(.*)$/.exec(cmd);
      if (!m) continue; // the AWS CLI's own commands and `export`
      const spec = specOf(m[1]!);
      assert.ok(spec, `the README runs an unknown command: ${cmd}`);
      for (const f of flagsIn(m[2]!.replace(/'[^']*'/g, ''))) assert.ok(parserFlags(spec).has(f), `${spec.name} does not accept ${f} (README: ${cmd})`);
      examples++;
    }
  }
  assert.ok(examples >= 4, 'the README shows the commands');
  const named = flagsIn(prose);
  assert.ok(named.size >= 10, `the README's prose names the flags: ${sorted(named).join(' ')}`);
  for (const f of named) assert.ok(all.has(f), `the README names ${f}, which no command accepts`);
  // Prose of the form `command --flag` belongs to that command.
  for (const m of prose.matchAll(/`(?:timeout-lens )?(analyze|trace|calls|sample-account) (--[a-z-]+)/g)) {
    assert.ok(parserFlags(specOf(m[1]!)!).has(m[2]!), `README: ${m[1]} ${m[2]}`);
  }
});
