// The real-VS-Code harness: starts code-server (VS Code 1.100.3's workbench and Node extension
// host, installed by scripts/install-code-server.mjs) with the PACKAGED extension installed into a
// fresh extensions folder, opens a workspace in Debian's Chromium through playwright-core, and
// reads what a person would see. See ../shared/design/VSCODE_TESTING.md for the measured recipe.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname ?? '.', '..', '..');
export const RESULTS_DIR = join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function requiredEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the integration tests through \`npm run test:integration\``);
  return v;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface VSCodeOptions {
  /** The folder to open; a fresh empty temp folder by default. */
  workspace?: string;
  /** User settings (merged over the harness defaults). */
  settings?: Record<string, unknown>;
  /** Install the packaged .vsix (default) or run the extension from the repo as a development extension. */
  mode?: 'vsix' | 'development';
  /** Development mode only: the extension-host test module (extensionTestsPath). */
  extensionTestsPath?: string;
  env?: Record<string, string>;
}

export interface VSCodeServer {
  port: number;
  url: string;
  userDataDir: string;
  workspace: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * The environment of a VS Code that talks to the sample account: the keys it takes, no instance
 * metadata to wait for, and AWS config/credentials files of its own (`config` is the config file's
 * text; the credentials file is empty) so the machine's ~/.aws is never read.
 */
export function sampleAccountEnv(config = ''): Record<string, string> {
  const aws = mkdtempSync(join(tmpdir(), 'tl-aws-'));
  writeFileSync(join(aws, 'config'), config);
  writeFileSync(join(aws, 'credentials'), '');
  return {
    AWS_ACCESS_KEY_ID: 'AKIASAMPLEACCOUNT000',
    AWS_SECRET_ACCESS_KEY: 'sample-account-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(aws, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
  };
}

/** Starts code-server in its own process group on a free port with fresh user-data and extensions folders. */
export async function startVSCode(opts: VSCodeOptions = {}): Promise<VSCodeServer> {
  const bin = requiredEnv('CODE_SERVER_BIN');
  const tmp = mkdtempSync(join(tmpdir(), 'tl-vscode-'));
  const ud = join(tmp, 'user-data');
  const ext = join(tmp, 'extensions');
  const cfg = join(tmp, 'config.yaml');
  const workspace = opts.workspace ?? join(tmp, 'workspace');
  mkdirSync(join(ud, 'User'), { recursive: true });
  mkdirSync(ext, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(ud, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...opts.settings }, null, 2));
  writeFileSync(cfg, 'auth: none\ncert: false\n');
  const mode = opts.mode ?? 'vsix';
  if (mode === 'vsix') {
    const vsix = requiredEnv('TIMEOUT_LENS_VSIX');
    execFileSync(bin, ['--config', cfg, '--user-data-dir', ud, '--extensions-dir', ext, '--install-extension', vsix], {
      stdio: 'ignore',
    });
  }
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(
    bin,
    [
      '--config', cfg, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
      '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', ud, '--extensions-dir', ext,
      // VS Code 1.139 reads the development payload only with the smoke-test driver on (which also
      // hides toasts), and older code-servers reject the option: only for that run, where needed.
      ...(mode === 'development' && process.env.CODE_SERVER_SMOKE_TEST_DRIVER === '1' ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      workspace,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
  );
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz in 30 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  if (mode === 'development') {
    const payload: Array<[string, string]> = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${ROOT}`]];
    if (opts.extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://127.0.0.1:${port}${opts.extensionTestsPath}`]);
    url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }
  return {
    port,
    url,
    userDataDir: ud,
    workspace,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Files below the user-data logs folder whose path ends with `suffix` (newest session first). */
export function findLogFiles(userDataDir: string, suffix: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(suffix)) found.push(p);
    }
  };
  walk(join(userDataDir, 'logs'));
  return found.sort().reverse();
}

