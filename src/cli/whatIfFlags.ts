// The what-if's assumptions as flags (`analyze` and `trace` share them, usage.ts WHAT_IF_FLAGS):
// the headroom a fix must leave, a concurrency limit for calls run together, a timeout for slow
// downstream calls.
import type { WhatIfOptions } from '../core/whatIf';

/** The flags' values as the engine's options, or the message of the first bad one. */
export function whatIfOptionsOf(get: (name: string) => string | undefined): WhatIfOptions | { error: string } {
  const out: WhatIfOptions = {};
  const headroom = get('headroom');
  if (headroom !== undefined) {
    const p = Number(headroom);
    if (!(headroom.trim() !== '' && Number.isFinite(p) && p >= 0 && p < 100)) return { error: `--headroom takes a percentage from 0 to under 100 (got ${headroom})` };
    out.headroom = p / 100;
  }
  const concurrency = get('concurrency');
  if (concurrency !== undefined) {
    const n = Number(concurrency);
    if (!(Number.isInteger(n) && n > 0)) return { error: `--concurrency takes a positive whole number (got ${concurrency})` };
    out.concurrency = n;
  }
  const timeout = get('downstream-timeout-ms');
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!(timeout.trim() !== '' && Number.isFinite(n) && n > 0)) return { error: `--downstream-timeout-ms takes a positive number of milliseconds (got ${timeout})` };
    out.downstreamTimeoutMs = n;
  }
  return out;
}
