// The pipeline every surface runs: parsed inputs → the Report of REPORT_FORMAT.md, worst request
// first. Pure: the CLI reads files and the extension fetches from AWS, both end here.
import type { IngestError, Trace } from './model';
import type { Report, TraceReport, Verdict } from './report';
import { REPORT_SCHEMA_VERSION } from './report';
import type { BudgetOptions } from './budget';
import { breakdownTrace, type TraceBreakdown } from './breakdown';
import { traceFindings } from './findings';

export interface AnalyzeInput {
  traces: Trace[];
  errors: IngestError[];
}

export type AnalyzeOptions = BudgetOptions;

export interface AnalyzedTrace {
  trace: Trace;
  breakdown: TraceBreakdown;
  report: TraceReport;
}

const VERDICT_RANK: Record<Verdict, number> = { timeout: 0, error: 1, near: 2, ok: 3 };

/** Worst first: timeouts, then other 5xx, then near the budget; within each, the biggest share of the budget. */
export function compareWorstFirst(a: TraceReport, b: TraceReport): number {
  const v = VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict];
  if (v) return v;
  const share = (r: TraceReport): number => (r.budgetMs ? r.totalMs / r.budgetMs : r.totalMs / 1e9);
  return share(b) - share(a) || b.totalMs - a.totalMs || a.traceId.localeCompare(b.traceId);
}

export function analyzeTrace(trace: Trace, options: AnalyzeOptions = {}): AnalyzedTrace {
  const b = breakdownTrace(trace, options);
  const report: TraceReport = {
    traceId: trace.traceId,
    entry: b.entry,
    budgetMs: b.budget.budgetMs,
    budgetSource: b.budget.source,
    totalMs: b.totalMs,
    verdict: b.verdict,
    breakdown: b.breakdown,
    functionEndAtMs: b.functionEndAtMs,
    cutAtMs: b.cutAtMs,
    afterCutMs: b.afterCutMs,
    findings: traceFindings(trace.traceId, b),
  };
  return { trace, breakdown: b, report };
}

/** Analyzes every trace; `analyzed` keeps the traces beside their reports, in the report's order. */
export function analyze(input: AnalyzeInput, options: AnalyzeOptions = {}): { report: Report; analyzed: AnalyzedTrace[] } {
  const analyzed = input.traces.filter((t) => t.entry).map((t) => analyzeTrace(t, options));
  analyzed.sort((x, y) => compareWorstFirst(x.report, y.report));
  return {
    analyzed,
    report: {
      schemaVersion: REPORT_SCHEMA_VERSION,
      traces: analyzed.map((a) => a.report),
      endpoints: [],
      findings: [],
      errors: input.errors.map((e) => ({ source: e.source, message: e.message })),
    },
  };
}
