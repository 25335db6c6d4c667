// The money of work after the cut: what a function billed after API Gateway had already answered
// 504, per request and per route per day, at the price of core/pricing.ts (or the user's).
// "Per day" scales the window the logs cover to 24 hours: an extrapolation, and said so.
import type { AfterCutCost, EndpointStats, Finding, Report } from './report';
import { gbSeconds, lambdaPrice, priceBasis, usd, type PricingOptions } from './pricing';
import { sec } from './duration';

const DAY_MS = 86_400_000;
/** The shortest window a rate is scaled from: a few minutes of logs times 24 × 60 would say more than they know. */
export const MIN_RATE_WINDOW_MS = 3_600_000;

/** One 504 whose REPORT line says how long the function ran past the budget. */
export interface AfterCutItem {
  /** Milliseconds the function ran past the budget. */
  ms: number;
  /** The REPORT's Memory Size (or the configuration's). */
  memoryMb: number;
  /** Whether the memory was known (else Lambda's 128 MB default was assumed). */
  memoryKnown: boolean;
  fn?: string;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));
/** Dollars keep 10 significant figures: a fraction of a cent per request must not round to 0. */
const dollars10 = (x: number): number => Number(x.toPrecision(10));

/**
 * A route's after-cut cost: the mean GB-s and USD of its matched 504s, and the route's `timeouts`
 * scaled from `windowMs` (at least MIN_RATE_WINDOW_MS) to a day. USD per day = (after-cut compute
 * + the request charge) per 504 × 504s per day.
 */
export function afterCutCost(items: readonly AfterCutItem[], timeouts: number, windowMs: number, pricing: PricingOptions = {}): AfterCutCost {
  const price = lambdaPrice(items[0]?.fn, pricing);
  let gb = 0;
  let dollars = 0;
  for (const it of items) {
    const g = gbSeconds(it.memoryMb, it.ms);
    gb += g;
    dollars += g * lambdaPrice(it.fn, pricing).gbSecondUsd;
  }
  const n = Math.max(1, items.length);
  const gbPerRequest = gb / n;
  const usdPerRequest = dollars / n;
  const window = Math.max(MIN_RATE_WINDOW_MS, windowMs);
  const timeoutsPerDay = (timeouts * DAY_MS) / window;
  return {
    matched: items.length,
    gbSecondsPerRequest: round(gbPerRequest, 4),
    usdPerRequest: dollars10(usdPerRequest),
    requestUsd: dollars10(price.requestUsd),
    windowMs: Math.round(window),
    timeoutsPerDay: round(timeoutsPerDay, 2),
    gbSecondsPerDay: round(gbPerRequest * timeoutsPerDay, 2),
    usdPerDay: dollars10((usdPerRequest + price.requestUsd) * timeoutsPerDay),
    gbSecondUsd: price.gbSecondUsd,
    architecture: price.architecture,
    architectureAssumed: price.architectureAssumed,
    region: price.region,
    regionAssumed: price.regionAssumed,
    priceSource: price.source,
  };
}

/** A window in hours as a person reads it: "1 h", "2.5 h". */
function hours(ms: number): string {
  return `${Number((ms / 3_600_000).toFixed(1))} h`;
}

/** The sentence a route's work-after-cut finding adds: the price and the day's extrapolation. */
export function afterCutCostText(c: AfterCutCost, items: readonly AfterCutItem[]): string {
  const basis = priceBasis({ gbSecondUsd: c.gbSecondUsd, requestUsd: c.requestUsd, architecture: c.architecture, architectureAssumed: c.architectureAssumed, region: c.region, regionAssumed: c.regionAssumed, source: c.priceSource });
  const memory = items.some((i) => !i.memoryKnown) ? ' (128 MB assumed where the REPORT line gave no Memory Size)' : '';
  return (
    ` Priced at ${basis}: ${usd(c.usdPerRequest)} of compute after the cut per 504${memory}, plus ${usd(c.requestUsd)} request charge per invocation;` +
    ` at ${c.timeoutsPerDay} 504s a day that is about ${usd(c.usdPerDay)} a day (${c.gbSecondsPerDay} GB-s) — extrapolated from ${hours(c.windowMs)} of logs to 24 h, not a bill.`
  );
}

