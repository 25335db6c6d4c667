// `timeout-lens`: the engine for terminals and CI. The dispatcher and the help are in
// src/cli/main.ts and src/cli/usage.ts; each command lives in src/cli/<name>.ts and is loaded
// only when it runs, so `--help` stays instant.
import { main } from './cli/main';

// The AWS SDK warns on every run under Node 20 that versions published after January 2027 will
// need Node 22; the CLI pins its SDK, so the notice is noise in a terminal and in CI logs.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  if (typeof warning === 'string' && warning.startsWith('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

declare const __VERSION__: string;

void main(process.argv.slice(2), __VERSION__).then((code) => {
  process.exitCode = code;
});
