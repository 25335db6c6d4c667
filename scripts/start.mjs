// `npm start`: the product on the sample account. Builds and packages the extension, starts the
// sample account (a local AWS-compatible endpoint with a living orders-api), and opens VS Code
// (code-server 4.139.1 = VS Code 1.139.1 on its own Node 24, installed once) on demo/ (the orders team's SAM app and the
// catalog team's Serverless Framework service) with Timeout Lens installed
// and pointed at it — through the ordinary endpoint setting, as it would be at LocalStack.
// `npm start -- --desktop` opens desktop VS Code instead (`code` on the PATH).
// `npm start -- --port 8080` picks the port (default: 8080, or a free one when taken; 0: any free one).
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { installCodeServer } from './install-code-server.mjs';
import { requireNode } from './node-runtime.mjs';

requireNode();

const args = process.argv.slice(2);
const desktop = args.includes('--desktop');
const portArg = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : 8080;
if (!Number.isInteger(portArg) || portArg < 0 || portArg > 65_535) {
  console.error(`[start] --port takes a port number from 1 to 65535 (or 0 for any free one), not "${args[args.indexOf('--port') + 1] ?? ''}".`);
  process.exit(2);
}
const root = resolve('.');
const workspace = join(root, 'demo');
const children = [];

function stopAll() {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
}
process.on('SIGINT', () => {
  stopAll();
  process.exit(0);
});
process.on('SIGTERM', () => {
  stopAll();
  process.exit(0);
});

function portFree(port) {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/** The preferred port when it is free; else (or for 0, "any") one the system gives. */
async function freePort(preferred) {
  if (preferred > 0 && (await portFree(preferred))) return preferred;
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

console.log('[start] building…');
execFileSync(process.execPath, ['esbuild.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });

// The sample account, in its own process, until this script stops.
const sample = spawn(process.execPath, ['dist/cli.js', 'sample-account', '--port', '0', '--speed', '10'], {
  detached: true,
  stdio: ['ignore', 'pipe', 'inherit'],
});
children.push(sample);
const endpoint = await new Promise((res, rej) => {
  const rl = createInterface({ input: sample.stdout });
  rl.once('line', (l) => res(l.trim()));
  sample.once('exit', (code) => rej(new Error(`the sample account exited (${code})`)));
});
sample.stdout.resume();
console.log(`[start] sample account: ${endpoint}`);
const awsEnv = {
  AWS_ACCESS_KEY_ID: 'AKIASAMPLEACCOUNT000',
  AWS_SECRET_ACCESS_KEY: 'sample-account-secret',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const settings = {
  'timeoutLens.aws.endpoint': endpoint,
  'timeoutLens.aws.region': 'us-east-1',
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
};

if (desktop) {
  const code = spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], {
    stdio: 'inherit',
    env: { ...process.env, ...awsEnv },
  });
  code.once('error', (e) => {
    console.error(`[start] could not run \`code\` (${e.message}); run \`npm start\` without --desktop for the browser VS Code`);
    stopAll();
    process.exit(1);
  });
  console.log(`[start] desktop VS Code opens ${workspace}; set "timeoutLens.aws.endpoint": "${endpoint}" there (or run Timeout Lens: Try the Sample Account). Ctrl+C stops the sample account.`);
} else {
  const bin = installCodeServer('current');
  const vsix = execFileSync(process.execPath, ['scripts/package.mjs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  const home = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'timeout-lens', 'start');
  const ud = join(home, 'user-data');
  const ext = join(home, 'extensions');
  mkdirSync(join(ud, 'User'), { recursive: true });
  mkdirSync(ext, { recursive: true });
  writeFileSync(join(ud, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const cfg = join(home, 'config.yaml');
  if (!existsSync(cfg)) writeFileSync(cfg, 'auth: none\ncert: false\n');
  execFileSync(bin, ['--config', cfg, '--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', vsix, '--force'], { stdio: 'ignore' });
  const port = await freePort(portArg);
  const server = spawn(
    bin,
    ['--config', cfg, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--user-data-dir', ud, '--extensions-dir', ext, workspace],
    { detached: true, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...awsEnv } },
  );
  children.push(server);
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log('');
  console.log(`  Timeout Lens in VS Code:  http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  console.log(`  Sample account (AWS API): ${endpoint}`);
  console.log('');
  console.log('  Open the URL, then run "Timeout Lens: Trace 504" and choose orders-api, or open orders-api/src/reports.js');
  console.log('  and click "Trace 504 for this function" above its handler. Ctrl+C stops everything.');
  server.once('exit', (c) => {
    console.log(`[start] VS Code exited (${c})`);
    stopAll();
    process.exit(c ?? 0);
  });
}
