// Installs the real VS Code the integration tests and `npm start` run: code-server 4.100.3
// (= VS Code 1.100.3, the newest whose engines.node is 20) from the npm registry, into a cache
// outside the repository, keyed by version. VS Code itself cannot be downloaded here, and a
// plain `npm install code-server` fails (root postinstall, npx prompts, ripgrep from GitHub), so
// this does the postinstall's work itself — the measured recipe in ../shared/design/VSCODE_TESTING.md.
// Prints the path of the code-server binary as its last line. Idempotent: a finished install is reused.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync, lstatSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';

export function codeServerHome() {
  const base = process.env.TIMEOUT_LENS_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'timeout-lens');
  return join(base, `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerBin() {
  return join(codeServerHome(), 'node_modules', '.bin', 'code-server');
}

const DEBIAN_NEEDS = { '/usr/bin/rg': 'ripgrep', '/usr/include/gssapi/gssapi.h': 'libkrb5-dev', '/usr/include/X11/extensions/XKBfile.h': 'libxkbfile-dev' };

function sh(cmd, args, cwd, extraEnv = {}) {
  const started = Date.now();
  execFileSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extraEnv },
  });
  return Date.now() - started;
}

function link(target, path) {
  try {
    if (lstatSync(path)) unlinkSync(path);
  } catch {
    /* not there yet */
  }
  symlinkSync(target, path);
}

export function installCodeServer() {
  const home = codeServerHome();
  const marker = join(home, '.complete');
  if (existsSync(marker) && existsSync(codeServerBin())) return codeServerBin();

  const missing = Object.entries(DEBIAN_NEEDS).filter(([f]) => !existsSync(f)).map(([, p]) => p);
  if (missing.length) {
    throw new Error(
      `code-server needs Debian packages that are not installed: ${missing.join(' ')}.\n` +
        `Run: sudo apt-get install -y build-essential pkg-config python3 libkrb5-dev libxkbfile-dev libsecret-1-dev ripgrep chromium`,
    );
  }
  const t0 = Date.now();
  console.error(`[install-code-server] installing code-server ${CODE_SERVER_VERSION} into ${home} (about a minute, once)`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'package.json'), JSON.stringify({ name: 'timeout-lens-code-server', private: true }));
  sh('npm', ['install', '--no-save', '--ignore-scripts', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`], home);
  sh('npm', ['rebuild', 'argon2', '--build-from-source', '--loglevel=error'], home);
  const vscodeDir = join(home, 'node_modules', 'code-server', 'lib', 'vscode');
  sh('npm', ['install', '--omit=dev', '--ignore-scripts', '--loglevel=error'], vscodeDir);
  sh(
    'npm',
    ['rebuild', '@parcel/watcher', '@vscode/deviceid', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty', '--loglevel=error'],
    vscodeDir,
  );
  const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  link('/usr/bin/rg', join(rgDir, 'rg'));
  link('node_modules', join(vscodeDir, 'node_modules.asar'));
  const remoteCli = join(vscodeDir, 'bin', 'remote-cli');
  if (existsSync(join(remoteCli, 'code-linux.sh'))) link('code-linux.sh', join(remoteCli, 'code-server'));
  const helpers = join(vscodeDir, 'bin', 'helpers');
  if (existsSync(join(helpers, 'browser-linux.sh'))) link('browser-linux.sh', join(helpers, 'browser.sh'));
  sh('npm', ['install', '--omit=dev', '--loglevel=error'], join(vscodeDir, 'extensions'));

  const version = execFileSync(codeServerBin(), ['--version'], { encoding: 'utf8' }).trim();
  if (!version.includes(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed ${version}`);
  writeFileSync(marker, `${version}\n`);
  console.error(`[install-code-server] ${version.split('\n')[0]} ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return codeServerBin();
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(installCodeServer());
  } catch (e) {
    console.error(`[install-code-server] ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}

// Keep readFileSync referenced for callers that import this module to read the marker.
export function installedVersion() {
  const marker = join(codeServerHome(), '.complete');
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim() : null;
}
