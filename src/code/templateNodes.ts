// A template read as YAML nodes (JSON is YAML), with CloudFormation's short-form tags (`!Ref`,
// `!GetAtt`, `!Sub`, …) understood in their scalar, sequence and mapping forms, and every node's
// place in the file. The readers of templates.ts walk these nodes instead of plain JS values so a
// finding or a problem points at the exact value. Nothing here evaluates anything: intrinsics
// are recognized, never run.
import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair, Scalar, ScalarTag, CollectionTag, YAMLMap, YAMLSeq } from 'yaml';
import type { SourceSpan } from './types';

/** The short forms CloudFormation (and SAM, and the Serverless Framework's resources) accept. */
const SHORT_FORMS = [
  'Ref', 'GetAtt', 'Sub', 'Join', 'If', 'Select', 'Split', 'FindInMap', 'ImportValue', 'Base64',
  'Cidr', 'GetAZs', 'Equals', 'And', 'Or', 'Not', 'Condition', 'Transform', 'ToJsonString', 'Length',
] as const;

/** `!Ref` → `Ref`, `!Condition` → `Condition`, the others → `Fn::<Name>` (the long form's key). */
function longName(short: string): string {
  return short === 'Ref' || short === 'Condition' ? short : `Fn::${short}`;
}

const CUSTOM_TAGS: Array<ScalarTag | CollectionTag> = SHORT_FORMS.flatMap((n): Array<ScalarTag | CollectionTag> => [
  { tag: `!${n}`, resolve: (value: string): string => value },
  { tag: `!${n}`, collection: 'seq' },
  { tag: `!${n}`, collection: 'map' },
]);

export interface ParsedTemplate {
  doc: Document.Parsed;
  lines: LineCounter;
  file: string;
  text: string;
  /** The first syntax error, 0-based, when the text is not YAML (or JSON) at all. */
  error?: { message: string; line: number; column: number };
}

