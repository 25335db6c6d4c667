// The JavaScript/TypeScript reader: one cursor walk over the syntax tree collects the names a
// scope declares (imports, requires, `const x = …`), the exported handlers and every call
// expression; then each call is classified by what its callee resolves to (an SDK client, a
// command, an HTTP library) and the loops around it are read off its ancestors.
import type { Node, Tree } from 'web-tree-sitter';
import {
  documentClientOperation,
  libDynamoDbOperation,
  operationOfMethod,
  serviceOfV2Class,
  serviceOfV3Package,
} from './awsServiceNames';
import type { ServiceName } from './awsServiceNames';
import { hostOfHostOption, hostOfUrlHead, memberOf, oneLineText, plainModule, ScopeTable, spanOf, walkWithScopes } from './syntaxScopes';
import type { Binding, CodeValue } from './syntaxScopes';
import type { CallSite, CodeLanguage, CodeOutline, HandlerDef, LoopInfo } from './types';

const FUNCTION_TYPES = new Set([
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
  'generator_function',
]);
const ARRAY_METHODS = new Set(['map', 'forEach', 'flatMap', 'filter', 'reduce', 'some', 'every']);
const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request']);
const LITERAL_TYPES = new Set(['string', 'number', 'template_string', 'true', 'false', 'null', 'undefined', 'regex', 'array', 'object']);
/** Client methods that make no request of their own. */
const NOT_CALLS = new Set(['send', 'destroy', 'promise', 'on', 'config', 'middlewareStack', 'getSignedUrl', 'getSignedUrlPromise', 'createPresignedPost', 'createSet', 'then']);
const MAX_DEPTH = 12;

interface ExportEntry {
  name: string;
  /** The local name the export refers to, when it refers to one. */
  local?: string;
  /** Where the lens sits when the local definition is not found. */
  fallback: Node;
}

class JsReader {
  private readonly scopes = new ScopeTable();
  private readonly topDefs = new Map<string, Node>();
  private readonly exports: ExportEntry[] = [];
  private readonly callNodes: Node[] = [];
  private readonly reduceAwaits = new Map<number, boolean>();

  constructor(
    private readonly root: Node,
    private readonly file: string,
  ) {}

  read(): { handlers: HandlerDef[]; calls: CallSite[] } {
    this.walk();
    const handlers: HandlerDef[] = [];
    const seen = new Set<string>();
    for (const e of this.exports) {
      if (seen.has(e.name)) continue;
      seen.add(e.name);
      const at = (e.local !== undefined ? this.topDefs.get(e.local) : undefined) ?? e.fallback;
      handlers.push({ name: e.name, span: spanOf(at, this.file) });
    }
    const calls: Array<{ at: number; call: CallSite }> = [];
    for (const node of this.callNodes) {
      const call = this.classify(node);
      if (call) calls.push(call);
    }
    calls.sort((a, b) => a.at - b.at);
    return { handlers, calls: calls.map((c) => c.call) };
  }

  // ---- the walk -------------------------------------------------------------------------------

  private walk(): void {
    walkWithScopes(
      this.root,
      (type) => FUNCTION_TYPES.has(type),
      (type, cursor, scopeStack) => {
        if (type === 'call_expression') this.callNodes.push(cursor.currentNode);
        else if (type === 'variable_declarator') this.declarator(cursor.currentNode, scopeStack);
        else if (type === 'import_statement') this.importStatement(cursor.currentNode);
        else if (type === 'assignment_expression') this.assignment(cursor.currentNode);
        else if (type === 'export_statement') this.exportStatement(cursor.currentNode);
        else if (type === 'function_declaration' && scopeStack.length === 1) {
          const name = cursor.currentNode.childForFieldName('name');
          if (name) this.topDefs.set(name.text, name);
        }
      },
    );
  }

