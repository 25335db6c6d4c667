// `npm run bench -- waterfall`: the waterfall webview in headless Chromium, in the panel's own page.
// - First paint for 1 000, 10 000 and 100 000 spans: navigation start → the frame after the first
//   render (the snapshot is inlined in the page, as the panel does), median of 3 runs, also as a
//   ratio against an empty waterfall measured in the same run. Aim: < 150 ms at 10 000.
// - Scroll at 100 000 spans: the list is scrolled programmatically a screen per frame; the rAF
//   deltas (frame times) are reported. Aim: frames < 16 ms (one 60 Hz frame ≈ 16.7 ms).
import type { Browser } from 'playwright-core';
import type { WaterfallSnapshot } from '../src/protocol';
import { buildWaterfallSnapshot } from '../src/ui/waterfallSnapshot';
import type { WinLike } from '../test/waterfall/browserGlobals';
import { bigScenario } from '../test/waterfall/modelBuilder';
import { closeHarness, launch, openWaterfall } from '../test/waterfall/pageHarness';

interface Paint {
  /** ms from navigation start to the frame after the first render */
  painted: number;
  /** ms spent in the app from boot to the end of the first render */
  app: number;
  /** ms from navigation start to the bundle's first line (page bytes, HTML parse, script load) */
  boot: number;
}

async function firstPaint(browser: Browser, snap: WaterfallSnapshot | null): Promise<Paint> {
  const { page } = await openWaterfall(browser, snap, { width: 1400, height: 900 });
  try {
    await page.waitForFunction(() => (globalThis as unknown as WinLike).performance.getEntriesByName('tl-painted').length > 0);
    return await page.evaluate(() => {
      const p = (globalThis as unknown as WinLike).performance;
      const at = (n: string): number => p.getEntriesByName(n)[0]?.startTime ?? NaN;
      return { painted: at('tl-painted'), app: at('tl-rendered') - at('tl-boot'), boot: at('tl-boot') };
    });
  } finally {
    await page.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

async function main(): Promise<void> {
  const browser = await launch();
  try {
    // Warm-up (bundle build, Chromium caches), then the baseline: an empty waterfall.
    await firstPaint(browser, null);
    const base: number[] = [];
    for (let i = 0; i < 3; i++) base.push((await firstPaint(browser, null)).painted);
    const baseline = median(base);
    console.log(`baseline (empty waterfall) first paint: ${baseline.toFixed(1)} ms`);

    let big: WaterfallSnapshot | null = null;
    for (const n of [1_000, 10_000, 100_000]) {
      const { trace, report } = bigScenario(n);
      const t0 = performance.now();
      const snap = buildWaterfallSnapshot(trace, report);
      const build = performance.now() - t0;
      const runs: Paint[] = [];
      for (let i = 0; i < 3; i++) runs.push(await firstPaint(browser, snap));
      const painted = median(runs.map((r) => r.painted));
      const app = median(runs.map((r) => r.app));
      const boot = median(runs.map((r) => r.boot));
      const kb = JSON.stringify(snap).length / 1024;
      console.log(
        `${String(n).padStart(7)} spans: first paint ${painted.toFixed(1).padStart(7)} ms (${(painted / baseline).toFixed(2)}× baseline)` +
          `  [page load to script ${boot.toFixed(1).padStart(6)} ms, script to paint ${(painted - boot).toFixed(1).padStart(6)} ms, of which parse+render ${app.toFixed(1).padStart(6)} ms]  snapshot build (host) ${build.toFixed(1).padStart(6)} ms  inline JSON ${kb.toFixed(0)} KB`,
      );
      if (n === 100_000) big = snap;
    }

    if (big) {
      const { page } = await openWaterfall(browser, big, { width: 1400, height: 900 });
      try {
        const r = await page.evaluate(
          () =>
            new Promise<{ deltas: number[]; rows: number }>((resolve) => {
              const w = globalThis as unknown as WinLike;
              const sc = w.document.querySelector('.tl-scroll') as unknown as { scrollTop: number; clientHeight: number; scrollHeight: number };
              const deltas: number[] = [];
              let last = 0;
              let frames = 0;
              const step = (t: number): void => {
                if (last) deltas.push(t - last);
                last = t;
                if (frames++ >= 180) {
                  resolve({ deltas, rows: w.document.querySelectorAll('.tl-row').length });
                  return;
                }
                // A screen and a half per frame: every frame paints entirely new rows.
                sc.scrollTop = (sc.scrollTop + sc.clientHeight * 1.5) % (sc.scrollHeight - sc.clientHeight);
                w.requestAnimationFrame(step);
              };
              w.requestAnimationFrame(step);
            }),
        );
        // Interactions at 100 000 spans: collapse the Invocation (hides ~99 997 rows) and
        // expand it again, then a filter pass; each timed to the end of the next frame.
        const interact = await page.evaluate(async () => {
          const w = globalThis as unknown as WinLike;
          const frame = (): Promise<void> => new Promise((res) => w.requestAnimationFrame(() => setTimeout(res, 0)));
          const twisty = (): { click(): void } =>
            w.document.querySelector('.tl-row[data-index="2"] .tl-twisty') as unknown as { click(): void };
          (w.document.querySelector('.tl-scroll') as unknown as { scrollTop: number }).scrollTop = 0;
          await frame();
          let t = w.performance.now();
          twisty().click();
          await frame();
          const collapse = w.performance.now() - t;
          t = w.performance.now();
          twisty().click();
          await frame();
          const expand = w.performance.now() - t;
          const input = w.document.querySelector('.tl-filter') as unknown as { value: string; dispatchEvent(e: unknown): boolean };
          t = w.performance.now();
          input.value = 'getobject';
          input.dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('input'));
          // The filter is debounced by 60 ms: wait for the count to change, then a frame.
          while (!w.document.querySelector('.tl-filter-count')?.textContent?.includes(' of ')) await frame();
          const filter = w.performance.now() - t;
          return { collapse, expand, filter };
        });
        console.log(
          `interactions at 100000 spans: collapse ${interact.collapse.toFixed(1)} ms  expand ${interact.expand.toFixed(1)} ms  filter (incl. 60 ms debounce) ${interact.filter.toFixed(1)} ms`,
        );
        const d = r.deltas.slice(5); // the first frames include warm-up
        console.log(
          `scroll at 100000 spans (${d.length} frames, ${r.rows} row elements): frame time p50 ${median(d).toFixed(1)} ms  p95 ${pct(d, 95).toFixed(1)} ms  max ${Math.max(...d).toFixed(1)} ms  frames > 20 ms: ${d.filter((x) => x > 20).length}  (ratio p95 / 16.7 ms frame: ${(pct(d, 95) / 16.7).toFixed(2)})`,
        );
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await closeHarness();
  }
}

await main();
