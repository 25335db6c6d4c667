// The limits the services' models put on a request's members (lengths, ranges, patterns, list
// sizes), checked the way the AWS services' own front ends check them and answered in their words:
// "2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must
// have value greater than or equal to 1; …". Each service names the error its own way
// (CloudWatch Logs InvalidParameterException, Lambda ValidationException, API Gateway
// BadRequestException, X-Ray InvalidRequestException); a member of the wrong JSON type is a
// SerializationException, as the JSON protocols answer it.
import { WireError } from './wire';

/** One member's constraints, as the service model writes them (min/max: length or value). */
export interface Constraint {
  type: 'string' | 'integer' | 'list' | 'boolean';
  required?: boolean;
  min?: number;
  max?: number;
  pattern?: string;
  /** For a list: its members' constraints. */
  member?: Omit<Constraint, 'type' | 'required' | 'member'>;
}

export type Shape = Record<string, Constraint>;

/** The error type each service answers a constraint violation with (all HTTP 400). */
export const VALIDATION_ERROR = {
  logs: 'InvalidParameterException',
  lambda: 'ValidationException',
  apigateway: 'BadRequestException',
  xray: 'InvalidRequestException',
} as const;

export type ValidatingService = keyof typeof VALIDATION_ERROR;

/** The longest value quoted in a message: the service quotes it whole, but a hostile body need not come back in full. */
const QUOTE_MAX = 200;

function quote(v: unknown): string {
  const s = Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v);
  return s.length > QUOTE_MAX ? `${s.slice(0, QUOTE_MAX)}…` : s;
}

/** Member names as the services write them in messages: `MaxItems` → `maxItems`. */
const memberName = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

function scalarFailures(c: Omit<Constraint, 'type' | 'required' | 'member'>, v: unknown, isString: boolean): string[] {
  const out: string[] = [];
  const size = isString ? (v as string).length : (v as number);
  const what = isString ? 'length' : 'value';
  if (c.min !== undefined && size < c.min) out.push(`Member must have ${what} greater than or equal to ${c.min}`);
  if (c.max !== undefined && size > c.max) out.push(`Member must have ${what} less than or equal to ${c.max}`);
  if (isString && c.pattern !== undefined && !new RegExp(`^(?:${c.pattern})$`, 'su').test(v as string)) out.push(`Member must satisfy regular expression pattern: ${c.pattern}`);
  return out;
}

/** The violations of `input` against `shape`, one message part each ("Value … at 'x' failed to satisfy constraint: …"). */
export function violations(input: Record<string, unknown>, shape: Shape): string[] {
  const out: string[] = [];
  for (const [name, c] of Object.entries(shape)) {
    const v = input[name];
    const at = memberName(name);
    if (v === undefined || v === null) {
      if (c.required) out.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    const typeOk =
      c.type === 'string' ? typeof v === 'string' : c.type === 'integer' ? typeof v === 'number' && Number.isInteger(v) : c.type === 'boolean' ? typeof v === 'boolean' : Array.isArray(v);
    if (!typeOk) throw new WireError('SerializationException', 400, `The value of '${at}' is not a${c.type === 'integer' ? 'n' : ''} ${c.type}.`);
    if (c.type === 'boolean') continue;
    if (c.type === 'list') {
      const list = v as unknown[];
      const lengths: string[] = [];
      if (c.min !== undefined && list.length < c.min) lengths.push(`Member must have length greater than or equal to ${c.min}`);
      if (c.max !== undefined && list.length > c.max) lengths.push(`Member must have length less than or equal to ${c.max}`);
      for (const l of lengths) out.push(`Value '${quote(list)}' at '${at}' failed to satisfy constraint: ${l}`);
      if (c.member) {
        if (!list.every((x) => typeof x === 'string')) throw new WireError('SerializationException', 400, `The members of '${at}' must be strings.`);
        const failed = new Set<string>();
        for (const x of list as string[]) for (const f of scalarFailures(c.member, x, true)) failed.add(f);
        if (failed.size) out.push(`Value '${quote(list)}' at '${at}' failed to satisfy constraint: Member must satisfy constraint: [${[...failed].join(', ')}]`);
      }
      continue;
    }
    for (const f of scalarFailures(c, v, c.type === 'string')) out.push(`Value '${quote(v)}' at '${at}' failed to satisfy constraint: ${f}`);
  }
  return out;
}

/** Throws the service's validation error when `input` breaks `shape`. */
export function validate(service: ValidatingService, input: Record<string, unknown>, shape: Shape): void {
  const found = violations(input, shape);
  if (!found.length) return;
  throw new WireError(VALIDATION_ERROR[service], 400, `${found.length} validation error${found.length > 1 ? 's' : ''} detected: ${found.join('; ')}`);
}
