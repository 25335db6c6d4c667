// `timeout-lens`: the engine for terminals and CI. The dispatcher and the help are in
// src/cli/main.ts and src/cli/usage.ts; each command lives in src/cli/<name>.ts and is loaded
// only when it runs, so `--help` stays instant.
import { main } from './cli/main';
import { nodeTooOld } from './cli/nodeVersion';
import { ExitCode } from './cli/usage';

declare const __VERSION__: string;

const tooOld = nodeTooOld(process.version);
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exitCode = ExitCode.usage;
} else {
  void main(process.argv.slice(2), __VERSION__).then((code) => {
    process.exitCode = code;
  });
}