  private declarator(node: Node, scopeStack: number[]): void {
    const name = node.childForFieldName('name');
    const value = node.childForFieldName('value');
    if (!name) return;
    const scope = scopeStack[scopeStack.length - 1]!;
    if (name.type === 'identifier') {
      if (scopeStack.length === 1) this.topDefs.set(name.text, name);
      if (value) this.scopes.declare(scope, name.text, { start: node.startIndex, node: value, path: [] });
      return;
    }
    if (name.type === 'object_pattern' && value) {
      for (const p of name.namedChildren) {
        if (!p) continue;
        if (p.type === 'shorthand_property_identifier_pattern') {
          this.scopes.declare(scope, p.text, { start: node.startIndex, node: value, path: [p.text] });
        } else if (p.type === 'pair_pattern') {
          const key = p.childForFieldName('key');
          const local = p.childForFieldName('value');
          if (key && local?.type === 'identifier') this.scopes.declare(scope, local.text, { start: node.startIndex, node: value, path: [key.text] });
        } else if (p.type === 'object_assignment_pattern') {
          const left = p.childForFieldName('left');
          if (left) this.scopes.declare(scope, left.text, { start: node.startIndex, node: value, path: [left.text] });
        }
      }
    }
  }

  private importStatement(node: Node): void {
    const source = node.childForFieldName('source');
    if (!source) return;
    // `import type { … }` brings no value.
    if (node.children.some((c) => c?.type === 'type')) return;
    const written = stringValue(source);
    if (written === undefined) return;
    const module = plainModule(written);
    const scope = this.root.id;
    const start = node.startIndex;
    for (const clause of node.namedChildren) {
      if (clause?.type !== 'import_clause') continue;
      for (const part of clause.namedChildren) {
        if (!part) continue;
        if (part.type === 'identifier') {
          // A default import: CommonJS interop makes it the module itself for the libraries read here.
          this.scopes.declare(scope, part.text, { start, value: { kind: 'module', module, path: [] } });
        } else if (part.type === 'namespace_import') {
          const id = part.namedChildren.find((c) => c?.type === 'identifier');
          if (id) this.scopes.declare(scope, id.text, { start, value: { kind: 'module', module, path: [] } });
        } else if (part.type === 'named_imports') {
          for (const spec of part.namedChildren) {
            if (spec?.type !== 'import_specifier') continue;
            const name = spec.childForFieldName('name');
            const alias = spec.childForFieldName('alias') ?? name;
            if (name && alias) this.scopes.declare(scope, alias.text, { start, value: { kind: 'module', module, path: [name.text] } });
          }
        }
      }
    }
  }

