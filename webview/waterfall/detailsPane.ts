// The side pane's details of the selected span, on demand: what the row knows is shown at once,
// the rest is asked of the host once per span (`requestDetails`) and kept as it arrives, for the
// current snapshot only. details.ts draws the pane.
import { PROTOCOL_VERSION } from '../../src/protocol';
import type { SpanDetails, WaterfallSnapshot, WebviewMessage } from '../../src/protocol';
import { renderDetails } from './details';
import type { SpanTable } from './spans';

export class DetailsPane {
  /** Details the host sent for the current snapshot, by span index; and those asked for. */
  private details = new Map<number, SpanDetails>();
  private asked = new Set<number>();

  constructor(
    private readonly host: HTMLElement,
    private readonly post: (m: WebviewMessage) => void,
  ) {}

  /** A new snapshot: what was asked or received belongs to the old one. */
  reset(): void {
    this.details = new Map();
    this.asked = new Set();
  }

  /** Keeps details the host sent; true when they are new for the current snapshot's spans. */
  receive(snap: WaterfallSnapshot | null, spans: SpanTable | null, traceId: string, index: number, details: SpanDetails): boolean {
    if (!snap || traceId !== snap.traceId || !spans || index >= spans.count) return false;
    this.details.set(index, details);
    return true;
  }

  /** Shows span `i` (-1: none), asking the host for its details the first time. */
  render(snap: WaterfallSnapshot | null, spans: SpanTable | null, i: number): void {
    const span = snap && spans && i >= 0 && i < spans.count ? spans.summary(i) : null;
    const details = span ? this.details.get(i) ?? null : null;
    if (snap && span && !details && !this.asked.has(i)) {
      this.asked.add(i);
      this.post({ type: 'requestDetails', v: PROTOCOL_VERSION, traceId: snap.traceId, index: i });
    }
    this.host.replaceChildren(
      renderDetails(span, details, snap?.report.budgetMs ?? null, snap?.report.cutAtMs ?? null, {
        openSource: (file, line) => this.post({ type: 'openSource', v: PROTOCOL_VERSION, file, line }),
        openLogs: (requestId, functionName) => {
          if (!snap) return;
          const m: WebviewMessage = { type: 'openLogs', v: PROTOCOL_VERSION, traceId: snap.traceId, requestId };
          if (functionName !== undefined) m.functionName = functionName;
          this.post(m);
        },
      }),
    );
  }
}
