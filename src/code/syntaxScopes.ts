// What the two call-site readers (JavaScript/TypeScript and Python) share: spans, the one-line
// text of a call, host names of URLs, the abstract values a name can hold (a module, a client, a
// command) and the table of names by scope that resolves them.
import type { Node, TreeCursor } from 'web-tree-sitter';
import type { ServiceName } from './awsServiceNames';
import type { SourceSpan } from './types';

export function spanOf(node: Node, file: string): SourceSpan {
  const s = node.startPosition;
  const e = node.endPosition;
  return { file, line: s.row, column: s.column, endLine: e.row, endColumn: e.column };
}

const MAX_TEXT = 120;

/** The node's source on one line, runs of whitespace collapsed, at most 120 characters. */
export function oneLineText(node: Node): string {
  // Only the head of a long call can show: cut before collapsing so a huge argument stays cheap.
  const raw = node.text;
  const head = raw.length > MAX_TEXT * 8 ? raw.slice(0, MAX_TEXT * 8) : raw;
  const flat = head.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_TEXT || head.length < raw.length ? `${flat.slice(0, MAX_TEXT - 1)}…` : flat;
}

/**
 * The host of an absolute URL, or of the literal head of one (`https://api.example.com/x/` before
 * a `${id}`): only when the host name ends inside the head. `undefined` for a relative URL.
 */
export function hostOfUrlHead(head: string, complete: boolean): string | undefined {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#:]*)([/?#:]?)/.exec(head);
  if (!m || !m[1]) return undefined;
  if (!complete && !m[2]) return undefined;
  return m[1].toLowerCase();
}

/** A bare host option (`hostname: 'api.example.com'`, `host: 'api.example.com:8443'`). */
export function hostOfHostOption(value: string): string | undefined {
  const host = value.replace(/:\d+$/, '').toLowerCase();
  return /^[a-z0-9.-]+$/.test(host) ? host : undefined;
}

/** What an expression holds, as far as finding calls goes. */
export type CodeValue =
  /** A module (a `require` of a package, `import * as x`, `import boto3`) or a name reached from it: `path` is the member chain. */
  | { kind: 'module'; module: string; path: string[] }
  /** A client object whose methods make calls. */
  | { kind: 'client'; client: ClientKind; service?: ServiceName; host?: string; async?: boolean }
  /** An SDK v3 command object, ready for `send`. */
  | { kind: 'command'; service: ServiceName; operation: string }
  /** A global the code did not import (`fetch`). */
  | { kind: 'global'; name: string };

export type ClientKind =
  | 'v3' // a bare v3 client: only `send`
  | 'v3-aggregated' // `new DynamoDB({})`: methods
  | 'v3-document' // `DynamoDBDocument.from(…)`: DocumentClient methods and `send`
  | 'v2'
  | 'v2-document'
  | 'boto3-session'
  | 'boto3-client'
  | 'boto3-resource'
  | 'boto3-table'
  | 'boto3-batch-writer'
  | 'axios'
  | 'got'
  | 'undici'
  | 'requests'
  | 'httpx'
  | 'urllib3';

/**
 * How a name got its value: the expression it was set to, then `path` members taken off it
 * (destructuring), or a value known at once (imports).
 */
export type Binding = { start: number; node: Node; path: string[] } | { start: number; value: CodeValue };

/** Names by the scope (program or function node id) that declares them; several per name keep their order. */
export class ScopeTable {
  private readonly scopes = new Map<number, Map<string, Binding[]>>();
  /** Assignments to names not declared where they run (`client = new X()` in a lazy init). */
  private readonly assigned = new Map<string, Binding[]>();

  declare(scopeId: number, name: string, binding: Binding): void {
    let names = this.scopes.get(scopeId);
    if (!names) this.scopes.set(scopeId, (names = new Map()));
    const list = names.get(name);
    if (list) list.push(binding);
    else names.set(name, [binding]);
  }

  assign(name: string, binding: Binding): void {
    const list = this.assigned.get(name);
    if (list) list.push(binding);
    else this.assigned.set(name, [binding]);
  }

  /** Every binding a scope declares. */
  bindingsIn(scopeId: number): Binding[] {
    return [...(this.scopes.get(scopeId)?.values() ?? [])].flat();
  }

  /** The declaration seen from `scopeIds` (innermost first): the last one before `at`, else the first. */
  lookup(name: string, scopeIds: number[], at: number): Binding[] {
    for (const id of scopeIds) {
      const list = this.scopes.get(id)?.get(name);
      if (list) {
        let pick = list[0]!;
        for (const b of list) if (b.start <= at) pick = b;
        const rest = this.assigned.get(name) ?? [];
        return [pick, ...rest];
      }
    }
    return this.assigned.get(name) ?? [];
  }
}

/** The value a member chain takes off a value (`AWS` → `AWS.DynamoDB`). */
export function memberOf(value: CodeValue | undefined, path: string[]): CodeValue | undefined {
  if (!value || path.length === 0) return value;
  if (value.kind === 'module') return { kind: 'module', module: value.module, path: [...value.path, ...path] };
  return undefined;
}

/** A module name without a `node:` prefix. */
export function plainModule(name: string): string {
  return name.startsWith('node:') ? name.slice(5) : name;
}

/**
 * One pre-order walk of a syntax tree with a tree cursor (no recursion: a deep file cannot
 * overflow the stack), keeping the stack of enclosing scopes: `visit` sees each node's type and
 * the cursor on it (`cursor.currentNode` makes the node object: only where it is needed) with the
 * ids of the scopes around it (the root first); a node whose type `isScope` says opens one is
 * pushed after its visit and popped when the walk leaves it.
 */
export function walkWithScopes(root: Node, isScope: (type: string) => boolean, visit: (type: string, cursor: TreeCursor, scopes: number[]) => void): void {
  const cursor = root.walk();
  const scopes: number[] = [root.id];
  try {
    for (;;) {
      const type = cursor.nodeType;
      visit(type, cursor, scopes);
      if (isScope(type)) scopes.push(cursor.nodeId);
      if (cursor.gotoFirstChild()) continue;
      if (scopes[scopes.length - 1] === cursor.nodeId) scopes.pop();
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) return;
        if (scopes[scopes.length - 1] === cursor.nodeId) scopes.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}
