// `node scripts/integration-under-load.mjs [runs] [-- filter]`: runs the real-VS-Code integration
// suite several times (default 10) while one busy process per core competes for the CPU, and
// prints each run's outcome and time: a flaky wait shows up here long before it shows up in CI.
// The load is bounded: its workers stop with the last run (and after two hours at the latest).
import { fork, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--burn') {
  // Busy work, checked against the clock now and then so the worker ends on its own.
  const until = Date.now() + 2 * 3600_000;
  let x = 0;
  while (Date.now() < until) for (let i = 0; i < 1e6; i++) x = (x * 31 + i) % 1_000_003;
  process.exit(x < 0 ? 1 : 0);
}

const runs = Number(process.argv[2] ?? 10);
const filter = process.argv.slice(3).filter((a) => a !== '--');
const self = fileURLToPath(import.meta.url);
const burners = Array.from({ length: availableParallelism() }, () => fork(self, ['--burn'], { stdio: 'ignore' }));
const stop = () => burners.forEach((b) => b.kill());
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));

const results = [];
for (let i = 1; i <= runs; i++) {
  const started = Date.now();
  const r = spawnSync('npm', ['run', 'test:integration', '--', ...filter], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const out = `${r.stdout}${r.stderr}`;
  const failed = out.split('\n').filter((l) => l.startsWith('✖') && !l.startsWith('✖ failing tests'));
  const s = Math.round((Date.now() - started) / 1000);
  results.push({ ok: r.status === 0, s, failed: [...new Set(failed)] });
  console.log(`run ${i}/${runs}: ${r.status === 0 ? 'passed' : 'FAILED'} in ${s} s${failed.length ? `\n  ${[...new Set(failed)].join('\n  ')}` : ''}`);
}
stop();
const ok = results.filter((r) => r.ok).length;
console.log(`integration under load (${burners.length} busy processes): ${ok} of ${runs} runs passed`);
process.exit(ok === runs ? 0 : 1);