  private assignment(node: Node): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return;
    if (left.type === 'identifier') {
      this.scopes.assign(left.text, { start: node.startIndex, node: right, path: [] });
      return;
    }
    if (left.type !== 'member_expression') return;
    const object = left.childForFieldName('object');
    const property = left.childForFieldName('property');
    if (!object || !property) return;
    const leftText = left.text;
    if (leftText === 'module.exports') {
      if (right.type === 'object') this.exportObject(right);
      return;
    }
    if (object.text === 'exports' || object.text === 'module.exports') {
      if (LITERAL_TYPES.has(right.type) || this.isLiteralName(right)) return;
      this.exports.push({ name: property.text, fallback: property });
    }
  }

  /** An identifier whose top-level definition is a literal (`exports.TABLE = TABLE`). */
  private isLiteralName(node: Node): boolean {
    if (node.type !== 'identifier') return false;
    const def = this.topDefs.get(node.text);
    const value = def?.parent?.childForFieldName('value');
    return value !== null && value !== undefined && LITERAL_TYPES.has(value.type);
  }

  private exportObject(object: Node): void {
    for (const p of object.namedChildren) {
      if (!p) continue;
      if (p.type === 'shorthand_property_identifier') this.exports.push({ name: p.text, local: p.text, fallback: p });
      else if (p.type === 'pair') {
        const key = p.childForFieldName('key');
        const value = p.childForFieldName('value');
        if (!key || !value || LITERAL_TYPES.has(value.type)) continue;
        const name = key.type === 'string' ? stringValue(key) : key.text;
        if (name === undefined) continue;
        if (value.type === 'identifier') this.exports.push({ name, local: value.text, fallback: key });
        else this.exports.push({ name, fallback: key });
      } else if (p.type === 'method_definition') {
        const name = p.childForFieldName('name');
        if (name) this.exports.push({ name: name.text, fallback: name });
      }
    }
  }

  private exportStatement(node: Node): void {
    const isDefault = node.children.some((c) => c?.type === 'default');
    const declaration = isDefault ? null : node.childForFieldName('declaration');
    if (declaration) {
      if (declaration.type === 'function_declaration' || declaration.type === 'generator_function_declaration') {
        const name = declaration.childForFieldName('name');
        if (name) this.exports.push({ name: name.text, fallback: name });
      } else if (declaration.type === 'lexical_declaration' || declaration.type === 'variable_declaration') {
        for (const d of declaration.namedChildren) {
          const name = d?.type === 'variable_declarator' ? d.childForFieldName('name') : null;
          const value = d?.childForFieldName('value');
          if (name?.type === 'identifier' && !(value && LITERAL_TYPES.has(value.type))) this.exports.push({ name: name.text, fallback: name });
        }
      }
      return;
    }
    if (isDefault) {
      const value = node.childForFieldName('value') ?? node.childForFieldName('declaration');
      const keyword = node.children.find((c) => c?.type === 'default')!;
      if (value?.type === 'identifier') this.exports.push({ name: 'default', local: value.text, fallback: keyword });
      else {
        const named = value?.childForFieldName('name');
        this.exports.push({ name: 'default', fallback: named ?? keyword });
      }
      return;
    }
    const fromOtherModule = node.childForFieldName('source') !== null;
    for (const clause of node.namedChildren) {
      if (clause?.type !== 'export_clause') continue;
      for (const spec of clause.namedChildren) {
        if (spec?.type !== 'export_specifier') continue;
        const name = spec.childForFieldName('name');
        const alias = spec.childForFieldName('alias');
        if (!name) continue;
        const exported = (alias ?? name).text;
        this.exports.push(fromOtherModule ? { name: exported, fallback: alias ?? name } : { name: exported, local: name.text, fallback: alias ?? name });
      }
    }
  }

  // ---- values ---------------------------------------------------------------------------------

  private scopeIdsOf(node: Node): number[] {
    const ids: number[] = [];
    for (let p = node.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) ids.push(p.id);
    ids.push(this.root.id);
    return ids;
  }

  private bindingsOf(identifier: Node): Binding[] {
    return this.scopes.lookup(identifier.text, this.scopeIdsOf(identifier), identifier.startIndex);
  }

  private valueOfBinding(b: Binding, depth: number): CodeValue | undefined {
    return 'value' in b ? b.value : memberOf(this.valueOf(b.node, depth + 1), b.path);
  }

  private valueOf(node: Node, depth = 0): CodeValue | undefined {
    if (depth > MAX_DEPTH) return undefined;
    switch (node.type) {
      case 'identifier': {
        const bindings = this.bindingsOf(node);
        for (const b of bindings) {
          const v = this.valueOfBinding(b, depth);
          if (v) return v;
        }
        return bindings.length === 0 && node.text === 'fetch' ? { kind: 'global', name: 'fetch' } : undefined;
      }
      case 'parenthesized_expression':
      case 'await_expression':
      case 'as_expression':
      case 'satisfies_expression':
      case 'non_null_expression':
      case 'type_assertion': {
        const inner = node.namedChildren.find((c) => c !== null && !c.type.startsWith('type') && c.type !== 'predefined_type' && c.type !== 'generic_type');
        return inner ? this.valueOf(inner, depth + 1) : undefined;
      }
      case 'binary_expression': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        return (left ? this.valueOf(left, depth + 1) : undefined) ?? (right ? this.valueOf(right, depth + 1) : undefined);
      }
      case 'member_expression': {
        const object = node.childForFieldName('object');
        const property = node.childForFieldName('property');
        if (!object || !property) return undefined;
        return memberOf(this.valueOf(object, depth + 1), [property.text]);
      }
      case 'new_expression':
        return this.valueOfNew(node, depth);
      case 'call_expression':
        return this.valueOfCall(node, depth);
      default:
        return undefined;
    }
  }

  private valueOfNew(node: Node, depth: number): CodeValue | undefined {
    const ctor = node.childForFieldName('constructor');
    const v = ctor ? this.valueOf(ctor, depth + 1) : undefined;
    if (v?.kind !== 'module') return undefined;
    const module = v.module;
    const name = v.path[v.path.length - 1];
    if (module === '@aws-sdk/lib-dynamodb') {
      if (!name) return undefined;
      const operation = libDynamoDbOperation(name);
      const dynamo: ServiceName = { service: 'DynamoDB', subsegmentName: 'DynamoDB' };
      if (operation) return { kind: 'command', service: dynamo, operation };
      if (name === 'DynamoDBDocumentClient') return { kind: 'client', client: 'v3', service: dynamo };
      if (name === 'DynamoDBDocument') return { kind: 'client', client: 'v3-document', service: dynamo };
      return undefined;
    }
    if (module.startsWith('@aws-sdk/client-')) {
      if (!name || v.path.length !== 1) return undefined;
      const service = serviceOfV3Package(module, this.clientClassOf(module));
      if (!service) return undefined;
      if (name.endsWith('Command')) return { kind: 'command', service, operation: name.slice(0, -'Command'.length) };
      if (name.endsWith('Client')) return { kind: 'client', client: 'v3', service: serviceOfV3Package(module, name) ?? service };
      return { kind: 'client', client: 'v3-aggregated', service };
    }
    if (module === 'aws-sdk') {
      if (v.path.length === 1) return { kind: 'client', client: 'v2', service: serviceOfV2Class(v.path[0]!) };
      if (v.path.length === 2 && v.path[0] === 'DynamoDB' && v.path[1] === 'DocumentClient')
        return { kind: 'client', client: 'v2-document', service: serviceOfV2Class('DynamoDB') };
      return undefined;
    }
    if (module.startsWith('aws-sdk/clients/')) {
      const cls = module.slice('aws-sdk/clients/'.length);
      if (v.path.length === 0) return { kind: 'client', client: 'v2', service: serviceOfV2Class(cls) };
      if (v.path.length === 1 && v.path[0] === 'DocumentClient') return { kind: 'client', client: 'v2-document', service: serviceOfV2Class(cls) };
      return undefined;
    }
    if (module === 'undici' && (name === 'Client' || name === 'Pool')) {
      const arg = argumentsOf(node)[0];
      return { kind: 'client', client: 'undici', host: arg ? this.hostOf(arg, depth + 1) : undefined };
    }
    return undefined;
  }

  /** The `…Client` class a file imports from a v3 package: the name X-Ray strips `Client` off. */
  private clientClassOf(module: string): string | undefined {
    return this.v3ClientClasses().get(module);
  }

  private v3Classes: Map<string, string> | undefined;
  private v3ClientClasses(): Map<string, string> {
    if (this.v3Classes) return this.v3Classes;
    this.v3Classes = new Map();
    for (const b of this.scopes.bindingsIn(this.root.id)) {
      // Imports and `require` destructuring only: evaluating a `new` here would ask for this table.
      if (!('value' in b) && b.node.type !== 'call_expression') continue;
      const v = this.valueOfBinding(b, MAX_DEPTH - 3);
      const cls = v?.kind === 'module' && v.path.length === 1 ? v.path[0]! : '';
      if (v?.kind === 'module' && v.module.startsWith('@aws-sdk/client-') && cls.endsWith('Client')) this.v3Classes.set(v.module, cls);
    }
    return this.v3Classes;
  }

  private valueOfCall(node: Node, depth: number): CodeValue | undefined {
    const callee = node.childForFieldName('function');
    const args = argumentsOf(node);
    if (!callee) return undefined;
    if ((callee.type === 'identifier' && callee.text === 'require') || callee.type === 'import') {
      const module = args[0] ? stringValue(args[0]) : undefined;
      return module === undefined ? undefined : { kind: 'module', module: plainModule(module), path: [] };
    }
    const method = callee.type === 'member_expression' ? callee.childForFieldName('property')?.text : callee.type === 'identifier' ? callee.text : undefined;
    // X-Ray and Powertools wrappers hand back the client they were given.
    if (method && /^capture/.test(method)) return args[0] ? this.valueOf(args[0], depth + 1) : undefined;
    if (callee.type !== 'member_expression') return undefined;
    const object = callee.childForFieldName('object');
    const of = object ? this.valueOf(object, depth + 1) : undefined;
    if (of?.kind !== 'module') return undefined;
    const last = of.path[of.path.length - 1];
    if (method === 'from' && of.module === '@aws-sdk/lib-dynamodb') {
      const dynamo: ServiceName = { service: 'DynamoDB', subsegmentName: 'DynamoDB' };
      if (last === 'DynamoDBDocument') return { kind: 'client', client: 'v3-document', service: dynamo };
      if (last === 'DynamoDBDocumentClient') return { kind: 'client', client: 'v3', service: dynamo };
    }
    if (of.path.length === 0 && of.module === 'axios' && method === 'create')
      return { kind: 'client', client: 'axios', host: args[0] ? this.hostOfOptions(args[0], ['baseURL'], depth + 1) : undefined };
    if (of.path.length === 0 && of.module === 'got' && method === 'extend')
      return { kind: 'client', client: 'got', host: args[0] ? this.hostOfOptions(args[0], ['prefixUrl'], depth + 1) : undefined };
    return undefined;
  }

  // ---- hosts ----------------------------------------------------------------------------------

  /** The host of a URL expression: a literal, a template literal with a literal host, a named constant. */
  private hostOf(node: Node, depth = 0): string | undefined {
    if (depth > MAX_DEPTH) return undefined;
    switch (node.type) {
      case 'string': {
        const s = stringValue(node);
        return s === undefined ? undefined : hostOfUrlHead(s, true);
      }
      case 'template_string': {
        const text = node.text;
        const sub = text.indexOf('${');
        return hostOfUrlHead(text.slice(1, sub < 0 ? -1 : sub), sub < 0);
      }
      case 'binary_expression': {
        const left = node.childForFieldName('left');
        return left?.type === 'string' ? hostOfUrlHead(stringValue(left) ?? '', false) : left ? this.hostOf(left, depth + 1) : undefined;
      }
      case 'identifier': {
        for (const b of this.bindingsOf(node)) if (!('value' in b) && b.path.length === 0) return this.hostOf(b.node, depth + 1);
        return undefined;
      }
      case 'new_expression': {
        // new URL('https://…') or new URL(path, 'https://…')
        const args = argumentsOf(node);
        const base = args[1] ?? args[0];
        return node.childForFieldName('constructor')?.text === 'URL' && base ? this.hostOf(base, depth + 1) : undefined;
      }
      case 'object':
        return this.hostOfOptions(node, ['url'], depth + 1);
      default:
        return undefined;
    }
  }

  /** An options object's host: `hostname`/`host` as a bare name, or one of `urlKeys` as a URL. */
  private hostOfOptions(node: Node, urlKeys: string[], depth: number): string | undefined {
    if (node.type !== 'object') return this.hostOf(node, depth);
    for (const p of node.namedChildren) {
      if (p?.type !== 'pair') continue;
      const key = p.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '');
      const value = p.childForFieldName('value');
      if (!key || !value) continue;
      if ((key === 'hostname' || key === 'host') && value.type === 'string') {
        const s = stringValue(value);
        const h = s === undefined ? undefined : hostOfHostOption(s);
        if (h) return h;
      }
      if (urlKeys.includes(key)) {
        const h = this.hostOf(value, depth + 1);
        if (h) return h;
      }
    }
    return undefined;
  }

  // ---- calls ----------------------------------------------------------------------------------

  private classify(node: Node): { at: number; call: CallSite } | undefined {
    const found = this.whatCalls(node);
    if (!found) return undefined;
    let callNode = node;
    if (found.library === 'aws-sdk-v2') {
      // `client.getItem(p).promise()`: the call site is the whole chain.
      const member = node.parent;
      if (member?.type === 'member_expression' && member.childForFieldName('property')?.text === 'promise' && member.parent?.type === 'call_expression') {
        callNode = member.parent;
      }
    }
    const call: CallSite = {
      kind: found.kind,
      library: found.library,
      span: spanOf(callNode, this.file),
      loops: this.loopsAround(callNode),
      text: oneLineText(callNode),
    };
    if (found.service) {
      call.service = found.service.service;
      call.subsegmentName = found.service.subsegmentName;
    }
    if (found.operation) call.operation = found.operation;
    if (found.host) call.host = found.host;
    return { at: callNode.startIndex, call };
  }

  private whatCalls(node: Node): Found | undefined {
    const callee = node.childForFieldName('function');
    if (!callee) return undefined;
    const args = argumentsOf(node);
    if (callee.type === 'member_expression') {
      const object = callee.childForFieldName('object');
      const method = callee.childForFieldName('property')?.text;
      if (!object || !method) return undefined;
      if (method === 'send' && args[0]) {
        const command = this.valueOf(args[0]);
        if (command?.kind === 'command') return { kind: 'aws', library: 'aws-sdk-v3', service: command.service, operation: command.operation };
      }
      const of = this.valueOf(object);
      if (!of) return undefined;
      if (of.kind === 'client') return this.clientMethod(of, method, args);
      if (of.kind === 'module') return this.moduleFunction({ kind: 'module', module: of.module, path: [...of.path, method] }, args);
      return undefined;
    }
    const v = this.valueOf(callee);
    if (!v) return undefined;
    if (v.kind === 'global' && v.name === 'fetch') return { kind: 'http', library: 'fetch', host: this.urlArgHost(args[0]) };
    if (v.kind === 'module') return this.moduleFunction(v, args);
    if (v.kind === 'client' && (v.client === 'axios' || v.client === 'got')) {
      return { kind: 'http', library: v.client, host: this.urlArgHost(args[0], ['url']) ?? v.host };
    }
    return undefined;
  }

  private urlArgHost(arg: Node | undefined, urlKeys: string[] = ['url']): string | undefined {
    return arg ? this.hostOfOptions(arg, urlKeys, 0) : undefined;
  }

  private clientMethod(of: Extract<CodeValue, { kind: 'client' }>, method: string, args: Node[]): Found | undefined {
    switch (of.client) {
      case 'v3-aggregated':
      case 'v2':
        if (NOT_CALLS.has(method)) return undefined;
        return { kind: 'aws', library: of.client === 'v2' ? 'aws-sdk-v2' : 'aws-sdk-v3', service: of.service, operation: operationOfMethod(method) };
      case 'v3-document':
      case 'v2-document': {
        const operation = documentClientOperation(method);
        return operation ? { kind: 'aws', library: of.client === 'v2-document' ? 'aws-sdk-v2' : 'aws-sdk-v3', service: of.service, operation } : undefined;
      }
      case 'axios':
      case 'got':
        return HTTP_METHODS.has(method) ? { kind: 'http', library: of.client, host: this.urlArgHost(args[0]) ?? of.host } : undefined;
      case 'undici':
        return method === 'request' || method === 'stream' ? { kind: 'http', library: 'undici', host: of.host } : undefined;
      default:
        return undefined;
    }
  }

  /** A function reached from a module: `axios.get`, `https.request`, `undici.fetch`, `got`. */
  private moduleFunction(v: Extract<CodeValue, { kind: 'module' }>, args: Node[]): Found | undefined {
    const module = v.module;
    const path = v.path;
    const fn = path.length === 0 ? '' : path[path.length - 1]!;
    if (module === 'axios' || module === 'got') {
      if (path.length === 0 || (path.length === 1 && (HTTP_METHODS.has(fn) || (module === 'got' && fn === 'stream'))))
        return { kind: 'http', library: module, host: this.urlArgHost(args[0]) };
      return undefined;
    }
    if (module === 'node-fetch' || module === 'cross-fetch') return path.length === 0 || fn === 'default' ? { kind: 'http', library: 'fetch', host: this.urlArgHost(args[0]) } : undefined;
    if (module === 'undici') return path.length === 1 && (fn === 'request' || fn === 'fetch' || fn === 'stream') ? { kind: 'http', library: 'undici', host: this.urlArgHost(args[0]) } : undefined;
    if (module === 'https' || module === 'http') return path.length === 1 && (fn === 'request' || fn === 'get') ? { kind: 'http', library: 'https', host: this.urlArgHost(args[0]) } : undefined;
    return undefined;
  }

  // ---- loops ----------------------------------------------------------------------------------

  /** The loops around a call inside its function, innermost first; array callbacks are crossed. */
  private loopsAround(call: Node): LoopInfo[] {
    const loops: LoopInfo[] = [];
    let child = call;
    let awaited = false;
    for (let p = call.parent; p; child = p, p = p.parent) {
      const type = p.type;
      if (type === 'await_expression') awaited = true;
      else if (FUNCTION_TYPES.has(type)) {
        const outer = arrayMethodCallOf(p);
        if (!outer) break;
        loops.push({
          kind: 'array-callback',
          sequential: outer.method === 'reduce' && this.awaitsAccumulator(p),
          span: spanOf(outer.call, this.file),
        });
        // The callback's own awaits do not make an enclosing loop wait.
        awaited = false;
        child = outer.call;
        p = outer.call;
        continue;
      } else if (type === 'for_statement' || type === 'for_in_statement' || type === 'while_statement' || type === 'do_statement') {
        if (!inLoopTurn(p, child)) continue;
        const forAwait = type === 'for_in_statement' && p.children.some((c) => c?.type === 'await');
        loops.push({
          kind: type === 'while_statement' || type === 'do_statement' ? 'while' : 'for',
          sequential: awaited || forAwait,
          span: spanOf(p, this.file),
        });
      }
    }
    return loops;
  }

  /** `xs.reduce(async (acc, x) => { await acc; … })`: each turn waits for the one before. */
  private awaitsAccumulator(fn: Node): boolean {
    const cached = this.reduceAwaits.get(fn.id);
    if (cached !== undefined) return cached;
    const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
    const first = params?.type === 'identifier' ? params : params?.namedChildren[0];
    const accName = first?.type === 'required_parameter' ? first.childForFieldName('pattern')?.text : first?.text;
    let result = false;
    if (accName) {
      for (const a of fn.descendantsOfType('await_expression')) {
        const arg = a?.namedChildren[0];
        if (arg?.type === 'identifier' && arg.text === accName) {
          result = true;
          break;
        }
      }
    }
    this.reduceAwaits.set(fn.id, result);
    return result;
  }
}

