// Markdown built from data: the Slow Endpoints tooltips. A route, an API name, a finding's text
// come from access logs, traces and the account, so each piece is escaped before it goes into the
// Markdown (mdText), and the MarkdownString that carries it trusts nothing (slowEndpointsTree.ts:
// isTrusted false, supportHtml false, no theme icons). Pure (no vscode): unit-tested.
import type { EndpointStats, Finding } from '../core/report';
import { usd } from '../core/pricing';

/** The route's retries after 504s and the price of its work after the cut, as table rows (none when unknown). */
function moneyRows(e: EndpointStats): string[] {
  const rows: string[] = [];
  const r = e.retries;
  if (r && r.retries > 0) {
    const notKnown = r.repeatedNotJoined ? `, ${r.repeatedNotJoined} not known` : '';
    rows.push(`| retries after a 504 | ${mdText(`${r.retries} (${r.repeatedRanPastCut} repeated work past the cut${notKnown})`)} |`);
  } else if (r && r.uncheckedRecords > 0) {
    rows.push(`| retries after a 504 | ${mdText(`not checked: ${r.uncheckedRecords} records name no client`)} |`);
  }
  const c = e.afterCutCost;
  if (c) {
    const arch = `${c.architecture}${c.architectureAssumed ? ' assumed' : ''}`;
    rows.push(`| work after the cut | ${mdText(`${c.gbSecondsPerRequest} GB-s = ${usd(c.usdPerRequest)} per 504 (${arch}, $${c.gbSecondUsd}/GB-s) + ${usd(c.requestUsd)} request`)} |`);
    rows.push(`| its cost per day | ${mdText(`≈ ${usd(c.usdPerDay)} a day at ${c.timeoutsPerDay} 504s a day (extrapolated from ${Number((c.windowMs / 3_600_000).toFixed(1))} h of logs)`)} |`);
  }
  return rows;
}

/**
 * Text as Markdown that reads as exactly that text: every ASCII punctuation character is
 * backslash-escaped (CommonMark lets any of them be, and an escaped one is always literal: no
 * link, image, code span, emphasis, HTML, entity, autolink or table cell can start), and runs of
 * whitespace are one space, so the text cannot start a block or end a table row.
 */
export function mdText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/** A finding's tooltip: its title in bold, its detail, its fix. */
export function findingTooltipMarkdown(f: Pick<Finding, 'title' | 'detail' | 'fix'>): string {
  return `**${mdText(f.title)}**\n\n${mdText(f.detail)}\n\n**Fix:** ${mdText(f.fix)}`;
}

/** A route's tooltip: the route, its API and stage, its numbers as a table, what a click does. */
export function routeTooltipMarkdown(e: EndpointStats, traced: number): string {
  const n = (x: number): string => mdText(String(x));
  return [
    `**${mdText(`${e.method} ${e.route}`)}** — ${mdText(`${e.api}/${e.stage}`)}`,
    '',
    `| | |`,
    `|---|---|`,
    `| requests | ${n(e.count)} |`,
    `| p50 / p95 / p99 | ${n(e.p50Ms)} / ${n(e.p95Ms)} / ${n(e.p99Ms)} ms |`,
    `| max | ${n(e.maxMs)} ms |`,
    `| budget | ${n(e.budgetMs)} ms |`,
    `| 504 timeouts | ${n(e.timeouts)} |`,
    `| 5xx | ${n(e.errors5xx)} |`,
    `| cold starts | ${n(e.coldStarts)} |`,
    ...moneyRows(e),
    '',
    traced ? `Click to open its worst traced request; expand for the ${traced} traced.` : 'No request of this route was traced in this run.',
  ].join('\n');
}