/** Parses YAML or JSON keeping positions; never throws on content. */
export function parseTemplateText(file: string, text: string): ParsedTemplate {
  const lines = new LineCounter();
  const doc = parseDocument(text, { customTags: CUSTOM_TAGS, lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const out: ParsedTemplate = { doc, lines, file, text };
  const e = doc.errors[0];
  if (e) {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    out.error = { message: e.message.split('\n')[0] ?? e.message, line: Math.max(0, pos.line - 1), column: Math.max(0, pos.col - 1) };
  }
  return out;
}

/**
 * The node's place: from its first character to the end of its value (comments excluded). A
 * short-form intrinsic's place starts at its tag (`!Ref X`, not `X`): replacing the span replaces
 * the whole value.
 */
export function spanOf(t: ParsedTemplate, node: Node | Pair['key'] | null | undefined): SourceSpan {
  const r = node && typeof node === 'object' && 'range' in node ? (node as { range?: [number, number, number] | null }).range : undefined;
  const range: [number, number, number] = r ?? [0, 0, 0];
  let start = range[0];
  const tag = node && typeof node === 'object' ? (node as { tag?: string }).tag : undefined;
  if (tag?.startsWith('!')) {
    let i = start;
    while (i > 0 && /\s/.test(t.text[i - 1]!)) i--;
    if (t.text.slice(i - tag.length, i) === tag) start = i - tag.length;
  }
  const a = t.lines.linePos(start);
  const b = t.lines.linePos(range[1]);
  return { file: t.file, line: a.line - 1, column: a.col - 1, endLine: b.line - 1, endColumn: b.col - 1 };
}

/** Follows an alias to its anchor (one step: the parser forbids cycles). */
export function deref(t: ParsedTemplate, node: unknown): Node | undefined {
  if (isAlias(node)) {
    const target = node.resolve(t.doc);
    return target && !isAlias(target) ? (target as Node) : undefined;
  }
  return node && typeof node === 'object' && ('range' in node || isScalar(node)) ? (node as Node) : undefined;
}

export function asMap(t: ParsedTemplate, node: unknown): YAMLMap | undefined {
  const n = deref(t, node);
  return isMap(n) && !n.tag?.startsWith('!') ? n : undefined;
}

export function asSeq(t: ParsedTemplate, node: unknown): YAMLSeq | undefined {
  const n = deref(t, node);
  return isSeq(n) && !n.tag?.startsWith('!') ? n : undefined;
}

/** The key's text of a pair (keys are scalars in every template worth reading). */
export function keyText(p: Pair): string | undefined {
  const k = p.key;
  if (isScalar(k) && (typeof k.value === 'string' || typeof k.value === 'number')) return String(k.value);
  return undefined;
}

/** The pairs of a map, with string keys. */
export function entries(t: ParsedTemplate, node: unknown): Array<{ key: string; keyNode: Pair['key']; value: Node | undefined }> {
  const m = asMap(t, node);
  if (!m) return [];
  const out: Array<{ key: string; keyNode: Pair['key']; value: Node | undefined }> = [];
  for (const p of m.items) {
    const key = keyText(p);
    if (key !== undefined) out.push({ key, keyNode: p.key, value: deref(t, p.value) });
  }
  return out;
}

/** A map's value by key (the last one wins, as in CloudFormation's JSON). */
export function field(t: ParsedTemplate, node: unknown, key: string): Node | undefined {
  const m = asMap(t, node);
  if (!m) return undefined;
  let found: Node | undefined;
  for (const p of m.items) if (keyText(p) === key) found = deref(t, p.value);
  return found;
}

/** A map's key node by key: where "this resource" or "this function" is. */
export function keyNodeOf(t: ParsedTemplate, node: unknown, key: string): Pair['key'] | undefined {
  const m = asMap(t, node);
  if (!m) return undefined;
  let found: Pair['key'] | undefined;
  for (const p of m.items) if (keyText(p) === key) found = p.key;
  return found;
}

/** A plain (untagged) scalar as text: strings and numbers; booleans and nulls are not text. */
export function text(node: unknown): string | undefined {
  if (!isScalar(node) || node.tag?.startsWith('!')) return undefined;
  const v = (node as Scalar).value;
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}

/** A plain scalar as a finite number (`60`, `"60"`). */
export function num(node: unknown): number | undefined {
  if (!isScalar(node) || node.tag?.startsWith('!')) return undefined;
  const v = (node as Scalar).value;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/** An intrinsic function, in either form: `!Sub x` or `{ "Fn::Sub": x }`. */
export interface Intrinsic {
  /** The long form's name: `Ref`, `Fn::GetAtt`, `Fn::Sub`, … */
  fn: string;
  /** The argument: the tagged node itself (short form) or the long form's value. */
  arg: Node | undefined;
  /** In the short form, the tagged node's own value is the argument; `arg` is that node. */
  short: boolean;
}

export function intrinsic(t: ParsedTemplate, node: unknown): Intrinsic | undefined {
  const n = deref(t, node);
  if (!n) return undefined;
  const tag = (n as { tag?: string }).tag;
  if (tag && tag.startsWith('!')) {
    const short = tag.slice(1);
    if ((SHORT_FORMS as readonly string[]).includes(short)) return { fn: longName(short), arg: n, short: true };
    return undefined;
  }
  if (isMap(n) && n.items.length === 1) {
    const k = keyText(n.items[0]!);
    if (k && (k === 'Ref' || k === 'Condition' || k.startsWith('Fn::'))) return { fn: k, arg: deref(t, n.items[0]!.value), short: false };
  }
  return undefined;
}

/** The scalar text of an intrinsic's argument, whichever form it was written in. */
export function intrinsicText(i: Intrinsic): string | undefined {
  const a = i.arg;
  if (!isScalar(a)) return undefined;
  const v = (a as Scalar).value;
  return typeof v === 'string' ? v : undefined;
}

/** The items of an intrinsic's sequence argument (`!Join [a, [b]]`, `Fn::GetAtt: [X, Arn]`). */
export function intrinsicItems(t: ParsedTemplate, i: Intrinsic): Node[] {
  const a = i.arg;
  if (!isSeq(a)) return [];
  return a.items.map((x) => deref(t, x)).filter((x): x is Node => x !== undefined);
}

const SUB_REF = /\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g;

/**
 * The logical ids a value mentions through `Ref`, `Fn::GetAtt` and `${Id}`/`${Id.Attr}` in
 * `Fn::Sub` strings, anywhere inside it (a `Fn::Join` of them, a `Fn::If`, …). Aliases are not
 * followed (CloudFormation has none, and an alias bomb would make the walk exponential), and the
 * walk stops after a fixed number of nodes: linear in the template, whatever it holds.
 */
export function referencedIds(t: ParsedTemplate, node: unknown): Set<string> {
  const out = new Set<string>();
  const budget = { nodes: 10_000 };
  collectIds(t, node, 0, out, budget);
  return out;
}

function collectIds(t: ParsedTemplate, node: unknown, depth: number, out: Set<string>, budget: { nodes: number }): void {
  if (depth > 32 || --budget.nodes < 0 || isAlias(node)) return;
  const n = deref(t, node);
  if (!n) return;
  const i = intrinsic(t, n);
  if (i) {
    if (i.fn === 'Ref') {
      const s = i.short ? intrinsicText(i) : text(i.arg);
      if (s) out.add(s);
      return;
    }
    if (i.fn === 'Fn::GetAtt') {
      const s = i.short ? intrinsicText(i) : text(i.arg);
      if (s) out.add(s.split('.')[0]!);
      else {
        const id = text(intrinsicItems(t, i)[0]);
        if (id) out.add(id);
      }
      return;
    }
    if (i.fn === 'Fn::Sub') {
      const s = i.short ? intrinsicText(i) : text(i.arg);
      const items = s === undefined ? intrinsicItems(t, i) : [];
      const template = s ?? text(items[0]);
      if (template) for (const m of template.matchAll(SUB_REF)) if (!m[1]!.startsWith('AWS')) out.add(m[1]!);
      // The variables map of the two-item form may hold more references.
      if (items[1]) collectIds(t, items[1], depth + 1, out, budget);
      return;
    }
    // Any other function: whatever its argument mentions.
    if (i.short) {
      if (isSeq(i.arg) || isMap(i.arg)) for (const x of (i.arg as YAMLSeq | YAMLMap).items) collectIds(t, isMapPair(x) ? x.value : x, depth + 1, out, budget);
    } else collectIds(t, i.arg, depth + 1, out, budget);
    return;
  }
  if (isSeq(n)) for (const x of n.items) collectIds(t, x, depth + 1, out, budget);
  else if (isMap(n)) for (const p of n.items) collectIds(t, p.value, depth + 1, out, budget);
}

function isMapPair(x: unknown): x is Pair {
  return !!x && typeof x === 'object' && 'key' in x && 'value' in x;
}