/** The evidence fields of a route's cost (numbers and flags, additive on work-after-cut). */
export function afterCutEvidence(c: AfterCutCost): Finding['evidence'] {
  return {
    usdPerRequest: c.usdPerRequest,
    requestUsd: c.requestUsd,
    timeoutsPerDay: c.timeoutsPerDay,
    usdPerDay: c.usdPerDay,
    rateWindowMs: c.windowMs,
    extrapolated: true,
    gbSecondUsd: c.gbSecondUsd,
    architecture: c.architecture,
    architectureAssumed: c.architectureAssumed,
    region: c.region,
    priceSource: c.priceSource,
  };
}

/**
 * One request's after-cut cost, added to its `work-after-cut` finding (detail and evidence):
 * `afterCutMs` at the function's memory, at its price. Nothing is added when the memory is not
 * known (no REPORT line and no configuration): a guess would read as a fact.
 */
export function priceTraceAfterCut(f: Finding, afterCutMs: number, memoryMb: number | undefined, fn: string | undefined, pricing: PricingOptions = {}): void {
  if (!(afterCutMs > 0) || memoryMb === undefined || !(memoryMb > 0)) return;
  const price = lambdaPrice(fn, pricing);
  const gb = gbSeconds(memoryMb, afterCutMs);
  const dollars = gb * price.gbSecondUsd;
  f.detail += ` At ${memoryMb} MB the ${sec(afterCutMs)} after the cut are ${Number(gb.toFixed(3))} GB-s: ${usd(dollars)} at ${priceBasis(price)}; plus the invocation's ${usd(price.requestUsd)} request charge.`;
  Object.assign(f.evidence, {
    memoryMb,
    afterCutGbSeconds: round(gb, 4),
    afterCutUsd: dollars10(dollars),
    requestUsd: dollars10(price.requestUsd),
    gbSecondUsd: price.gbSecondUsd,
    architecture: price.architecture,
    architectureAssumed: price.architectureAssumed,
    region: price.region,
    priceSource: price.source,
  });
}

/** The routes whose 504s cost money after the cut or were retried, for the text report: one line each. */
export function moneyLines(report: Pick<Report, 'endpoints'>): string[] {
  const rows = report.endpoints.filter((e: EndpointStats) => e.afterCutCost || e.retries?.retries);
  if (!rows.length) return [];
  const out = ['Work after the cut and retries (per day is extrapolated from the window of the logs):'];
  for (const e of rows) {
    const parts: string[] = [];
    const c = e.afterCutCost;
    if (c) parts.push(`${Number(c.gbSecondsPerRequest.toFixed(2))} GB-s after the cut per 504 = ${usd(c.usdPerRequest)} + ${usd(c.requestUsd)} request; ~${c.timeoutsPerDay} 504s/day ≈ ${usd(c.usdPerDay)}/day (${c.architecture}${c.architectureAssumed ? ' assumed' : ''}, ${c.region}${c.regionAssumed ? ' price assumed' : ''}, $${c.gbSecondUsd}/GB-s, from ${hours(c.windowMs)})`);
    const r = e.retries;
    if (r?.retries) parts.push(`${r.retries} retr${r.retries === 1 ? 'y' : 'ies'} after a 504 by ${r.clients} client(s), ${r.repeatedRanPastCut} repeating work that ran past the cut${r.repeatedNotJoined ? ` (${r.repeatedNotJoined} not joined to a REPORT)` : ''}`);
    out.push(`  ${e.api}/${e.stage} ${e.method} ${e.route}: ${parts.join('; ')}`);
  }
  return out;
}
