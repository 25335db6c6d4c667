// Loads the real webview bundle in headless Chromium inside the page the panel serves
// (src/ui/waterfallHtml.ts: same HTML, same CSP), from a tiny loopback HTTP server (127.0.0.1,
// unref'd: it never keeps the test process alive). `acquireVsCodeApi` is the only stand-in: it
// records what the webview posts and keeps its setState, as VS Code's would. Given the host's
// model (buildWaterfall), it also answers `requestDetails` as the panel does (waterfallPanel.ts),
// and, given the trace and its analysis, `requestWhatIf` (whatIfReply).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { isRequestDetailsMessage, isRequestWhatIfMessage } from '../../src/protocol';
import type { Trace } from '../../src/core/model';
import type { WaterfallSnapshot } from '../../src/protocol';
import { detailsReply, whatIfReply, type WaterfallModel, type WhatIfSource } from '../../src/ui/waterfallSnapshot';
import type { WinLike } from './browserGlobals';
import { createNonce, waterfallHtml } from '../../src/ui/waterfallHtml';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

let bundle: string | null = null;
let server: Server | null = null;
let origin = '';
let nextPage = 0;
const pages = new Map<string, string>();

/** Starts the loopback server once; returns its origin (`http://127.0.0.1:<port>`). */
async function serve(): Promise<string> {
  if (server) return origin;
  const js = await webviewBundle();
  const s = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const page = /^\/p\/(\d+)\/index\.html$/.exec(path);
    if (page && pages.has(page[1] as string)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(pages.get(page[1] as string));
    } else if (path === '/dist/webview.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(js);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  s.unref();
  server = s;
  origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return origin;
}

/** Stops the loopback server (tests call it in `after`). */
export async function closeHarness(): Promise<void> {
  const s = server;
  server = null;
  pages.clear();
  if (s) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** The webview bundle, built in memory from webview/main.ts exactly as esbuild.mjs builds it. */
export async function webviewBundle(): Promise<string> {
  if (bundle) return bundle;
  const r = await esbuild.build({
    entryPoints: ['webview/main.ts'],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'text' },
    write: false,
    logLevel: 'warning',
  });
  bundle = r.outputFiles[0]?.text ?? '';
  return bundle;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export type ThemeName = 'dark' | 'light' | 'high-contrast';

interface ManifestColor {
  id: string;
  defaults: { light: string; dark: string; highContrast: string };
}

/** A subset of the variables VS Code sets on a webview, per theme, plus our contributed colors. */
export function themeVariables(theme: ThemeName): Record<string, string> {
  const base: Record<ThemeName, Record<string, string>> = {
    dark: {
      'editor-background': '#1f1f1f',
      foreground: '#cccccc',
      descriptionForeground: '#9d9d9d',
      'panel-border': '#2b2b2b',
      focusBorder: '#0078d4',
      'list-hoverBackground': '#2a2d2e',
      'list-activeSelectionBackground': '#04395e',
      'list-activeSelectionForeground': '#ffffff',
      'list-inactiveSelectionBackground': '#37373d',
      'input-background': '#313131',
      'input-foreground': '#cccccc',
      'input-border': '#3c3c3c',
      'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc',
      'textLink-foreground': '#4daafc',
      errorForeground: '#f85149',
      'editorWarning-foreground': '#cca700',
      'badge-background': '#616161',
      'badge-foreground': '#f8f8f8',
      'testing-iconPassed': '#73c991',
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      'font-size': '13px',
    },
    light: {
      'editor-background': '#ffffff',
      foreground: '#3b3b3b',
      descriptionForeground: '#717171',
      'panel-border': '#e5e5e5',
      focusBorder: '#005fb8',
      'list-hoverBackground': '#f2f2f2',
      'list-activeSelectionBackground': '#e8e8e8',
      'list-activeSelectionForeground': '#000000',
      'list-inactiveSelectionBackground': '#e4e6f1',
      'input-background': '#ffffff',
      'input-foreground': '#3b3b3b',
      'input-border': '#cecece',
      'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b',
      'textLink-foreground': '#005fb8',
      errorForeground: '#a1260d',
      'editorWarning-foreground': '#bf8803',
      'badge-background': '#cccccc',
      'badge-foreground': '#3b3b3b',
      'testing-iconPassed': '#388a34',
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      'font-size': '13px',
    },
    'high-contrast': {
      'editor-background': '#000000',
      foreground: '#ffffff',
      descriptionForeground: '#ffffff',
      'panel-border': '#6fc3df',
      contrastBorder: '#6fc3df',
      contrastActiveBorder: '#f38518',
      focusBorder: '#f38518',
      'list-hoverBackground': '#000000',
      'list-activeSelectionBackground': '#000000',
      'list-inactiveSelectionBackground': '#000000',
      'input-background': '#000000',
      'input-foreground': '#ffffff',
      'input-border': '#6fc3df',
      'button-secondaryBackground': '#000000',
      'button-secondaryForeground': '#ffffff',
      'textLink-foreground': '#21a6ff',
      errorForeground: '#f48771',
      'editorWarning-foreground': '#ffd370',
      'badge-background': '#000000',
      'badge-foreground': '#ffffff',
      'testing-iconPassed': '#73c991',
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      'font-size': '13px',
    },
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(base[theme])) out[`--vscode-${k}`] = v;
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes?: { colors?: ManifestColor[] } };
  for (const c of pkg.contributes?.colors ?? []) {
    const key = theme === 'high-contrast' ? 'highContrast' : theme;
    out[`--vscode-${c.id.replace('.', '-')}`] = c.defaults[key];
  }
  return out;
}

/** Applies a theme as VS Code does: variables on <html>, a class on <body>. */
export async function applyTheme(page: Page, theme: ThemeName): Promise<void> {
  const vars = themeVariables(theme);
  await page.evaluate(
    ({ vars, cls }) => {
      const document = (globalThis as unknown as WinLike).document;
      const style = document.documentElement.style;
      for (let i = style.length - 1; i >= 0; i--) {
        const name = style.item(i);
        if (name.startsWith('--vscode-')) style.removeProperty(name);
      }
      for (const [k, v] of Object.entries(vars)) style.setProperty(k, v);
      document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
      document.body.classList.add(cls);
    },
    { vars, cls: `vscode-${theme}` },
  );
}

export interface OpenOptions {
  theme?: ThemeName;
  width?: number;
  height?: number;
  /** What getState() returns at boot (a restored panel). */
  state?: unknown;
  /** The trace behind the model and its analysis: `requestWhatIf` is answered as the panel does. */
  whatIf?: { trace: Trace; source: WhatIfSource | undefined };
}

export interface Opened {
  page: Page;
  html: string;
  /** Messages the webview posted, in order. */
  posted(): Promise<Array<{ type: string } & Record<string, unknown>>>;
  /** CSP violations reported in the page. */
  violations(): Promise<string[]>;
  /** Resolves once the details pane shows the host's details of the selected span. */
  waitForDetails(): Promise<void>;
}

function isModel(x: WaterfallSnapshot | WaterfallModel | null): x is WaterfallModel {
  return x !== null && 'snapshot' in x && 'spans' in x;
}

/**
 * Opens the panel's page with the snapshot inlined, in a fresh page of `browser`. With a model
 * (not just its snapshot) the page gets span details when it asks, like the panel's.
 */
export async function openWaterfall(browser: Browser, shown: WaterfallSnapshot | WaterfallModel | null, opts: OpenOptions = {}): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1400, height: opts.height ?? 820 } });
  const model = isModel(shown) ? shown : null;
  const snapshot = model ? model.snapshot : (shown as WaterfallSnapshot | null);
  if (model) {
    await page.exposeBinding('__tlHost', async (_source, m: unknown) => {
      if (isRequestWhatIfMessage(m) && opts.whatIf) {
        const reply = whatIfReply(model, opts.whatIf.trace, opts.whatIf.source, m);
        await page.evaluate((r) => (globalThis as unknown as WinLike).postMessage(r, '*'), reply).catch(() => undefined);
        return;
      }
      if (!isRequestDetailsMessage(m)) return;
      // The host's own answer: the details, or why there are none.
      const reply = detailsReply(model, m);
      await page.evaluate((r) => (globalThis as unknown as WinLike).postMessage(r, '*'), reply).catch(() => undefined);
    });
  }
  const base = await serve();
  const html = waterfallHtml({ cspSource: base, scriptUri: `${base}/dist/webview.js`, nonce: createNonce(), snapshot });
  const id = String(nextPage++);
  pages.set(id, html);
  page.on('close', () => pages.delete(id));
  await page.addInitScript((state: unknown) => {
    const w = globalThis as unknown as WinLike;
    const document = w.document;
    const posted: unknown[] = [];
    const violations: string[] = [];
    let saved: unknown = state;
    w['__posted'] = posted;
    w['__violations'] = violations;
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    w['acquireVsCodeApi'] = () => ({
      postMessage: (m: unknown) => {
        posted.push(m);
        const host = w['__tlHost'];
        if (typeof host === 'function') void (host as (m: unknown) => Promise<void>)(m);
      },
      getState: () => saved,
      setState: (s: unknown) => {
        saved = s;
        w['__state'] = s;
      },
    });
  }, opts.state ?? null);
  await page.goto(`${base}/p/${id}/index.html`);
  await page.waitForSelector('.tl-app');
  await applyTheme(page, opts.theme ?? 'dark');
  return {
    waitForDetails: () => page.waitForSelector('.tl-details[aria-busy="false"]').then(() => undefined),
    page,
    html,
    posted: () => page.evaluate(() => (globalThis as unknown as { __posted: Array<{ type: string } & Record<string, unknown>> }).__posted),
    violations: () => page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations),
  };
}
