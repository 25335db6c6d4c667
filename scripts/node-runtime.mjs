// The Node the project's scripts run on. The CLI and the tests need Node 22 or newer (the AWS SDK
// requires it from January 2027, and VS Code's extension host has run Node 22 since 1.101); the
// VS Codes the integration tests start need their own Node (22 for the oldest, 24 for the
// current one). Where the machine's Node is older, the matching Node comes from the npm registry
// (the `node-<platform>-<arch>` packages ship `bin/node` and Node's headers, so native modules
// build against them with no other download), into a cache outside the repository keyed by
// version. `node scripts/node-runtime.mjs <version>` installs one and prints its `bin/node`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The oldest Node the CLI and the tests accept (package.json's engines.node says the same). */
export const MIN_NODE_MAJOR = 22;
/** The Node brought in when the machine's is older than MIN_NODE_MAJOR. */
export const TOOLS_NODE_VERSION = '22.23.5';

export function cacheRoot() {
  return process.env.TIMEOUT_LENS_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'timeout-lens');
}

export function nodePackage() {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  return `node-${platform}-${process.arch}`;
}

export function nodeHome(version) {
  return join(cacheRoot(), `node-${version}`);
}

/** The directory holding `bin/node` and `include/node` of an installed Node `version`. */
export function nodeDir(version) {
  return join(nodeHome(version), 'node_modules', nodePackage());
}

/** Installs Node `version` from the npm registry (once; cached) and returns its `bin/node`. */
export function installNode(version) {
  const home = nodeHome(version);
  const bin = join(nodeDir(version), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const marker = join(home, '.complete');
  if (existsSync(marker) && existsSync(bin)) return bin;
  const started = Date.now();
  console.error(`[node-runtime] bringing Node ${version} from the npm registry (${nodePackage()}) into ${home}`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'package.json'), JSON.stringify({ name: 'timeout-lens-node', private: true }));
  try {
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `${nodePackage()}@${version}`], {
      cwd: home,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
  } catch {
    throw new Error(
      `Node ${version} could not be installed from the npm registry as ${nodePackage()}@${version}. ` +
        `Install Node ${MIN_NODE_MAJOR} or newer yourself (https://nodejs.org) and run the command again with it.`,
    );
  }
  const printed = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (printed !== `v${version}`) throw new Error(`${bin} --version printed ${printed}, not v${version}`);
  writeFileSync(marker, `${printed}\n`);
  console.error(`[node-runtime] Node ${printed} ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return bin;
}

export function nodeMajor(version = process.versions.node) {
  return Number(version.split('.')[0]);
}

/**
 * Runs the calling script again under a Node at least MIN_NODE_MAJOR when this one is older
 * (its directory first on PATH, so `node`, `npm` and child processes use it too), and exits with
 * its status. Returns (doing nothing) when this Node is new enough.
 */
export function requireNode(min = MIN_NODE_MAJOR) {
  if (nodeMajor() >= min) return;
  const bin = installNode(TOOLS_NODE_VERSION);
  console.error(`[node-runtime] this machine's Node is ${process.version}; running ${process.argv[1]} on Node v${TOOLS_NODE_VERSION}`);
  const r = spawnSync(bin, process.argv.slice(1), { stdio: 'inherit', env: withNodeOnPath(bin) });
  process.exit(r.status ?? 1);
}

/** process.env with `bin`'s directory first on PATH. */
export function withNodeOnPath(bin, env = process.env) {
  return { ...env, PATH: `${dirname(bin)}${delimiter}${env.PATH ?? ''}` };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(installNode(process.argv[2] || TOOLS_NODE_VERSION));
  } catch (e) {
    console.error(`[node-runtime] ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
