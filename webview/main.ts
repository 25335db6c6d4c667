// Waterfall webview entry: adopts the stylesheet (a constructed sheet: allowed under the panel's
// CSP without 'unsafe-inline'), reads the snapshot inlined in the page so the first paint needs
// no round trip, then says `ready` and takes complete snapshots (and span details) from the host.
import { INITIAL_STATE_ELEMENT_ID, PROTOCOL_VERSION, isHostMessage } from '../src/protocol';
import type { WaterfallSnapshot, WebviewMessage } from '../src/protocol';
import css from './styles.css';
import { WaterfallApp } from './waterfall/app';
import type { PersistedState, TraceUi } from './waterfall/app';
import type { Sort } from './waterfall/traceList';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

function readInitial(): WaterfallSnapshot | null {
  const node = document.getElementById(INITIAL_STATE_ELEMENT_ID);
  if (!node?.textContent) return null;
  try {
    const v: unknown = JSON.parse(node.textContent);
    return v && typeof v === 'object' ? (v as WaterfallSnapshot) : null;
  } catch {
    return null;
  }
}

type Loose = Record<string, unknown>;

function isLoose(x: unknown): x is Loose {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isSort(x: unknown): x is Sort {
  return isLoose(x) && (x['key'] === 'status' || x['key'] === 'total' || x['key'] === 'coldStart') && typeof x['desc'] === 'boolean';
}

function viewOf(x: unknown): TraceUi['view'] | null {
  return isLoose(x) && typeof x['start'] === 'number' && typeof x['end'] === 'number' ? { start: x['start'], end: x['end'] } : null;
}

/**
 * What VS Code kept of the last session, checked (it is only as trustworthy as our last write).
 * Version 1 kept collapsed and selected spans by id; version 2 keeps indices with the snapshot's
 * spansKey, so a version 1 state keeps its trace, sort, views and filters, not its collapse and
 * selection.
 */
function restoredState(x: unknown): PersistedState | null {
  if (!isLoose(x) || (x['v'] !== 1 && x['v'] !== 2) || !isLoose(x['perTrace'])) return null;
  const perTrace: Record<string, TraceUi> = {};
  for (const [traceId, raw] of Object.entries(x['perTrace'])) {
    if (!isLoose(raw)) continue;
    const view = viewOf(raw['view']);
    if (!view) continue;
    const ui: TraceUi = { collapsed: [], selected: null, spansKey: '', view, filter: typeof raw['filter'] === 'string' ? raw['filter'] : '' };
    if (x['v'] === 2 && typeof raw['spansKey'] === 'string' && Array.isArray(raw['collapsed'])) {
      ui.spansKey = raw['spansKey'];
      ui.collapsed = raw['collapsed'].filter((i): i is number => typeof i === 'number');
      ui.selected = typeof raw['selected'] === 'number' ? raw['selected'] : null;
    }
    perTrace[traceId] = ui;
  }
  const state: PersistedState = {
    v: 2,
    traceId: typeof x['traceId'] === 'string' ? x['traceId'] : null,
    sort: isSort(x['sort']) ? x['sort'] : { key: 'total', desc: true },
    perTrace,
  };
  if (typeof x['restoreKey'] === 'string') state.restoreKey = x['restoreKey'];
  return state;
}

function boot(): void {
  performance.mark('tl-boot');
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];

  const vscode = acquireVsCodeApi();
  const root = document.getElementById('tl-root') ?? document.body.appendChild(document.createElement('div'));
  const app = new WaterfallApp(
    root,
    {
      post: (m: WebviewMessage) => vscode.postMessage(m),
      saveState: (s) => vscode.setState(s),
    },
    restoredState(vscode.getState()),
  );
  const initial = readInitial();
  app.setSnapshot(initial);
  performance.mark('tl-rendered');
  // The frame after the first render is the first paint of the waterfall.
  requestAnimationFrame(() => setTimeout(() => performance.mark('tl-painted'), 0));

  window.addEventListener('message', (e: MessageEvent<unknown>) => {
    const m = e.data;
    if (!isHostMessage(m)) return;
    if (m.type === 'snapshot') app.setSnapshot(m.snapshot);
    else if (m.type === 'details') app.setDetails(m.traceId, m.index, m.details);
    else app.showNotice(m.level, m.text);
  });
  vscode.postMessage({ type: 'ready', v: PROTOCOL_VERSION, traceId: initial?.traceId ?? null } satisfies WebviewMessage);
}

boot();
