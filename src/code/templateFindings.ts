// What the templates say before anything runs: a function allowed to run longer than the API in
// front of it waits (`lambda-timeout-exceeds-integration`, pointing at the line that sets the
// timeout), and the templates' own problems (did not parse, a handler that points nowhere) as
// report errors the CLI prints beside the findings.
import type { Finding, FindingLocation, ReportError } from '../core/report';
import { makeFinding } from '../core/findings';
import { sec } from '../core/duration';
import type { FunctionDecl, SourceSpan, TemplateIndex, TemplateRoute } from './types';

/** A 0-based span → the 1-based place a finding or an error names. */
export function toLocation(span: SourceSpan): FindingLocation {
  return { file: span.file, line: span.line + 1, column: span.column + 1 };
}

function tightest(routes: TemplateRoute[]): TemplateRoute | undefined {
  let best: TemplateRoute | undefined;
  for (const r of routes) if (!best || r.budgetMs < best.budgetMs) best = r;
  return best;
}

const TIMEOUT_FROM: Record<FunctionDecl['timeout']['from'], string> = {
  function: 'its own Timeout',
  globals: 'Globals.Function.Timeout',
  provider: 'provider.timeout',
  default: 'the default',
};

/** One finding per function whose timeout (own, Globals or provider) is longer than the smallest integration timeout of its routes. */
export function templateFindings(indexes: TemplateIndex[]): Finding[] {
  const out: Finding[] = [];
  for (const index of indexes) {
    for (const fn of index.functions) {
      // A default timeout (3 s Lambda, 6 s serverless) is below every integration timeout.
      if (fn.timeout.from === 'default' || !fn.timeout.span) continue;
      const route = tightest(fn.routes);
      if (!route) continue;
      const timeoutMs = Math.round(fn.timeout.seconds * 1000);
      const budget = route.budgetMs;
      if (timeoutMs <= budget) continue;
      const name = fn.logicalId;
      const door = route.apiType === 'rest' ? 'REST API' : 'HTTP API';
      const where = fn.timeout.from === 'function' ? '' : ` (set by ${TIMEOUT_FROM[fn.timeout.from]})`;
      const evidence: Finding['evidence'] = {
        functionTimeoutMs: timeoutMs,
        budgetMs: budget,
        timeoutFrom: fn.timeout.from,
        template: index.kind,
      };
      if (fn.deployedNames[0]) evidence['deployedName'] = fn.deployedNames[0];
      out.push(
        makeFinding('lambda-timeout-exceeds-integration', {
          function: name,
          route: `${route.method} ${route.path}`,
          detail: `${name} may run ${sec(timeoutMs)}${where}, but the ${door} in front of it (${route.method} ${route.path}) waits ${sec(budget)}: for ${sec(timeoutMs - budget)} it can work for a client that is gone.`,
          evidence,
          fix: `Set the timeout of ${name} to ${Math.max(1, Math.floor(budget / 1000) - 1)} s (below the ${sec(budget)} integration timeout), or make the route asynchronous.`,
          location: toLocation(fn.timeout.span),
        }),
      );
    }
  }
  return out;
}

/** The templates' problems and skipped files as report errors (`source` = `file:line:col`). */
export function templateProblems(indexes: TemplateIndex[]): ReportError[] {
  const out: ReportError[] = [];
  for (const index of indexes) {
    if (index.skipped) out.push({ source: index.file, message: `Template ${index.skipped}.`, kind: 'skipped' });
    for (const p of index.problems) {
      const at = toLocation(p.span);
      out.push({
        source: `${at.file}:${at.line}:${at.column}`,
        message: p.message,
        // A template that did not parse was left out; a handler not found is a caveat on a template that was used.
        kind: p.code === 'parse-error' ? 'skipped' : 'repaired',
      });
    }
  }
  return out;
}
