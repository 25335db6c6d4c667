// The hostile traces of test/unit/hostile/ and bench/hostile.bench.ts, built in one place: deep
// nesting, long parent chains, and a 504 whose every name carries a given text (control, escape
// and bidi characters). Written by hand where JSON.stringify would recurse.

export const T0 = 1_700_000_000;
export const TID = '1-6553f100-0123456789abcdef01234567';
export const hex = (n: number): string => n.toString(16).padStart(16, '0');

/** A gateway segment (REST, GET /prod/orders, 200 in 2 s) holding `subs`. */
export function gateway(subs: unknown[], traceId = TID): Record<string, unknown> {
  return {
    id: hex(1),
    trace_id: traceId,
    name: 'orders-api/prod',
    origin: 'AWS::ApiGateway::Stage',
    start_time: T0,
    end_time: T0 + 2,
    http: { request: { method: 'GET', url: 'https://api.example.com/prod/orders' }, response: { status: 200 } },
    subsegments: subs,
  };
}

/**
 * A gateway segment with `depth` subsegments (`level1` … `level<depth>`), each inside the one
 * before, as text: written by hand, since JSON.stringify recurses and cannot write what JSON.parse
 * reads. Without `withEnd` no subsegment has an end time (each one a repaired error).
 */
export function nested(depth: number, traceId = TID, withEnd = true): string {
  const open: string[] = [];
  for (let i = 1; i <= depth; i++) {
    const fields = `"id":"${hex(i + 10)}","name":"level${i}","start_time":${T0 + 0.001}${withEnd ? `,"end_time":${T0 + 1}` : ''}`;
    open.push(i < depth ? `{${fields},"subsegments":[` : `{${fields}}`);
  }
  const inner = open.join('') + ']}'.repeat(Math.max(0, depth - 1));
  const outer = JSON.stringify(gateway([], traceId));
  return outer.replace('"subsegments":[]', `"subsegments":[${inner}]`);
}

/** A gateway segment and `n` independently sent subsegments: each the parent of the next (`chain`), or all children of the gateway. */
export function sentApart(n: number, chain = true): string {
  const lines = [JSON.stringify(gateway([]))];
  for (let i = 1; i <= n; i++) {
    const parent = chain && i > 1 ? hex(i + 9) : hex(1);
    lines.push(JSON.stringify({ type: 'subsegment', id: hex(i + 10), parent_id: parent, trace_id: TID, name: `link${i}`, start_time: T0 + 0.001, end_time: T0 + 1 }));
  }
  return lines.join('\n');
}

/**
 * A 504 (gateway 29 s, the function on to 40 s with a fault) whose names, URL, methods,
 * operation, table and exception all carry `mark`: the gateway and function documents.
 */
export function markedTraceDocs(mark: string): Array<Record<string, unknown>> {
  const gw = {
    id: hex(1),
    trace_id: TID,
    name: `api${mark}/prod`,
    origin: 'AWS::ApiGateway::Stage',
    start_time: T0,
    end_time: T0 + 29,
    http: { request: { method: `GET${mark}`, url: `https://api.example.com/prod/${mark}` }, response: { status: 504 } },
    subsegments: [{ id: hex(2), name: 'Lambda', namespace: 'aws', start_time: T0 + 0.01, end_time: T0 + 29, aws: { operation: 'Invoke' } }],
  };
  const fn = {
    id: hex(3),
    trace_id: TID,
    parent_id: hex(2),
    name: `orders${mark}`,
    origin: 'AWS::Lambda::Function',
    start_time: T0 + 0.02,
    end_time: T0 + 40,
    fault: true,
    cause: { exceptions: [{ type: `Boom${mark}`, message: `it broke ${mark}`, stack: [{ path: `/var/task/${mark}.js`, line: 3 }] }] },
    subsegments: [
      { id: hex(4), name: `DynamoDB${mark}`, namespace: 'aws', start_time: T0 + 0.1, end_time: T0 + 39, aws: { operation: `Query${mark}`, table_name: `t${mark}` } },
      { id: hex(5), name: `remote${mark}`, namespace: 'remote', start_time: T0 + 39, end_time: T0 + 39.5, http: { request: { method: `POST${mark}`, url: `https://x/${mark}` } } },
    ],
  };
  return [gw, fn];
}
