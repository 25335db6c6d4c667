// Built downstream calls the what-if tests share.
import type { SubOpts } from '../../builders/traceBuilder';

/** 10 DynamoDB GetItem calls back to back from `from`: 300, 400, …, 1 200 ms (7 500 ms in all). */
export function tenGets(from: number): SubOpts[] {
  const out: SubOpts[] = [];
  let t = from;
  for (let i = 0; i < 10; i++) {
    const d = 300 + 100 * i;
    out.push({ name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'orders', start: t, end: t + d });
    t += d;
  }
  return out;
}
