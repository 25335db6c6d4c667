// The Python reader: one cursor walk collects imports, assignments (`table = boto3.resource(…)
// .Table(…)`, `with httpx.Client() as c`), the top-level functions (each a possible handler) and
// every call; each call is then classified by what its callee resolves to (a boto3 client or
// table, requests, httpx, urllib3) and the loops and comprehensions around it read off its ancestors.
import type { Node, Tree } from 'web-tree-sitter';
import { operationOfMethod, serviceOfBoto3 } from './awsServiceNames';
import type { ServiceName } from './awsServiceNames';
import { hostOfUrlHead, memberOf, oneLineText, ScopeTable, spanOf, walkWithScopes } from './syntaxScopes';
import type { Binding, CodeValue } from './syntaxScopes';
import type { CallSite, CodeOutline, HandlerDef, LoopInfo } from './types';

const SCOPE_TYPES = new Set(['function_definition', 'lambda']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'stream']);
/** boto3 client methods that make no request of their own. */
const NOT_CALLS = new Set(['get_paginator', 'get_waiter', 'generate_presigned_url', 'generate_presigned_post', 'can_paginate', 'close']);
const TABLE_METHODS = new Set(['get_item', 'put_item', 'update_item', 'delete_item', 'query', 'scan']);
const MAX_DEPTH = 12;

interface Found {
  kind: 'aws' | 'http';
  library: string;
  service?: ServiceName | undefined;
  operation?: string;
  host?: string | undefined;
  /** The call returns a coroutine (httpx.AsyncClient): it waits only where awaited. */
  async?: boolean;
}

class PythonReader {
  private readonly scopes = new ScopeTable();
  private readonly handlers: HandlerDef[] = [];
  private readonly callNodes: Node[] = [];

  constructor(
    private readonly root: Node,
    private readonly file: string,
  ) {}

  read(): { handlers: HandlerDef[]; calls: CallSite[] } {
    this.walk();
    const calls: Array<{ at: number; call: CallSite }> = [];
    for (const node of this.callNodes) {
      const found = this.whatCalls(node);
      if (!found) continue;
      const call: CallSite = {
        kind: found.kind,
        library: found.library,
        span: spanOf(node, this.file),
        loops: this.loopsAround(node, found.async === true),
        text: oneLineText(node),
      };
      if (found.service) {
        call.service = found.service.service;
        call.subsegmentName = found.service.subsegmentName;
      }
      if (found.operation) call.operation = found.operation;
      if (found.host) call.host = found.host;
      calls.push({ at: node.startIndex, call });
    }
    calls.sort((a, b) => a.at - b.at);
    return { handlers: this.handlers, calls: calls.map((c) => c.call) };
  }

  private walk(): void {
    walkWithScopes(
      this.root,
      (type) => SCOPE_TYPES.has(type),
      (type, cursor, scopeStack) => {
        if (type === 'call') this.callNodes.push(cursor.currentNode);
        else if (type === 'assignment') this.assignment(cursor.currentNode, scopeStack);
        else if (type === 'import_statement' || type === 'import_from_statement') this.importStatement(cursor.currentNode, scopeStack);
        else if (type === 'as_pattern') this.withAlias(cursor.currentNode, scopeStack);
        else if (type === 'function_definition' && scopeStack.length === 1) this.topLevelFunction(cursor.currentNode);
      },
    );
  }

  /** A function at module level (decorated or not; not a method): each is a possible handler. */
  private topLevelFunction(node: Node): void {
    const parent = node.parent?.type === 'decorated_definition' ? node.parent.parent : node.parent;
    const name = node.childForFieldName('name');
    if (parent?.type === 'module' && name) this.handlers.push({ name: name.text, span: spanOf(name, this.file) });
  }

