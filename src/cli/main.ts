// The `timeout-lens` dispatcher: the command table, help (`--help`, `-h`, `help <command>`),
// `--version`, and the exit code of an error no command expected. Each command's module is
// loaded only when it runs, so help and usage errors never parse the engine or the AWS SDK.
import { ANALYZE, CALLS, ExitCode, mainUsage, SAMPLE_ACCOUNT, TRACE, usage, type CommandSpec } from './usage';
import { terminalSafe, terminalSafeLines } from '../core/terminalText';

interface Command {
  spec: CommandSpec;
  load: () => Promise<{ run: (args: string[]) => Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  analyze: { spec: ANALYZE, load: () => import('./analyze') },
  trace: { spec: TRACE, load: () => import('./trace') },
  calls: { spec: CALLS, load: () => import('./calls') },
  'sample-account': { spec: SAMPLE_ACCOUNT, load: () => import('./sampleAccount') },
};

/** `--help` or `-h` among a command's arguments (not after `--`, where it would be a file name). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

function unknownCommand(name: string): number {
  process.stderr.write(`timeout-lens: unknown command '${terminalSafe(name)}'\n\n${mainUsage()}\n`);
  return ExitCode.usage;
}

/** Runs `timeout-lens` with `argv` (without node and the script) and returns its exit code. */
export async function main(argv: string[], version: string): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`timeout-lens: give a command\n\n${mainUsage()}\n`);
    return ExitCode.usage;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    process.stdout.write(`${mainUsage()}\n`);
    return ExitCode.ok;
  }
  if (name === '--version') {
    process.stdout.write(`${version}\n`);
    return ExitCode.ok;
  }
  if (name === 'help') {
    const topic = rest[0]!;
    const cmd = Object.hasOwn(COMMANDS, topic) ? COMMANDS[topic] : undefined;
    if (!cmd) return unknownCommand(topic);
    process.stdout.write(`${usage(cmd.spec)}\n`);
    return ExitCode.ok;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) return unknownCommand(name);
  if (asksForHelp(rest)) {
    process.stdout.write(`${usage(cmd.spec)}\n`);
    return ExitCode.ok;
  }
  try {
    const mod = await cmd.load();
    return await mod.run(rest);
  } catch (e) {
    // The message may quote what a file held: its lines are terminal-safe.
    process.stderr.write(`timeout-lens ${name}: unexpected error: ${terminalSafeLines(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    return ExitCode.internal;
  }
}
