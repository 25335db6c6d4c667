// The details pane of the selected span: timing, http, aws (operation, table, retries),
// annotations, metadata, and the cause with its exception stacks; of a group row, what its calls
// add up to (count, time, median, longest, flags). Frames the host found in the
// workspace (`file` set) are link-buttons that ask the host to open the file at the line;
// nothing from the trace ever becomes an href or markup.
// The row data (name, timing, kind, flags) is at hand; the rest comes from the host on selection
// (protocol.ts SpanDetails): until it has, the pane shows what it knows and is marked busy.
import { FUNCTION_SPAN_KINDS, SpanFlag } from '../../src/protocol';
import type { SnapshotFrame, SpanDetails } from '../../src/protocol';
import { append, el, linkButton } from './dom';
import { formatMs, formatShare, formatValue } from './format';
import { bindingOf, keyLabel, titleWithKey } from './keys';
import type { SpanSummary } from './spans';


export interface DetailsActions {
  openSource(file: string, line: number): void;
  openLogs(requestId: string, functionName: string | undefined): void;
}

function section(title: string, rows: Array<[string, string | Node | undefined | null]>): HTMLElement | null {
  const kept = rows.filter((r): r is [string, string | Node] => r[1] !== undefined && r[1] !== null && r[1] !== '');
  if (kept.length === 0) return null;
  const s = el('section', 'tl-detail-section');
  s.appendChild(el('h3', 'tl-h3', title));
  const dl = el('dl', 'tl-kv');
  for (const [k, v] of kept) {
    const dd = el('dd');
    if (typeof v === 'string') dd.textContent = v;
    else dd.appendChild(v);
    append(dl, el('dt', undefined, k), dd);
  }
  s.appendChild(dl);
  return s;
}

function frameNode(f: SnapshotFrame, actions: DetailsActions): HTMLElement {
  const li = el('li', 'tl-frame');
  const where = `${f.path ?? '?'}${f.line !== undefined ? `:${f.line}` : ''}`;
  if (f.label) li.appendChild(el('span', 'tl-frame-label', `${f.label} `));
  if (f.file && f.line !== undefined && f.line >= 1) {
    const file = f.file;
    const line = f.line;
    li.appendChild(linkButton(where, `Open ${where}`, () => actions.openSource(file, line)));
  } else {
    li.appendChild(el('span', 'tl-frame-path', where));
  }
  return li;
}