  private assignment(node: Node, scopeStack: number[]): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return;
    const binding: Binding = { start: node.startIndex, node: right, path: [] };
    if (left.type === 'identifier') this.scopes.declare(scopeStack[scopeStack.length - 1]!, left.text, binding);
    // `self.table = …` in `__init__`, used as `self.table` in the methods.
    else if (left.type === 'attribute' && left.childForFieldName('object')?.text === 'self') this.scopes.assign(left.text, binding);
  }

  private withAlias(node: Node, scopeStack: number[]): void {
    const value = node.namedChildren[0];
    const target = node.childForFieldName('alias')?.namedChildren[0];
    if (value && target?.type === 'identifier') this.scopes.declare(scopeStack[scopeStack.length - 1]!, target.text, { start: node.startIndex, node: value, path: [] });
  }

  private importStatement(node: Node, scopeStack: number[]): void {
    const scope = scopeStack[scopeStack.length - 1]!;
    const start = node.startIndex;
    const from = node.type === 'import_from_statement' ? node.childForFieldName('module_name')?.text : undefined;
    if (node.type === 'import_from_statement' && !from) return;
    for (const n of node.childrenForFieldName('name')) {
      if (!n) continue;
      const dotted = n.type === 'aliased_import' ? n.childForFieldName('name') : n;
      const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : undefined;
      if (!dotted) continue;
      const name = dotted.text;
      if (from !== undefined) {
        this.scopes.declare(scope, alias ?? name, { start, value: { kind: 'module', module: from, path: [name] } });
      } else if (alias) {
        this.scopes.declare(scope, alias, { start, value: { kind: 'module', module: name, path: [] } });
      } else {
        // `import boto3.session` binds `boto3`.
        const head = name.split('.')[0]!;
        this.scopes.declare(scope, head, { start, value: { kind: 'module', module: head, path: [] } });
      }
    }
  }

  // ---- values ---------------------------------------------------------------------------------

  private bindingsOf(identifier: Node, name = identifier.text): Binding[] {
    const ids: number[] = [];
    for (let p = identifier.parent; p; p = p.parent) if (SCOPE_TYPES.has(p.type)) ids.push(p.id);
    ids.push(this.root.id);
    return this.scopes.lookup(name, ids, identifier.startIndex);
  }

  private valueOf(node: Node, depth = 0): CodeValue | undefined {
    if (depth > MAX_DEPTH) return undefined;
    switch (node.type) {
      case 'identifier': {
        for (const b of this.bindingsOf(node)) {
          const v = 'value' in b ? b.value : memberOf(this.valueOf(b.node, depth + 1), b.path);
          if (v) return v;
        }
        return undefined;
      }
      case 'parenthesized_expression':
      case 'await': {
        const inner = node.namedChildren[0];
        return inner ? this.valueOf(inner, depth + 1) : undefined;
      }
      case 'attribute': {
        const object = node.childForFieldName('object');
        const attr = node.childForFieldName('attribute');
        if (!object || !attr) return undefined;
        if (object.text === 'self') {
          for (const b of this.bindingsOf(node, node.text)) {
            const v = 'value' in b ? b.value : this.valueOf(b.node, depth + 1);
            if (v) return v;
          }
          return undefined;
        }
        return memberOf(this.valueOf(object, depth + 1), [attr.text]);
      }
      case 'call':
        return this.valueOfCall(node, depth);
      default:
        return undefined;
    }
  }

  private valueOfCall(node: Node, depth: number): CodeValue | undefined {
    const callee = node.childForFieldName('function');
    if (!callee) return undefined;
    let of: CodeValue | undefined;
    let method: string | undefined;
    if (callee.type === 'attribute') {
      const object = callee.childForFieldName('object');
      method = callee.childForFieldName('attribute')?.text;
      of = object ? this.valueOf(object, depth + 1) : undefined;
      if (of?.kind === 'module' && method) {
        of = { kind: 'module', module: of.module, path: [...of.path, method] };
        method = undefined;
      }
    } else {
      of = this.valueOf(callee, depth + 1);
    }
    if (!of) return undefined;
    if (of.kind === 'module') {
      const fn = [of.module, ...of.path].join('.');
      if (fn === 'boto3.client' || fn === 'boto3.session.Session.client') return this.boto3Client('boto3-client', node);
      if (fn === 'boto3.resource') return this.boto3Client('boto3-resource', node);
      if (fn === 'boto3.Session' || fn === 'boto3.session.Session') return { kind: 'client', client: 'boto3-session' };
      if (fn === 'httpx.Client' || fn === 'httpx.AsyncClient')
        return { kind: 'client', client: 'httpx', async: fn === 'httpx.AsyncClient', host: this.keywordHost(node, 'base_url') };
      if (fn === 'requests.Session' || fn === 'requests.session') return { kind: 'client', client: 'requests' };
      if (fn === 'urllib3.PoolManager') return { kind: 'client', client: 'urllib3' };
      return undefined;
    }
    if (of.kind !== 'client' || !method) return undefined;
    if (of.client === 'boto3-session' && (method === 'client' || method === 'resource')) return this.boto3Client(method === 'client' ? 'boto3-client' : 'boto3-resource', node);
    if (of.client === 'boto3-resource' && method === 'Table') return { kind: 'client', client: 'boto3-table', service: of.service };
    return undefined;
  }

  private boto3Client(client: 'boto3-client' | 'boto3-resource', call: Node): CodeValue | undefined {
    const arg = positional(call)[0] ?? keyword(call, 'service_name');
    const name = arg ? pythonString(arg) : undefined;
    if (name === undefined || name.dynamic) return { kind: 'client', client };
    return { kind: 'client', client, service: serviceOfBoto3(name.head) };
  }

  // ---- hosts ----------------------------------------------------------------------------------

  private hostOf(node: Node | undefined, depth = 0): string | undefined {
    if (!node || depth > MAX_DEPTH) return undefined;
    if (node.type === 'string') {
      const s = pythonString(node);
      return s ? hostOfUrlHead(s.head, !s.dynamic) : undefined;
    }
    if (node.type === 'binary_operator') {
      const left = node.childForFieldName('left');
      if (left?.type === 'string') {
        const s = pythonString(left);
        return s ? hostOfUrlHead(s.head, false) : undefined;
      }
      return this.hostOf(left ?? undefined, depth + 1);
    }
    if (node.type === 'identifier') {
      for (const b of this.bindingsOf(node)) if (!('value' in b)) return this.hostOf(b.node, depth + 1);
    }
    return undefined;
  }

  private keywordHost(call: Node, name: string): string | undefined {
    return this.hostOf(keyword(call, name));
  }

  // ---- calls ----------------------------------------------------------------------------------

  private whatCalls(node: Node): Found | undefined {
    const callee = node.childForFieldName('function');
    if (!callee) return undefined;
    if (callee.type === 'attribute') {
      const object = callee.childForFieldName('object');
      const method = callee.childForFieldName('attribute')?.text;
      if (!object || !method) return undefined;
      const of = this.valueOf(object);
      if (of?.kind === 'client') return this.clientMethod(of, method, node);
      if (of?.kind === 'module') return this.moduleFunction(of.module, [...of.path, method], node);
      return undefined;
    }
    const v = this.valueOf(callee);
    return v?.kind === 'module' ? this.moduleFunction(v.module, v.path, node) : undefined;
  }

  private clientMethod(of: Extract<CodeValue, { kind: 'client' }>, method: string, call: Node): Found | undefined {
    switch (of.client) {
      case 'boto3-client':
        if (NOT_CALLS.has(method) || !of.service) return undefined;
        return { kind: 'aws', library: 'boto3', service: of.service, operation: operationOfMethod(method) };
      case 'boto3-table':
        if (TABLE_METHODS.has(method)) return { kind: 'aws', library: 'boto3', service: serviceOfBoto3('dynamodb'), operation: operationOfMethod(method) };
        // The batch writer sends BatchWriteItem calls as it fills and when its `with` block ends.
        if (method === 'batch_writer') return { kind: 'aws', library: 'boto3', service: serviceOfBoto3('dynamodb'), operation: 'BatchWriteItem' };
        return undefined;
      case 'boto3-resource':
        if (of.service?.service === 'DynamoDB' && (method === 'batch_get_item' || method === 'batch_write_item'))
          return { kind: 'aws', library: 'boto3', service: of.service, operation: operationOfMethod(method) };
        return undefined;
      case 'requests':
      case 'httpx':
        if (!HTTP_METHODS.has(method)) return undefined;
        return { kind: 'http', library: of.client, host: this.urlHost(call, method === 'request' || method === 'stream' ? 1 : 0) ?? of.host, async: of.async === true };
      case 'urllib3':
        return method === 'request' || method === 'urlopen' ? { kind: 'http', library: 'urllib3', host: this.urlHost(call, 1) } : undefined;
      default:
        return undefined;
    }
  }

  private moduleFunction(module: string, path: string[], call: Node): Found | undefined {
    if (path.length !== 1) return undefined;
    const fn = path[0]!;
    if ((module === 'requests' || module === 'httpx') && HTTP_METHODS.has(fn) && fn !== 'stream')
      return { kind: 'http', library: module, host: this.urlHost(call, fn === 'request' ? 1 : 0) };
    if (module === 'urllib3' && fn === 'request') return { kind: 'http', library: 'urllib3', host: this.urlHost(call, 1) };
    return undefined;
  }

  /** The host of the URL argument: positional `index`, or the `url` keyword. */
  private urlHost(call: Node, index: number): string | undefined {
    return this.hostOf(positional(call)[index] ?? keyword(call, 'url'));
  }

  // ---- loops ----------------------------------------------------------------------------------

  private loopsAround(call: Node, async: boolean): LoopInfo[] {
    const loops: LoopInfo[] = [];
    let child = call;
    let awaited = false;
    for (let p = call.parent; p; child = p, p = p.parent) {
      const type = p.type;
      if (type === 'await') awaited = true;
      else if (type === 'function_definition') break;
      else if (type === 'lambda') {
        // `executor.map(lambda x: …, xs)` runs the turns together; builtin `map` runs them one by one.
        const outer = mapCallOf(p);
        if (!outer) break;
        loops.push({ kind: 'array-callback', sequential: outer.builtin, span: spanOf(outer.call, this.file) });
        awaited = false;
        child = outer.call;
        p = outer.call;
        continue;
      } else if (type === 'for_statement' || type === 'while_statement') {
        const body = p.childForFieldName('body');
        const condition = p.childForFieldName('condition');
        if (child.id !== body?.id && child.id !== condition?.id) continue;
        loops.push({ kind: type === 'for_statement' ? 'for' : 'while', sequential: !async || awaited, span: spanOf(p, this.file) });
      } else if (COMPREHENSIONS.has(type)) {
        // The first clause's iterable runs once; the body, conditions and further clauses per turn.
        const firstClause = p.namedChildren.find((c) => c?.type === 'for_in_clause');
        if (firstClause && child.id === firstClause.id) continue;
        loops.push({ kind: 'comprehension', sequential: !insideGather(p) && (!async || awaited), span: spanOf(p, this.file) });
      }
    }
    return loops;
  }
}

