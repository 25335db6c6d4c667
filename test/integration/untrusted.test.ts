// A workspace cannot make Timeout Lens send the user's credentials elsewhere, in the real VS Code.
// The folder's .vscode/settings.json points timeoutLens.aws.endpoint at another machine (this
// machine's own network address, where the test listens and counts every TCP connection):
// Trace 504 first asks, in a modal dialog; Cancel sends nothing (not one connection), Allow is
// remembered and only then does a request go out; http:// to another machine is refused with a
// message naming the setting; the sample account on loopback runs with no question. Then the same
// folder opened with workspace trust on and not trusted: VS Code leaves out the folder's endpoint
// and profile (restrictedConfigurations), so nothing is asked and nothing reaches the listener.
// Runs in order: each test starts where the one before left the window.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';

/** An address of this machine that is not loopback: to Timeout Lens, another server. */
function otherAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this machine has no non-loopback IPv4 address to stand for another server');
}

/** A TCP listener that counts connections and closes each at once (a TLS client sees a reset). */
interface Listener {
  server: Server;
  connections: number;
  port: number;
}

async function listen(host: string): Promise<Listener> {
  const l: Listener = { server: createServer(), connections: 0, port: 0 };
  l.server.on('connection', (s: Socket) => {
    l.connections++;
    s.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    l.server.once('error', reject);
    l.server.listen(0, host, resolve);
  });
  const a = l.server.address();
  l.port = typeof a === 'object' && a ? a.port : 0;
  return l;
}

let tmp: string;
let workspace: string;
let host: string;
let listener: Listener;
let origin: string;
let server: VSCodeServer;
let wb: Workbench;

/** Fake keys in the environment: the SDK signs with them, so an allowed request really goes out. */
function awsEnv(): Record<string, string> {
  const aws = join(tmp, 'aws');
  mkdirSync(aws, { recursive: true });
  writeFileSync(join(aws, 'config'), '');
  writeFileSync(join(aws, 'credentials'), '');
  return {
    AWS_ACCESS_KEY_ID: 'AKIATIMEOUTLENSTEST0',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_SESSION_TOKEN: 'a-session-token-a-workspace-must-not-get',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(aws, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
  };
}

function workspaceSettings(dir: string, settings: Record<string, unknown>): void {
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tl-untrusted-'));
  host = otherAddress();
  listener = await listen(host);
  origin = `https://${host}:${listener.port}`;
  workspace = join(tmp, 'workspace');
  workspaceSettings(workspace, { 'timeoutLens.aws.endpoint': origin });
  server = await startVSCode({ workspace, env: awsEnv() });
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
  listener?.server.close();
  rmSync(tmp, { recursive: true, force: true });
});

const dialog = (): ReturnType<Workbench['page']['locator']> => wb.page.locator('.monaco-dialog-box');
const log = (): string => wb.outputChannelLog('Timeout Lens');

/** The modal dialog's whole text, once it shows. */
async function dialogText(): Promise<string> {
  await dialog().waitFor({ state: 'visible', timeout: 20_000 });
  return (await dialog().innerText()).replace(/\s+/g, ' ');
}

