// The data behind every code hint: what the last Trace 504 run, Live Updates and opened trace
// files said about each function. Kept in workspace state with its time so the hints survive a
// reload; the worst requests' traces stay in memory so a hint can open its waterfall.
import * as vscode from 'vscode';
import type { AnalyzedTrace } from '../../core/breakdown';
import type { EndpointStats, Report } from '../../core/report';
import { waterfallEntries } from '../waterfallSnapshot';
import { functionEvidence, routeEvidence, type EvidenceMeta, type FunctionEvidence } from '../../code/evidence';
import type { WaterfallInput } from '../waterfallPanel';

const STATE_KEY = 'timeoutLens.codeEvidence';
/** What a stored entry looks like on disk; a newer shape is ignored rather than misread. */
const STATE_VERSION = 1;
/** At most this many functions are kept (the most recent win). */
const MAX_FUNCTIONS = 200;

interface Stored {
  version: number;
  functions: FunctionEvidence[];
}

export class EvidenceStore implements vscode.Disposable {
  private readonly byFunction = new Map<string, FunctionEvidence>();
  /** The traces of the last data per function, for "Open the worst request" (not persisted). */
  private readonly traces = new Map<string, WaterfallInput>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    const stored = state.get<Stored>(STATE_KEY);
    if (stored?.version === STATE_VERSION && Array.isArray(stored.functions)) {
      for (const f of stored.functions) if (f && typeof f.functionName === 'string') this.byFunction.set(f.functionName, f);
    }
  }

  /** Every function with evidence, most recent first. */
  all(): FunctionEvidence[] {
    return [...this.byFunction.values()].sort((a, b) => b.capturedAtMs - a.capturedAtMs);
  }

  get(functionName: string): FunctionEvidence | undefined {
    return this.byFunction.get(functionName);
  }

  /** The waterfall input of a function's latest data, when this session read it. */
  waterfallOf(functionName: string): WaterfallInput | undefined {
    return this.traces.get(functionName);
  }

  /** New analyzed traces (a Trace 504 run, an opened file): each function's evidence is replaced. */
  addAnalyzed(analyzed: readonly AnalyzedTrace[], report: Pick<Report, 'endpoints' | 'findings'>, meta: EvidenceMeta, restoreKey?: string): void {
    const endpoints = report.endpoints;
    const evidence = functionEvidence(analyzed, endpoints, meta);
    if (!evidence.length) return;
    const entries = waterfallEntries(analyzed, report.findings);
    for (const ev of evidence) {
      this.byFunction.set(ev.functionName, ev);
      const worst = entries.find((e) => e.report.traceId === ev.worst.traceId);
      if (worst) this.traces.set(ev.functionName, { ...worst, others: entries, ...(restoreKey ? { restoreKey } : {}) });
    }
    this.save();
  }

  /** Live Updates' fresh endpoint rows: the routes of the functions already known take the new numbers. */
  updateEndpoints(endpoints: readonly EndpointStats[]): void {
    let changed = false;
    for (const ev of this.byFunction.values()) {
      let mine = false;
      const routes = ev.routes.map((r) => {
        const e = endpoints.find((x) => x.api === r.api && x.stage === r.stage && x.method === r.method && x.route === r.route);
        if (!e) return r;
        mine = true;
        return routeEvidence(e);
      });
      if (!mine) continue;
      changed = true;
      this.byFunction.set(ev.functionName, { ...ev, routes });
    }
    if (changed) this.save();
  }

  private save(): void {
    const functions = this.all().slice(0, MAX_FUNCTIONS);
    void this.state.update(STATE_KEY, { version: STATE_VERSION, functions } satisfies Stored);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
