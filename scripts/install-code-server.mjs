// Installs the real VS Codes the integration tests and `npm start` run, as code-server from the
// npm registry, each on its own Node from the npm registry (scripts/node-runtime.mjs), into a
// cache outside the repository keyed by version:
//   oldest  — code-server 4.103.2 = VS Code 1.103.2 on Node 22: the oldest VS Code the manifest
//             accepts (engines.vscode ^1.103.0; 1.101 was the first on Node 22, and 4.103.2 is the
//             oldest code-server of that line the registry holds)
//   current — code-server 4.139.1 = VS Code 1.139.1 on Node 24: the VS Code people run today
// VS Code itself cannot be downloaded here, and a plain `npm install code-server` fails (root
// postinstall, npx prompts, ripgrep from GitHub), so this does the postinstall's work itself —
// the measured recipe in ../shared/design/VSCODE_TESTING.md. Each install gets a `code-server`
// wrapper that starts the server (and so the extension host) on that target's Node, not the
// machine's. `node scripts/install-code-server.mjs [oldest|current]` prints the wrapper's path
// as its last line. Idempotent: a finished install is reused.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheRoot, installNode, nodeDir, withNodeOnPath } from './node-runtime.mjs';

/**
 * The VS Codes the tests run. `smokeTestDriver`: VS Code 1.139 ignores the development payload
 * (extension under development, tests path) unless the server runs with
 * `--vscode-option enable-smoke-test-driver`; older code-servers reject that option.
 */
export const VSCODE_TARGETS = {
  oldest: { codeServer: '4.103.2', vscode: '1.103.2', node: '22.23.5', smokeTestDriver: false },
  current: { codeServer: '4.139.1', vscode: '1.139.1', node: '24.22.3', smokeTestDriver: true },
};

export function target(name) {
  const t = VSCODE_TARGETS[name];
  if (!t) throw new Error(`unknown VS Code target "${name}": use ${Object.keys(VSCODE_TARGETS).join(' or ')}`);
  return { name, ...t };
}

export function codeServerHome(t) {
  return join(cacheRoot(), `code-server-${t.codeServer}-node-${t.node}`);
}

/** The wrapper that runs this target's code-server on this target's Node. */
export function codeServerBin(t) {
  return join(codeServerHome(t), 'code-server');
}

const DEBIAN_NEEDS = { '/usr/bin/rg': 'ripgrep', '/usr/include/gssapi/gssapi.h': 'libkrb5-dev', '/usr/include/X11/extensions/XKBfile.h': 'libxkbfile-dev' };

function link(target, path) {
  try {
    if (lstatSync(path)) unlinkSync(path);
  } catch {
    /* not there yet */
  }
  symlinkSync(target, path);
}

export function installCodeServer(name = 'current') {
  const t = target(name);
  const home = codeServerHome(t);
  const marker = join(home, '.complete');
  const wrapper = codeServerBin(t);
  if (existsSync(marker) && existsSync(wrapper)) return wrapper;

  const missing = Object.entries(DEBIAN_NEEDS).filter(([f]) => !existsSync(f)).map(([, p]) => p);
  if (missing.length) {
    throw new Error(
      `code-server needs Debian packages that are not installed: ${missing.join(' ')}.\n` +
        `Run: sudo apt-get install -y build-essential pkg-config python3 libkrb5-dev libxkbfile-dev libsecret-1-dev ripgrep chromium`,
    );
  }
  const node = installNode(t.node);
  const t0 = Date.now();
  console.error(`[install-code-server] installing code-server ${t.codeServer} (VS Code ${t.vscode}) on Node ${t.node} into ${home} (a minute or two, once)`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'package.json'), JSON.stringify({ name: 'timeout-lens-code-server', private: true }));
  // npm and node-gyp run on the target's Node and build native modules against its headers
  // (a ~/.npmrc may name another Node's headers in nodedir).
  const env = {
    ...withNodeOnPath(node),
    npm_config_nodedir: nodeDir(t.node),
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const sh = (args, cwd) => execFileSync('npm', [...args, '--loglevel=error'], { cwd, stdio: ['ignore', 'inherit', 'inherit'], env });
  sh(['install', '--no-save', '--ignore-scripts', `code-server@${t.codeServer}`], home);
  // argon2 (loaded at start even with auth: none) ships prebuilds only in newer code-servers.
  if (!existsSync(join(home, 'node_modules', 'argon2', 'prebuilds'))) sh(['rebuild', 'argon2', '--build-from-source'], home);
  const vscodeDir = join(home, 'node_modules', 'code-server', 'lib', 'vscode');
  sh(['install', '--omit=dev', '--ignore-scripts'], vscodeDir);
  // The native modules the workbench and the extension host need built: spdlog writes the .log
  // files the harness reads, the watchdog ends a hung extension host, node-pty runs the terminal
  // (built only where it ships no prebuilds: 4.139 has them, 4.103 does not). @parcel/watcher
  // comes as a per-platform package.
  const built = (m) => existsSync(join(vscodeDir, 'node_modules', m, 'prebuilds')) || existsSync(join(vscodeDir, 'node_modules', m, 'build', 'Release'));
  const native = [
    '@vscode/spdlog',
    existsSync(join(vscodeDir, 'node_modules', '@vscode', 'native-watchdog')) ? '@vscode/native-watchdog' : 'native-watchdog',
    ...['node-pty'].filter((m) => existsSync(join(vscodeDir, 'node_modules', m)) && !built(m)),
  ];
  sh(['rebuild', ...native], vscodeDir);
  const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  link('/usr/bin/rg', join(rgDir, 'rg'));
  link('node_modules', join(vscodeDir, 'node_modules.asar'));
  const remoteCli = join(vscodeDir, 'bin', 'remote-cli');
  if (existsSync(join(remoteCli, 'code-linux.sh'))) link('code-linux.sh', join(remoteCli, 'code-server'));
  const helpers = join(vscodeDir, 'bin', 'helpers');
  if (existsSync(join(helpers, 'browser-linux.sh'))) link('browser-linux.sh', join(helpers, 'browser.sh'));
  sh(['install', '--omit=dev'], join(vscodeDir, 'extensions'));

  const entry = join(home, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  writeFileSync(wrapper, `#!/bin/sh\n# code-server ${t.codeServer} (VS Code ${t.vscode}) on Node ${t.node}\nexec "${node}" "${entry}" "$@"\n`);
  chmodSync(wrapper, 0o755);
  const version = execFileSync(wrapper, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.includes(t.codeServer)) throw new Error(`code-server --version printed ${version}`);
  writeFileSync(marker, `${version}\n`);
  console.error(`[install-code-server] code-server ${version.split('\n').find((l) => l.includes(t.codeServer))} ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return wrapper;
}

/** What an installed target's `--version` printed, or null before it is installed. */
export function installedVersion(name = 'current') {
  const marker = join(codeServerHome(target(name)), '.complete');
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim() : null;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(installCodeServer(process.argv[2] || 'current'));
  } catch (e) {
    console.error(`[install-code-server] ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
