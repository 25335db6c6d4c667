// Waterfall webview entry: adopts the stylesheet (a constructed sheet: allowed under the panel's
// CSP without 'unsafe-inline'), reads the snapshot inlined in the page so the first paint needs
// no round trip, then says `ready` and takes complete snapshots (and span details) from the host.
import { INITIAL_STATE_ELEMENT_ID, PROTOCOL_VERSION, isHostMessage } from '../src/protocol';
import type { WaterfallSnapshot, WebviewMessage } from '../src/protocol';
import css from './styles.css';
import { WaterfallApp } from './waterfall/app';
import { restoredState } from './waterfall/uiState';

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
    else if (m.type === 'details') app.setDetails(m.requestId, m.traceId, m.index, m.details);
    else if (m.type === 'detailsError') app.detailsFailed(m.requestId, m.traceId, m.index, m.message);
    else if (m.type === 'whatIf') app.setWhatIf(m);
    else if (m.type === 'whatIfError') app.whatIfFailed(m);
    else app.showNotice(m.level, m.text);
  });
  vscode.postMessage({ type: 'ready', v: PROTOCOL_VERSION, traceId: initial?.traceId ?? null } satisfies WebviewMessage);
}

boot();
