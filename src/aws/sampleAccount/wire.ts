// What the sample account's handlers return, and errors as AWS writes them on the wire.
export interface Reply {
  status: number;
  body: unknown;
}

/** An error the way the service would answer it: its type name, HTTP status and message. */
export class WireError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const ok = (body: unknown): Reply => ({ status: 200, body });

export function invalid(message: string, type = 'InvalidRequestException'): WireError {
  return new WireError(type, 400, message);
}

/** restJson1 / awsJson timestamps: epoch seconds as a number (or an ISO string from some clients). */
export function epochMs(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v * 1000;
  if (typeof v === 'string' && v) {
    const n = Number(v);
    if (Number.isFinite(n)) return n * 1000;
    const d = Date.parse(v);
    if (Number.isFinite(d)) return d;
  }
  return undefined;
}

export function pageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

/** The offset a pageToken holds; a token the service did not give is refused with `errorType` (X-Ray's by default). */
export function readToken(token: unknown, errorType = 'InvalidRequestException'): number {
  if (typeof token !== 'string' || !token) return 0;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && v.o >= 0) return v.o;
  } catch {
    // fall through
  }
  throw invalid('The NextToken is not valid.', errorType);
}