async function clickDialogButton(label: string): Promise<void> {
  await dialog().locator('.monaco-button', { hasText: new RegExp(`^${label}$`) }).first().click();
  await dialog().waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Waits until no connection has come for a few seconds: the picker's lists of an allowed run go on
 * (with the SDK's retries) after the picker closes, and must not be counted against the next test.
 */
async function quiet(): Promise<number> {
  let last = -1;
  let since = Date.now();
  return waitFor('the allowed run’s requests to end', () => {
    if (listener.connections !== last) {
      last = listener.connections;
      since = Date.now();
    }
    return Date.now() - since >= 4_000 ? last + 1 : undefined;
  }, 90_000).then((n) => n - 1);
}

/** Whether the Trace 504 picker is open (its title names where it reads from). */
async function pickerTitle(): Promise<string | undefined> {
  const t = await wb.page.locator('.quick-input-widget .quick-input-title').first().innerText().catch(() => '');
  return t.includes('Trace 504') ? t : undefined;
}

test('an endpoint in the workspace settings that is neither AWS nor this machine: Trace 504 asks first, and Cancel sends nothing', async () => {
  await wb.runCommand('Timeout Lens: Trace 504');
  const text = await dialogText();
  assert.match(text, new RegExp(`Send AWS requests signed with your credentials to ${origin.replace(/[.]/g, '\\.')}\\?`));
  assert.match(text, /timeoutLens\.aws\.endpoint in this workspace's settings \(\.vscode\/settings\.json\)/);
  assert.match(text, /access key ID/);
  await wb.screenshot('untrusted-consent-dialog');
  await clickDialogButton('Cancel');
  await wb.waitForNotification(new RegExp(`Timeout Lens sent nothing to ${origin.replace(/[.]/g, '\\.')}: it was not allowed\\. The setting timeoutLens\\.aws\\.endpoint names it`));
  // Give a request every chance to go out: none does, and the picker never opened.
  await wb.page.waitForTimeout(3_000);
  assert.equal(await pickerTitle(), undefined, 'no API was listed');
  assert.equal(listener.connections, 0, 'not one connection reached the endpoint');
  assert.match(log(), /did not allow https:\/\/[\d.]+:\d+: nothing sent/);
});

test('Allow is remembered: only then do requests reach the endpoint, and the next run asks no more; Forget Allowed Endpoints takes it back', async () => {
  await wb.runCommand('Timeout Lens: Trace 504');
  assert.match(await dialogText(), /Send AWS requests signed with your credentials/, 'Cancel was not remembered');
  await clickDialogButton('Allow');
  const title = await waitFor('the Trace 504 picker', pickerTitle, 20_000);
  assert.ok(title.includes(origin), title);
  await waitFor('a connection to the allowed endpoint', () => (listener.connections > 0 ? true : undefined), 30_000);
  await wb.page.keyboard.press('Escape');
  // Again: no dialog, straight to the picker.
  await wb.runCommand('Timeout Lens: Trace 504');
  await waitFor('the Trace 504 picker', pickerTitle, 20_000);
  assert.equal(await dialog().count(), 0, 'no second question');
  await wb.page.keyboard.press('Escape');
  await quiet();
  // Forget Allowed Endpoints lists it; once forgotten, the next run asks again.
  await wb.runCommand('Timeout Lens: Forget Allowed Endpoints…');
  await wb.waitForQuickInputTitle('Forget Allowed Endpoints');
  const rows = await wb.quickPickRows();
  assert.ok(rows.some((r) => r.includes(origin)), rows.join(' | '));
  // A multi-select pick: a click ticks the row, OK confirms.
  await wb.pickQuickItem(origin);
  await wb.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();
  await wb.waitForNotification(/will ask again before sending signed requests/);
  await wb.runCommand('Timeout Lens: Trace 504');
  assert.match(await dialogText(), /Send AWS requests signed with your credentials/, 'the forgotten endpoint is asked about again');
  await clickDialogButton('Cancel');
  await quiet();
});

test('http:// to another machine is refused with a message naming the setting; nothing is asked or sent', async () => {
  workspaceSettings(workspace, { 'timeoutLens.aws.endpoint': 'http://example.invalid' });
  await waitFor('the status bar to read the new endpoint', async () =>
    ((await wb.statusBarEntry('Timeout Lens: reading from').getAttribute('aria-label').catch(() => '')) ?? '').includes('http://example.invalid') ? true : undefined,
  );
  const before = listener.connections;
  await wb.runCommand('Timeout Lens: Trace 504');
  const message = await wb.waitForNotification(/plain HTTP/);
  assert.equal(
    message,
    'Timeout Lens does not send AWS requests over plain HTTP to another machine: the setting timeoutLens.aws.endpoint is http://example.invalid. Use https://, or http:// only to this machine (localhost, 127.0.0.1, [::1]).',
  );
  assert.deepEqual(await wb.notificationButtons(/plain HTTP/), ['Open Setting']);
  assert.equal(await dialog().count(), 0);
  assert.equal(await pickerTitle(), undefined);
  assert.equal(listener.connections, before);
  await wb.screenshot('untrusted-http-refused');
});

test('the sample account runs on loopback with no question', async () => {
  await wb.runCommand('Timeout Lens: Try the Sample Account');
  await wb.waitForNotification(/sample account is running at http:\/\/127\.0\.0\.1:\d+/, 30_000);
  let asked = false;
  await waitFor('the waterfall of a sample 504', async () => {
    if ((await dialog().count()) > 0) asked = true;
    const t = await wb.webviewText('body').catch(() => '');
    return /orders-api\/prod/.test(t) ? true : undefined;
  }, 60_000);
  assert.equal(asked, false, 'no consent dialog for loopback');
});

/**
 * The harness starts code-server with --disable-workspace-trust (every folder trusted). For this
 * test a wrapper drops that flag, so VS Code's own trust model applies to the folder.
 */
function trustEnabledBin(): string {
  const real = process.env.CODE_SERVER_BIN;
  if (!real) throw new Error('CODE_SERVER_BIN is not set: run through `npm run test:integration`');
  const bin = join(tmp, 'code-server-with-trust.sh');
  writeFileSync(bin, `#!/bin/sh\nfor a do shift; [ "$a" = --disable-workspace-trust ] || set -- "$@" "$a"; done\nexec ${JSON.stringify(real)} "$@"\n`);
  chmodSync(bin, 0o755);
  return bin;
}

test('in a folder that is not trusted, its endpoint and profile settings are left out: nothing is asked, nothing reaches the endpoint', async () => {
  await wb.close();
  await server.stop();
  const folder = join(tmp, 'untrusted-folder');
  const other = `https://${host}:${listener.port}/untrusted`;
  // The Region is not restricted: it shows that VS Code read this file and left out only the two.
  workspaceSettings(folder, { 'timeoutLens.aws.endpoint': other, 'timeoutLens.aws.profile': 'prod-admin', 'timeoutLens.aws.region': 'eu-north-1' });
  const before = listener.connections;
  const real = process.env.CODE_SERVER_BIN;
  process.env.CODE_SERVER_BIN = trustEnabledBin();
  try {
    server = await startVSCode({
      workspace: folder,
      env: awsEnv(),
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' },
    });
  } finally {
    process.env.CODE_SERVER_BIN = real;
  }
  wb = await Workbench.open(server);
  // VS Code says the folder is in Restricted Mode (its banner, its status bar item).
  await waitFor('Restricted Mode', async () => ((await wb.page.locator('.part.statusbar, .banner').allInnerTexts()).join(' ').includes('Restricted Mode') ? true : undefined), 30_000);
  // Trace 504 activates the extension (this folder has no template) and reads where the user's
  // settings say: the default credentials, at AWS.
  await wb.runCommand('Timeout Lens: Trace 504');
  const title = await waitFor('the Trace 504 picker', pickerTitle, 20_000);
  assert.ok(!title.includes(host) && !title.includes('prod-admin'), title);
  assert.match(title, /the default AWS credentials in eu-north-1/);
  assert.equal(await dialog().count(), 0, 'nothing to ask: the folder’s endpoint is not used');
  await wb.screenshot('untrusted-restricted-mode');
  await wb.page.keyboard.press('Escape');
  const entry = wb.statusBarEntry('Timeout Lens: reading from');
  await entry.waitFor({ timeout: 30_000 });
  const label = (await entry.getAttribute('aria-label')) ?? '';
  assert.match(label, /reading from the default AWS credentials in eu-north-1/, label);
  assert.ok(!label.includes(host) && !label.includes('prod-admin'), label);
  await wb.page.waitForTimeout(3_000);
  assert.equal(listener.connections, before, 'nothing reached the folder’s endpoint');
});
