// The CLI as a process, on the Node it supports and on an older one: `timeout-lens trace --sample`
// prints its report and no warning (the AWS SDK's Node-version notice included) on Node 22+, and an
// older Node is refused with exit 2 and what to do. The CLI is bundled here from src/cli.ts the way
// esbuild.mjs bundles it, so the test does not depend on a build having run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'timeout-lens-cli-'));
const cli = join(dir, 'cli.js');

before(async () => {
  await esbuild.build({
    entryPoints: [join(ROOT, 'src', 'cli.ts')],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    define: { __VERSION__: '"0.0.0-test"', 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    logLevel: 'error',
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('on this Node (22 or newer), trace --sample prints its report and no warning at all', { timeout: 120_000 }, () => {
  assert.ok(Number(process.versions.node.split('.')[0]) >= 22, `the tests run on Node 22+ (scripts/node-runtime.mjs), not ${process.version}`);
  const r = spawnSync(process.execPath, [cli, 'trace', '--sample', '--api', 'orders-api', '--since', '60m', '--max', '3'], {
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined, NODE_NO_WARNINGS: undefined },
    timeout: 110_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /TIMEOUT\s+orders-api\/prod\s+POST /, 'the report of the sample account\'s 504');
  assert.doesNotMatch(r.stderr, /NodeVersionSupportWarning|will require node/i, 'no AWS SDK notice');
  assert.doesNotMatch(r.stderr, /\(node:\d+\)|Warning:/, 'no Node warning of any kind');
});

/** A Node older than 22 on this machine (CI's own /usr/bin/node is 20), or undefined. */
function olderNode(): { bin: string; version: string } | undefined {
  for (const bin of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(version.slice(1).split('.')[0]) < 22) return { bin, version };
    } catch {
      /* not there */
    }
  }
  return undefined;
}

const old = olderNode();
test(`on an older Node (${old ? `${old.bin} ${old.version}` : 'none on this machine'}), the CLI stops with exit 2 and says what to do`, { skip: old ? false : 'no Node older than 22 here; nodeTooOld is tested in foundation/versions' }, () => {
  const r = spawnSync(old!.bin, [cli, 'trace', '--sample', '--api', 'orders-api'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^timeout-lens needs Node 22 or newer, and this is Node ${old!.version.replace(/\./g, '\\.')}\\.\\nInstall Node 22`));
  assert.doesNotMatch(r.stderr, /NodeVersionSupportWarning/, 'refused before the SDK loads');
});