/** Positional arguments of a call (a bare generator argument counts as the first). */
function positional(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (!args) return [];
  if (args.type === 'generator_expression') return [args];
  return args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'keyword_argument' && c.type !== 'comment');
}

function keyword(call: Node, name: string): Node | undefined {
  const args = call.childForFieldName('arguments');
  for (const c of args?.namedChildren ?? []) {
    if (c?.type === 'keyword_argument' && c.childForFieldName('name')?.text === name) return c.childForFieldName('value') ?? undefined;
  }
  return undefined;
}

/** A string literal's text up to its first `{…}` (f-strings); `dynamic` when there was one. */
function pythonString(node: Node): { head: string; dynamic: boolean } | undefined {
  if (node.type !== 'string') return undefined;
  let head = '';
  for (const c of node.children) {
    if (!c) continue;
    if (c.type === 'string_content' || c.type === 'escape_sequence') head += c.text;
    else if (c.type === 'interpolation') return { head, dynamic: true };
  }
  return { head, dynamic: false };
}

/** `asyncio.gather(…)` (or `gather(…)`) around a comprehension, inside the same function. */
function insideGather(node: Node): boolean {
  for (let p = node.parent; p && !SCOPE_TYPES.has(p.type); p = p.parent) {
    if (p.type !== 'call') continue;
    const fn = p.childForFieldName('function')?.text ?? '';
    if (fn === 'gather' || fn.endsWith('.gather')) return true;
  }
  return false;
}

/** The `map(…)` call a lambda is the function argument of: builtin `map`, or an executor's `.map`. */
function mapCallOf(lambda: Node): { call: Node; builtin: boolean } | undefined {
  const args = lambda.parent;
  const call = args?.parent;
  if (args?.type !== 'argument_list' || call?.type !== 'call') return undefined;
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier' && fn.text === 'map') return { call, builtin: true };
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'map') return { call, builtin: false };
  return undefined;
}

export function outlinePython(tree: Tree, file: string): CodeOutline {
  const { handlers, calls } = new PythonReader(tree.rootNode, file).read();
  return { language: 'python', handlers, calls };
}
