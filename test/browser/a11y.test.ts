// axe-core over the waterfall in real headless Chromium, in the panel's own page and CSP: a
// 1 000-span 504 in the light, dark and high-contrast themes, with a span selected (its details
// from the host's own reply), a finding shown, and then the keyboard help open. Any serious or
// critical violation fails; the moderate and minor ones are printed (see the report for why each
// is left).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { buildWaterfall } from '../../src/ui/waterfallSnapshot';
import type { WinLike } from '../waterfall/browserGlobals';
import { closeHarness, launch, openWaterfall } from '../waterfall/pageHarness';
import type { ThemeName } from '../waterfall/pageHarness';
import { a11yScenario } from '../waterfall/a11yScenario';
import { coldStartScenario, timeoutScenario } from '../builders/modelBuilder';

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await closeHarness();
});

/** axe's own script, injected by evaluation: the page's CSP admits no script element but the nonce'd one. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

interface AxeRun {
  violations: Violation[];
  /** What axe could not decide (e.g. contrast over a gradient): printed, for a person to look at. */
  incomplete: Violation[];
}

/**
 * Runs axe over the whole page (or only `rules` within `selector`); its violations (and undecided
 * checks) with their nodes' selectors.
 */
async function axe(page: Page, only?: { selector: string; rules: string[] }): Promise<AxeRun> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (only) => {
    interface Result {
      id: string;
      impact: string | null;
      help: string;
      nodes: Array<{ target: unknown[] }>;
    }
    const w = globalThis as unknown as WinLike & { axe: { run(context: unknown, options: unknown): Promise<{ violations: Result[]; incomplete: Result[] }> } };
    const r = only
      ? await w.axe.run(only.selector, { runOnly: only.rules, resultTypes: ['violations', 'incomplete'] })
      : await w.axe.run(w.document, { resultTypes: ['violations', 'incomplete'] });
    const out = (v: Result): { id: string; impact: string | null; help: string; targets: string[] } => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map(String).join(' ')),
    });
    return { violations: r.violations.map(out), incomplete: r.incomplete.map(out) };
  }, only);
}

/**
 * The rows' text contrast: the overlay of grid, budget and cut lines lies over the rows (lines
 * must cross the bars), so axe cannot tell the rows' background and leaves their contrast
 * undecided. Without the overlay it can: the rows alone, the selected one with the list focused
 * and not. (The overlay adds only hairlines and a 7 % tint after the cut.)
 */
async function rowContrast(page: Page): Promise<AxeRun> {
  const overlay = (show: boolean): Promise<void> =>
    page.evaluate((show) => {
      const o = (globalThis as unknown as WinLike).document.querySelector('.tl-overlay')!;
      if (show) o.style.removeProperty('display');
      else o.style.setProperty('display', 'none');
    }, show);
  await overlay(false);
  try {
    const unfocused = await axe(page, { selector: '.tl-scroll', rules: ['color-contrast'] });
    await page.locator('.tl-scroll').focus();
    const focused = await axe(page, { selector: '.tl-scroll', rules: ['color-contrast'] });
    // The last rows: after the cut (their labels in the error colour), the last one selected.
    await page.keyboard.press('End');
    const end = await axe(page, { selector: '.tl-scroll', rules: ['color-contrast'] });
    const runs = [unfocused, focused, end];
    return { violations: runs.flatMap((r) => r.violations), incomplete: runs.flatMap((r) => r.incomplete) };
  } finally {
    await overlay(true);
  }
}

function print(label: string, run: AxeRun): void {
  for (const [kind, vs] of [['violation', run.violations], ['needs review', run.incomplete]] as const) {
    for (const v of vs) {
      console.log(`[axe ${label}] ${kind}: ${v.impact ?? 'unknown'} ${v.id}: ${v.help} (${v.targets.length} nodes)`);
      for (const t of v.targets.slice(0, 6)) console.log(`    ${t}`);
      if (v.targets.length > 6) console.log(`    … ${v.targets.length - 6} more`);
    }
  }
  if (run.violations.length === 0) console.log(`[axe ${label}] no violations`);
}

function grave(vs: Violation[]): Violation[] {
  return vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

for (const theme of ['light', 'dark', 'high-contrast'] as const satisfies readonly ThemeName[]) {
  test(`axe: no serious or critical violation in the ${theme} theme (1 000 spans, a span selected, a finding shown, the help open)`, async () => {
    const s = a11yScenario();
    // With two other traces, so that the trace table (a grid with sort headers) is on the page.
    const model = buildWaterfall(s.trace, s.report, { others: [timeoutScenario().report, coldStartScenario().report] });
    assert.equal(model.snapshot.spans.count, 1000);
    assert.equal(model.snapshot.traces.length, 3);
    const { page, waitForDetails, violations } = await openWaterfall(browser, model, { theme, width: 1280, height: 800 });
    try {
      // A finding shown: its spans highlighted and the first selected, with the host's details.
      await page.locator('.tl-finding-toggle').nth(2).click();
      await waitForDetails();
      assert.equal(await page.locator('.tl-finding-toggle[aria-pressed="true"]').count(), 1);
      assert.equal(await page.locator('.tl-row.selected:not([hidden])').count(), 1);
      assert.ok(((await page.locator('.tl-details').textContent()) ?? '').includes('GetItem'), 'the details pane shows the host’s details');
      const main = await axe(page);
      print(theme, main);
      const rows = await rowContrast(page);
      print(`${theme}, rows without the overlay`, rows);
      assert.ok(rows.incomplete.every((v) => v.id !== 'color-contrast' || v.targets.every((t) => /twisty|tl-flag/.test(t))), 'axe decided the rows’ contrast');

      // The keyboard help, open over the page.
      await page.keyboard.press('?');
      await page.waitForSelector('dialog.tl-help[open]');
      const help = await axe(page);
      print(`${theme}, help open`, help);

      assert.deepEqual(await violations(), [], 'axe ran without breaking the CSP');
      const bad = [...grave(main.violations), ...grave(rows.violations), ...grave(help.violations)];
      assert.deepEqual(
        bad.map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`),
        [],
        `serious or critical violations in the ${theme} theme`,
      );
    } finally {
      await page.close();
    }
  });
}

test('axe sees the page: a page with a known violation fails the same check', async () => {
  // The check above passes for a reason only if it can fail: an image without a name is critical.
  const s = a11yScenario();
  const { page } = await openWaterfall(browser, buildWaterfall(s.trace, s.report), { theme: 'dark' });
  try {
    await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { createElement(t: string): { setAttribute(k: string, v: string): void }; body: { appendChild(n: unknown): void } } }).document;
      const bad = d.createElement('div');
      bad.setAttribute('role', 'img');
      d.body.appendChild(bad);
    });
    const vs = (await axe(page)).violations;
    assert.ok(grave(vs).some((v) => v.id === 'role-img-alt'), JSON.stringify(vs.map((v) => v.id)));
  } finally {
    await page.close();
  }
});
