// The side pane's details of the selected span, on demand: what the row knows is shown at once,
// the rest is asked of the host once per span (`requestDetails`) and kept as it arrives, for the
// current snapshot only. Each request carries an id; the host answers with the details or with
// why it could not, so the pane never stays busy. details.ts draws the pane.
import { PROTOCOL_VERSION } from '../../src/protocol';
import type { SpanDetails, WaterfallSnapshot, WebviewMessage } from '../../src/protocol';
import { renderDetails } from './details';
import type { SpanTable } from './spans';

export class DetailsPane {
  /** Details the host sent for the current snapshot, by span index; and those asked for. */
  private details = new Map<number, SpanDetails>();
  /** Span index by the id of the request still unanswered for it. */
  private asked = new Map<number, number>();
  private errors = new Map<number, string>();
  private nextRequestId = 1;

  constructor(
    private readonly host: HTMLElement,
    private readonly post: (m: WebviewMessage) => void,
  ) {}

  /** A new snapshot: what was asked or received belongs to the old one. */
  reset(): void {
    this.details = new Map();
    this.asked = new Map();
    this.errors = new Map();
  }

  /** Keeps details the host sent; true when they answer a request of the current snapshot. */
  receive(snap: WaterfallSnapshot | null, spans: SpanTable | null, requestId: number, traceId: string, index: number, details: SpanDetails): boolean {
    if (!this.answers(snap, spans, requestId, traceId, index)) return false;
    this.details.set(index, details);
    return true;
  }

  /** The host could not answer: keep why, so the pane says so instead of waiting. */
  fail(snap: WaterfallSnapshot | null, spans: SpanTable | null, requestId: number, traceId: string, index: number, message: string): boolean {
    if (!this.answers(snap, spans, requestId, traceId, index)) return false;
    this.errors.set(index, message);
    return true;
  }

  private answers(snap: WaterfallSnapshot | null, spans: SpanTable | null, requestId: number, traceId: string, index: number): boolean {
    if (!snap || traceId !== snap.traceId || !spans || index >= spans.count || this.asked.get(index) !== requestId) return false;
    this.asked.delete(index);
    return true;
  }

  /** Shows span `i` (-1: none), asking the host for its details the first time. */
  render(snap: WaterfallSnapshot | null, spans: SpanTable | null, i: number): void {
    const span = snap && spans && i >= 0 && i < spans.count ? spans.summary(i) : null;
    const details = span ? this.details.get(i) ?? null : null;
    const error = span ? this.errors.get(i) : undefined;
    if (snap && span && !details && error === undefined && !this.asked.has(i)) {
      const requestId = this.nextRequestId++;
      this.asked.set(i, requestId);
      this.post({ type: 'requestDetails', v: PROTOCOL_VERSION, requestId, traceId: snap.traceId, index: i });
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
      }, error),
    );
  }
}