export function renderDetails(
  span: SpanSummary | null,
  details: SpanDetails | null,
  budgetMs: number | null,
  cutAtMs: number | null,
  actions: DetailsActions,
  /** Why the host could not send the details (they are not coming: the pane is not busy). */
  error?: string,
): HTMLElement {
  // Its host is the labelled region (and tab stop): the section itself needs no name.
  const root = el('section', 'tl-details');
  if (!span) {
    append(
      root,
      el('h2', 'tl-h2', 'Details'),
      el('p', 'tl-muted', `Select a span (click, or ↑/↓ in the list; ${titleWithKey('worstSpan').toLowerCase()}) to see its details.`),
      el('p', 'tl-muted', `${titleWithKey('toggleHelp')} lists every key.`),
    );
    return root;
  }
  root.setAttribute('aria-busy', details || error ? 'false' : 'true');
  const { kind, origin, namespace } = span.style;
  const f = span.style.flags;
  const dur = span.endMs === null ? null : span.endMs - span.startMs;
  const flags = [
    f & SpanFlag.fault && 'fault (5xx)',
    // X-Ray's error flag is a 4xx on an HTTP call, but on a function's own segments the function threw.
    f & SpanFlag.error && (FUNCTION_SPAN_KINDS.has(kind) ? 'error (the function threw)' : 'error (4xx)'),
    f & SpanFlag.throttle && 'throttled (429)',
    f & SpanFlag.inProgress && 'in progress',
  ]
    .filter(Boolean)
    .join(', ');
  append(root, el('h2', 'tl-h2 tl-detail-title', span.name));
  const afterCut = cutAtMs !== null && span.endMs !== null && span.endMs > cutAtMs ? span.endMs - Math.max(cutAtMs, span.startMs) : 0;
  // A group row is no span: its flags, id and source are its calls', which its own section counts and names.
  const isGroup = (f & SpanFlag.group) !== 0;
  append(
    root,
    section('Timing', [
      ['Start', `${formatMs(span.startMs)} after the entry start`],
      ['Duration', dur === null ? 'in progress (no end time)' : `${formatMs(dur)}${budgetMs ? ` · ${formatShare(dur, budgetMs)} of budget` : ''}`],
      ['After the cut', afterCut > 0 ? `${formatMs(afterCut)} nobody waited for` : undefined],
      ['Kind', `${isGroup ? 'calls one after another' : kind}${origin ? ` · ${origin}` : ''}${namespace ? ` · ${namespace}` : ''}`],
      ['Flags', isGroup ? undefined : flags],
      ['Id', isGroup ? undefined : details?.id],
      ['Resource', details?.resourceArn],
      ['Source', isGroup ? undefined : details?.source],
    ]),
  );
  if (error) append(root, el('p', 'tl-details-error', `The rest of this span’s details could not be loaded: ${error}`));
  if (!details) return root;
  const g = details.group;
  if (g) {
    const of = (n: number): string | undefined => (n > 0 ? `${n} of ${g.calls}` : undefined);
    append(
      root,
      section('Calls', [
        ['Calls', `${g.calls} ${g.target}, one after another`],
        ['Table', g.resource],
        ['Time in calls', `${formatMs(g.callsMs)}${budgetMs ? ` · ${formatShare(g.callsMs, budgetMs)} of budget` : ''}`],
        ['Between calls', g.spanMs > g.callsMs ? formatMs(g.spanMs - g.callsMs) : undefined],
        ['Median call', formatMs(g.medianMs)],
        ['Longest call', `${formatMs(g.longestMs)} (call ${g.longestCall} of ${g.calls})`],
        ['Faults (5xx)', of(g.faults)],
        ['Errors (4xx)', of(g.errors)],
        ['Throttled (429)', of(g.throttles)],
        ['First call', g.firstId],
        ['Last call', g.lastId],
      ]),
      el('p', 'tl-muted', `Expand the row (${keyLabel(bindingOf('expandOrChild').keys[0] as string)} or ${keyLabel(bindingOf('toggle').keys[0] as string)}) to see each call.`),
    );
  }
  const site = details.callSite;
  if (site && site.line >= 1) {
    const where = `${site.file.split(/[\\/]/).pop() ?? site.file}:${site.line}`;
    const code = el('section', 'tl-detail-section');
    append(
      code,
      el('h3', 'tl-h3', 'Code'),
      linkButton('Go to code', `Go to the call in ${where}`, () => actions.openSource(site.file, site.line)),
      el('p', 'tl-muted tl-call-text', `${where} · ${site.text}`),
    );
    append(root, code);
  }
  const h = details.http;
  if (h) {
    append(
      root,
      section('HTTP', [
        ['Method', h.method],
        ['URL', h.url],
        ['Status', h.status !== undefined ? String(h.status) : undefined],
        ['Length', h.contentLength !== undefined ? String(h.contentLength) : undefined],
        ['User agent', h.userAgent],
        ['Client IP', h.clientIp],
      ]),
    );
  }
  const a = details.aws;
  if (a) {
    const reqId = a.requestId;
    const logs =
      reqId && (kind === 'function' || kind === 'lambda-service')
        ? linkButton('Open logs of this request', `Open the CloudWatch logs of request ${reqId}`, () => actions.openLogs(reqId, span.name))
        : null;
    const extra: Array<[string, string]> = Object.entries(a.extra ?? {}).map(([k, v]) => [k, formatValue(v)]);
    append(
      root,
      section('AWS', [
        ['Operation', a.operation],
        ['Table', a.tableName],
        ['Retries', a.retries !== undefined ? String(a.retries) : undefined],
        ['Request id', reqId],
        ['Region', a.region],
        ['Function', a.functionArn],
        ['Resources', a.resourceNames?.join(', ')],
        ...extra,
      ]),
      logs,
    );
  }
  append(root, section('Annotations', Object.entries(details.annotations ?? {}).map(([k, v]) => [k, String(v)])));
  if (details.metadata) {
    const rows: Array<[string, string]> = [];
    for (const [ns, v] of Object.entries(details.metadata)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) rows.push([`${ns}.${k}`, formatValue(x)]);
      else rows.push([ns, formatValue(v)]);
    }
    append(root, section('Metadata', rows));
  }
  if (details.sql) append(root, section('SQL', Object.entries(details.sql).map(([k, v]) => [k, formatValue(v)])));
  const c = details.cause;
  if (c) {
    const s = el('section', 'tl-detail-section tl-cause');
    s.appendChild(el('h3', 'tl-h3', 'Cause'));
    if (c.workingDirectory) s.appendChild(el('div', 'tl-muted', `in ${c.workingDirectory}`));
    if (c.exceptionId) s.appendChild(el('div', undefined, `exception ${c.exceptionId} (recorded on another span)`));
    for (const e of c.exceptions) {
      const box = el('div', 'tl-exception');
      box.appendChild(el('div', 'tl-exception-head', `${e.type ?? 'Exception'}${e.remote ? ' (remote)' : ''}: ${e.message ?? ''}`));
      if (e.stack.length) {
        const ol = el('ol', 'tl-stack-frames');
        for (const f of e.stack) ol.appendChild(frameNode(f, actions));
        box.appendChild(ol);
      }
      s.appendChild(box);
    }
    root.appendChild(s);
  }
  return root;
}