interface Found {
  kind: 'aws' | 'http';
  library: string;
  service?: ServiceName | undefined;
  operation?: string;
  host?: string | undefined;
}

function argumentsOf(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  if (!args || args.type !== 'arguments') return [];
  return args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** A string literal's value (escapes left as written: enough for module names and URLs). */
function stringValue(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  const t = node.text;
  return t.length >= 2 ? t.slice(1, -1) : undefined;
}

/** The array-method call (`xs.map(fn)`) a function is the callback of. */
function arrayMethodCallOf(fn: Node): { call: Node; method: string } | undefined {
  const args = fn.parent;
  const call = args?.parent;
  if (args?.type !== 'arguments' || call?.type !== 'call_expression') return undefined;
  const callee = call.childForFieldName('function');
  const method = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
  return method && ARRAY_METHODS.has(method) ? { call, method } : undefined;
}

/** Whether `child` of a loop runs once per turn (body, condition, update), not once (init, iterable). */
function inLoopTurn(loop: Node, child: Node): boolean {
  for (const field of ['body', 'condition', 'increment']) {
    const part = loop.childForFieldName(field);
    if (part && part.id === child.id) return true;
  }
  return false;
}

export function outlineJavaScript(tree: Tree, language: CodeLanguage, file: string): CodeOutline {
  const { handlers, calls } = new JsReader(tree.rootNode, file).read();
  return { language, handlers, calls };
}