export function readLog(userDataDir: string, suffix: string): string {
  return findLogFiles(userDataDir, suffix)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A Chromium page on the workbench, with the helpers tests use to look at it like a person. */
export class Workbench {
  readonly consoleLines: string[] = [];
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly server: VSCodeServer,
  ) {}

  static async open(server: VSCodeServer, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Workbench> {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: options.colorScheme ?? 'dark' });
    const wb = new Workbench(browser, page, server);
    page.on('console', (m) => wb.consoleLines.push(`${m.type()}: ${m.text()}`));
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar').waitFor({ timeout: 30_000 });
    return wb;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /** Opens the command palette and returns the titles it lists for `query`. */
  async paletteItems(query: string): Promise<string[]> {
    await this.openPalette();
    await this.page.keyboard.type(query);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 10_000 });
    await this.page.waitForTimeout(300);
    const labels = await rows.locator('.label-name').allInnerTexts();
    await this.page.keyboard.press('Escape');
    return labels.map((l) => l.replace(/\s+/g, ' ').trim());
  }

  private async openPalette(): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    // Take the keys back from a webview or a notification with a click where nothing reacts to
    // one: the activity bar between its icons and its bottom ones (the middle of the window is
    // an editor, and in VS Code 1.139 a walkthrough's step takes a click and the focus there).
    const bar = await this.page.locator('.activitybar').boundingBox().catch(() => null);
    const at = bar ? { x: bar.x + bar.width / 2, y: bar.y + bar.height * 0.62 } : { x: 700, y: 450 };
    await this.page.mouse.click(at.x, at.y).catch(() => undefined);
    await this.page.keyboard.press('F1');
    await widget.waitFor({ state: 'visible', timeout: 10_000 }).catch(async (e: unknown) => {
      // What was on the screen instead of the palette.
      await this.screenshot(`palette-did-not-open-${Date.now()}`).catch(() => undefined);
      throw e;
    });
    await this.page.waitForTimeout(150);
  }

  /** Runs a command from the command palette by its full title, e.g. "Timeout Lens: Select Region". */
  async runCommand(title: string): Promise<void> {
    // The palette's fuzzy filter does not match a typed "…"; the row's label still has it.
    const typed = title.replace(/…$/, '');
    for (let attempt = 1; ; attempt++) {
      await this.openPalette();
      const input = this.page.locator('.quick-input-widget .quick-input-box input');
      // A webview panel revealed late by an earlier command can take the focus and close the
      // palette just opened: then open it again.
      const filled = await input.fill(`>${typed}`, { timeout: 5_000 }).then(() => true, () => false);
      if (!filled) {
        if (attempt >= 3) throw new Error(`the command palette closed before "${title}" could be typed, ${attempt} times`);
        continue;
      }
      const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: typed }).first();
      try {
        await row.waitFor({ timeout: 5_000 });
        // Enter on the command when the palette has focused it (a person's way, and a list that
        // re-renders as commands register cannot lose it as it can a click); else a click on it.
        const focusedLabel = await this.page
          .locator('.quick-input-widget .quick-input-list .monaco-list-row.focused .label-name')
          .first()
          .innerText({ timeout: 1_000 })
          .then((t) => t.replace(/\s+/g, ' ').trim(), () => '');
        if (focusedLabel === title) await input.press('Enter', { timeout: 5_000 });
        else await row.click();
        // Right after the click the palette's own rows and `>` input can still be shown: whatever
        // is typed next (a path into the file dialog, a filter into a quick pick) would land in
        // the palette. Wait until it has given way: closed, or holding the next input's value.
        await waitFor('the command palette to give way', async () => {
          if (!(await this.page.locator('.quick-input-widget').isVisible().catch(() => false))) return true;
          // Briefly: a command that reloads the window takes the input away for good (the
          // default wait of 30 s would outlast this check's deadline).
          const value = await input.inputValue({ timeout: 1_000 }).catch(() => '>');
          return value.startsWith('>') ? undefined : true;
        }, 15_000);
        return;
      } catch (e) {
        // A palette opened while the workbench was still restoring can lose its input: try again.
        await this.page.keyboard.press('Escape');
        if (attempt >= 3) throw e;
      }
    }
  }

  /**
   * Closes the active editor as a person would. VS Code 1.139 opens some editors (Settings, a
   * walkthrough) in a modal over the workbench, which takes the keys until it is closed: that one
   * by its Close button (Escape first clears the Settings search); any other by View: Close Editor.
   */
  async closeEditor(): Promise<void> {
    if (await this.closeModalEditor()) return;
    await this.runCommand('View: Close Editor');
  }

  /** View: Close All Editors, after closing a modal editor if one is open. */
  async closeAllEditors(): Promise<void> {
    await this.closeModalEditor();
    await this.runCommand('View: Close All Editors');
  }

  /** Closes the modal editor if one is shown (VS Code 1.139+); false when there is none. */
  async closeModalEditor(): Promise<boolean> {
    const modal = this.page.locator('.modal-editor-part').first();
    if (!(await modal.isVisible().catch(() => false))) return false;
    const close = modal.locator('.modal-editor-header .action-label[aria-label^="Close"]').first();
    if (await close.isVisible().catch(() => false)) await close.click();
    else await this.page.keyboard.press('Escape');
    await modal.waitFor({ state: 'hidden', timeout: 10_000 });
    return true;
  }

  /** The quick pick that is open now: its rows' labels. */
  async quickPickItems(): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 10_000 });
    return (await rows.locator('.label-name').allInnerTexts()).map((l) => l.trim());
  }

  /** Waits until the quick input (a picker or an input box) shows a title containing `text`. */
  async waitForQuickInputTitle(text: string, timeoutMs = 10_000): Promise<void> {
    await waitFor(`the quick input "${text}"`, async () => ((await this.page.locator('.quick-input-widget .quick-input-title').first().innerText().catch(() => '')).includes(text) ? true : undefined), timeoutMs);
  }

  /** Each quick pick row's whole text (label, description, detail, and a separator's label), in order. */
  async quickPickRows(): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: 10_000 });
    return (await rows.allInnerTexts()).map((l) => l.replace(/\s+/g, ' ').trim());
  }

  async pickQuickItem(label: string): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first().click();
  }

  /**
   * Runs a palette command that asks with a quick pick, and picks `label` in it. A panel that
   * takes the focus as its webview loads closes a quick pick: then the command is run again, as
   * a person would (three times at most).
   */
  async runCommandAndPick(title: string, label: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(title);
      const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
      const picked = await row.click({ timeout: 10_000 }).then(() => true, () => false);
      if (picked) return;
      await this.page.keyboard.press('Escape');
      if (attempt >= 3) {
        await this.screenshot(`quick-pick-closed-${Date.now()}`).catch(() => undefined);
        throw new Error(`the quick pick of "${title}" closed before "${label}" could be picked, ${attempt} times`);
      }
    }
  }

  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  }

  async waitForNotification(re: RegExp, timeoutMs = 20_000): Promise<string> {
    return waitFor(`a notification matching ${re}`, async () => (await this.notifications()).find((n) => re.test(n)), timeoutMs);
  }

  /** The notification toast whose message matches `re` (its message, its buttons). */
  notificationToast(re: RegExp): ReturnType<Page['locator']> {
    return this.page.locator('.notifications-toasts .notification-list-item', { has: this.page.locator('.notification-list-item-message', { hasText: re }) }).first();
  }

  /** The buttons of the toast whose message matches `re`. */
  async notificationButtons(re: RegExp): Promise<string[]> {
    return (await this.notificationToast(re).locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts()).map((t) => t.trim());
  }

  /** Clicks a button (e.g. "Open Waterfall") of the toast whose message matches `re`. */
  async clickNotificationButton(re: RegExp, label: string): Promise<void> {
    await this.notificationToast(re).locator('.notification-list-item-buttons-container .monaco-button', { hasText: label }).first().click();
  }

  /** Clicks the activity-bar entry of a view container (e.g. "Timeout Lens"). */
  async openViewContainer(label: string): Promise<void> {
    const item = this.page.locator(`.activitybar li[aria-label*="${label}"], .activitybar a[aria-label*="${label}"]`).first();
    await item.waitFor({ timeout: 15_000 });
    // Clicking the entry of the open container closes the side bar: click only when it is not open.
    const li = this.page.locator('.activitybar li.action-item', { has: this.page.locator(`[aria-label*="${label}"]`) }).first();
    const open =
      (await item.getAttribute('aria-checked').catch(() => null)) === 'true' ||
      (await item.getAttribute('aria-pressed').catch(() => null)) === 'true' ||
      /\bchecked\b/.test((await li.getAttribute('class').catch(() => null)) ?? '') ||
      /\bchecked\b/.test((await item.getAttribute('class').catch(() => null)) ?? '');
    if (!open || !(await this.page.locator('.part.sidebar').isVisible())) await item.click();
  }

  /** The pane of a view by its title (e.g. "Slow Endpoints"). */
  viewPane(title: string): ReturnType<Page['locator']> {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: title }) }).first();
  }

  async welcomeText(viewTitle: string): Promise<string> {
    const content = this.viewPane(viewTitle).locator('.welcome-view-content');
    await content.waitFor({ timeout: 15_000 });
    return content.innerText();
  }

  async treeItems(viewTitle: string): Promise<string[]> {
    const rows = this.viewPane(viewTitle).locator('.monaco-list-row');
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** The content frame of the webview that is visible now. */
  /** The webview in view: a panel in a background tab can keep its (hidden) iframe in the page. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready >> visible=true').first().frameLocator('iframe#active-frame');
  }

  /**
   * The text of every webview in view (two editor groups can each show a waterfall, and a new
   * panel can open beside the one `webview()` reads): for a test that waits for one of them.
   */
  async webviewTexts(selector = 'body'): Promise<string[]> {
    const frames = 'iframe.webview.ready >> visible=true';
    const n = await this.page.locator(frames).count();
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const loc = this.page.frameLocator(frames).nth(i).frameLocator('iframe#active-frame').locator(selector).first();
      out.push(await loc.innerText({ timeout: 2_000 }).catch(() => ''));
    }
    return out;
  }

  async webviewText(selector = 'body'): Promise<string> {
    const loc = this.webview().locator(selector).first();
    await loc.waitFor({ timeout: 20_000 });
    return loc.innerText();
  }

  /** Opens a workspace file with Quick Open. */
  async openFile(name: string): Promise<void> {
    const base = name.split('/').pop()!;
    for (let attempt = 1; ; attempt++) {
      // From the editor area: Ctrl+P from a panel (Problems) can be taken by the panel.
      await this.page.locator('.part.editor').click({ position: { x: 200, y: 8 } }).catch(() => undefined);
      await this.page.keyboard.press('Control+P');
      const input = this.page.locator('.quick-input-widget .quick-input-box input');
      try {
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill(name);
        // The file search answers late on a busy machine, and the recently opened files show
        // first: wait until the focused row is this file's.
        await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', { hasText: base }).first().waitFor({ timeout: 15_000 });
        await this.page.keyboard.press('Enter');
        await this.page.locator('.tabs-container .tab.active', { hasText: base }).waitFor({ timeout: 10_000 });
        await this.page.locator('.monaco-editor .view-lines').first().waitFor();
        return;
      } catch (e) {
        await this.screenshot(`open-file-${base}-attempt-${attempt}`).catch(() => undefined);
        await this.page.keyboard.press('Escape');
        if (attempt >= 3) throw e;
      }
    }
  }

  /** "Timeout Lens: Open Trace File…" through VS Code's own (simple) file dialog: a quick input holding a path. */
  async openTraceFile(target: string): Promise<void> {
    await this.runCommand('Timeout Lens: Open Trace File…');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    // The dialog fills in its folder when it has read it, which can come after (and overwrite) a
    // path typed too early, most of all on a busy machine: type until the path stays.
    const typed = async (): Promise<boolean> => {
      if ((await input.inputValue().catch(() => '')) !== target) await input.fill(target);
      await this.page.waitForTimeout(400);
      return (await input.inputValue().catch(() => '')) === target;
    };
    await waitFor('the path to stay in the file dialog', async () => ((await typed()) ? true : undefined), 20_000);
    await this.page.keyboard.press('Enter');
    // The simple dialog can still be completing the typed path when Enter comes, and then stays
    // open on it: make sure the path is there and accept again until it closes.
    const widget = this.page.locator('.quick-input-widget');
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await widget.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false)) return;
      await typed();
      await this.page.keyboard.press('Enter');
    }
  }

  /** The text of the active editor's lines (Monaco writes spaces as non-breaking ones). */
  async editorText(): Promise<string> {
    return (await this.page.locator('.editor-instance .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
  }

  /** The CodeLens texts in the active editor. */
  async codeLenses(): Promise<string[]> {
    return (await this.page.locator('.editor-instance .monaco-editor .codelens-decoration').allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' ').trim());
  }

  /**
   * The text at the end of the editor line that contains `text`: the line's own text and what the
   * decorations put after it (drawn by CSS `::after`, as a person sees it, not in the DOM's text).
   */
  async lineWithHints(text: string): Promise<string> {
    const line = this.page.locator('.editor-instance .monaco-editor .view-line', { hasText: text }).first();
    const own = (await line.innerText()).replace(/\u00a0/g, ' ');
    const after = await line.evaluate((el) =>
      [...el.querySelectorAll('span')]
        // In the page: the test's tsconfig has no DOM types.
        .map((s) => (globalThis as unknown as { getComputedStyle(e: unknown, pseudo: string): { content: string } }).getComputedStyle(s, '::after').content)
        .filter((c) => c && c !== 'none' && c !== 'normal')
        .map((c) => c.replace(/^"|"$/g, ''))
        .join(' '),
    );
    return `${own} ${after}`.replace(/\u00a0/g, ' ');
  }

  /** Hovers the editor line that contains `text` (clicks into it, then Ctrl+K Ctrl+I). */
  async hoverLine(text: string, at?: string, screenshot?: string): Promise<string> {
    const line = this.page.locator('.editor-instance .monaco-editor .view-line', { hasText: text }).first();
    const token = at ? line.locator('span', { hasText: at }).last() : line;
    await token.click();
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    // Every provider's part (the language's own hover, ours) in the one hover widget.
    const hover = this.page.locator('.monaco-hover-content:visible').first();
    await hover.waitFor({ timeout: 10_000 });
    await waitFor('our part of the hover', async () => (/Timeout Lens|Fix:/.test(await hover.innerText()) ? true : undefined), 10_000).catch(() => undefined);
    const t = await hover.innerText();
    if (screenshot) await this.screenshot(screenshot);
    await this.page.keyboard.press('Escape');
    return t;
  }

  /** Hovers the first occurrence of `word` in the active editor and returns the hover's text. */
  async hoverWord(word: string): Promise<string> {
    const token = this.page.locator('.monaco-editor .view-lines span', { hasText: word }).first();
    await token.click();
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    const hover = this.page.locator('.monaco-hover-content:visible').first();
    await hover.waitFor({ timeout: 10_000 });
    return hover.innerText();
  }

  /** Problems panel rows (opens the panel). */
  async problems(): Promise<string[]> {
    await this.page.keyboard.press('Control+Shift+M');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    await this.page.waitForTimeout(500);
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** The log file of an extension's LogOutputChannel (what its Output channel shows). */
  outputChannelLog(channelName: string, extensionId = 'timeout-lens.timeout-lens'): string {
    return readLog(this.server.userDataDir, join(extensionId, `${channelName}.log`));
  }

  /** A status bar entry by the start of its accessible name (what a screen reader says for it). */
  statusBarEntry(accessibleName: string): ReturnType<Page['locator']> {
    return this.page.locator(`.part.statusbar .statusbar-item-label[aria-label^="${accessibleName}"]`).first();
  }

  /** The steps of the walkthrough shown in the editor: id, title, and whether VS Code counts it done. */
  async walkthroughSteps(): Promise<Array<{ id: string; title: string; done: boolean }>> {
    const steps = this.page.locator('.part.editor button.getting-started-step');
    await steps.first().waitFor({ timeout: 15_000 });
    const out: Array<{ id: string; title: string; done: boolean }> = [];
    for (const step of await steps.all()) {
      const mark = (await step.locator('[data-done-step-id]').first().getAttribute('class')) ?? '';
      out.push({
        // VS Code prefixes the step's id from package.json with the extension's and the walkthrough's.
        id: ((await step.getAttribute('data-step-id')) ?? '').replace(/^.*#/, ''),
        title: (await step.locator('.step-title').first().innerText()).trim(),
        done: /\bcomplete\b/.test(mark),
      });
    }
    return out;
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
