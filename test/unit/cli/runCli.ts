// Runs `timeout-lens` in this process through its real dispatcher (src/cli/main.ts), keeping what
// it writes. The CLI writes strings; the test runner's own reports to its parent process are bytes
// on the same stdout, and pass through.
import { main } from '../../../src/cli/main';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export const VERSION = '9.9.9-test';

/** `timeout-lens ...argv`, with `env` set for the run only (undefined removes a variable). */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (typeof chunk !== 'string') return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (typeof chunk !== 'string') return (writeErr as (...a: unknown[]) => boolean)(chunk, ...rest);
    err += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv, VERSION);
    return { code, out, err };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
