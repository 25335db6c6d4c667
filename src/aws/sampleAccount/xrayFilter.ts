// The subset of X-Ray filter expressions the sample account understands — what Trace 504 and
// the AWS CLI examples use: `service("name") { … }`, `http.status`, `responsetime`, `duration`
// (compared with numbers or with each other), `http.url`/`http.method` with = != CONTAINS
// BEGINSWITH ENDSWITH, the flags ok / error / fault / throttle / partial, AND / OR / NOT and
// parentheses. Anything else is an InvalidRequestException, as X-Ray answers it.

export interface FilterSubject {
  services: string[];
  status: number;
  responseTime: number; // seconds
  duration: number; // seconds
  url: string;
  method: string;
  fault: boolean;
  error: boolean;
  throttle: boolean;
}

export class FilterSyntaxError extends Error {}

type Tok = { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'p'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let v = '';
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        v += s[i++];
      }
      if (s[i] !== '"') throw new FilterSyntaxError('unterminated string');
      i++;
      out.push({ t: 'str', v });
    } else if (/[0-9.]/.test(c)) {
      const m = /^\d+(\.\d+)?|^\.\d+/.exec(s.slice(i))!;
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(s.slice(i))!;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else if ('(){}'.includes(c)) {
      out.push({ t: 'p', v: c });
      i++;
    } else {
      const m = /^(>=|<=|!=|=|>|<)/.exec(s.slice(i));
      if (!m) throw new FilterSyntaxError(`unexpected "${c}"`);
      out.push({ t: 'op', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

type Pred = (x: FilterSubject) => boolean;

const NUMERIC: Record<string, (x: FilterSubject) => number> = {
  'http.status': (x) => x.status,
  responsetime: (x) => x.responseTime,
  duration: (x) => x.duration,
};
const STRINGS: Record<string, (x: FilterSubject) => string> = {
  'http.url': (x) => x.url,
  'http.method': (x) => x.method,
};
const FLAGS: Record<string, Pred> = {
  ok: (x) => !x.fault && !x.error && !x.throttle,
  error: (x) => x.error,
  fault: (x) => x.fault,
  throttle: (x) => x.throttle,
  partial: () => false,
  root: () => true,
};

export function compileFilter(expression: string): Pred {
  const toks = tokenize(expression);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const kw = (w: string): boolean => {
    const t = peek();
    if (t?.t === 'id' && t.v.toUpperCase() === w) {
      i++;
      return true;
    }
    return false;
  };
  const expect = (v: string): void => {
    const t = toks[i++];
    if (!t || t.v !== v) throw new FilterSyntaxError(`expected "${v}"`);
  };
  const cmp = (a: number, op: string, b: number): boolean =>
    op === '=' ? a === b : op === '!=' ? a !== b : op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b;

  const orExpr = (): Pred => {
    let left = andExpr();
    while (kw('OR')) {
      const l = left;
      const r = andExpr();
      left = (x) => l(x) || r(x);
    }
    return left;
  };
  const andExpr = (): Pred => {
    let left = unary();
    while (kw('AND')) {
      const l = left;
      const r = unary();
      left = (x) => l(x) && r(x);
    }
    return left;
  };
  const unary = (): Pred => {
    if (kw('NOT')) {
      const p = unary();
      return (x) => !p(x);
    }
    return primary();
  };
  const primary = (): Pred => {
    const t = toks[i++];
    if (!t) throw new FilterSyntaxError('unexpected end of expression');
    if (t.t === 'p' && t.v === '(') {
      const p = orExpr();
      expect(')');
      return p;
    }
    if (t.t !== 'id') throw new FilterSyntaxError(`unexpected "${String(t.v)}"`);
    const name = t.v.toLowerCase();
    if (name === 'service') {
      expect('(');
      const s = toks[i++];
      if (!s || s.t !== 'str') throw new FilterSyntaxError('service() takes a quoted name');
      expect(')');
      let inner: Pred = () => true;
      if (peek()?.v === '{') {
        i++;
        inner = orExpr();
        expect('}');
      }
      const svc = s.v;
      return (x) => x.services.includes(svc) && inner(x);
    }
    if (FLAGS[name]) return FLAGS[name];
    const num = NUMERIC[name];
    const str = STRINGS[name];
    const op = toks[i++];
    const val = toks[i++];
    if (!op || !val) throw new FilterSyntaxError(`incomplete comparison on ${name}`);
    if (num) {
      if (op.t !== 'op') throw new FilterSyntaxError(`expected a comparison after ${name}`);
      if (val.t === 'num') return (x) => cmp(num(x), op.v, val.v);
      const other = val.t === 'id' ? NUMERIC[val.v.toLowerCase()] : undefined;
      if (other) return (x) => cmp(num(x), op.v, other(x));
      throw new FilterSyntaxError(`${name} compares with a number`);
    }
    if (str) {
      if (val.t !== 'str') throw new FilterSyntaxError(`${name} compares with a quoted string`);
      const o = op.t === 'op' ? op.v : op.t === 'id' ? op.v.toUpperCase() : '';
      if (o === '=') return (x) => str(x) === val.v;
      if (o === '!=') return (x) => str(x) !== val.v;
      if (o === 'CONTAINS') return (x) => str(x).includes(val.v);
      if (o === 'BEGINSWITH') return (x) => str(x).startsWith(val.v);
      if (o === 'ENDSWITH') return (x) => str(x).endsWith(val.v);
      throw new FilterSyntaxError(`unknown operator ${o}`);
    }
    throw new FilterSyntaxError(`unknown keyword ${t.v}`);
  };
  if (!toks.length) return () => true;
  const p = orExpr();
  if (i !== toks.length) throw new FilterSyntaxError(`unexpected "${String(toks[i]!.v)}"`);
  return p;
}
