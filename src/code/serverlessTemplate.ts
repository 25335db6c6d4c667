// The Serverless Framework's `serverless.yml` → functions: `<service>-<stage>-<key>` names,
// `provider.timeout` (6 s when unset) or the function's own, `http` (REST) and `httpApi` (HTTP
// API) events. Variables (`${opt:stage, 'dev'}`, `${self:custom.x}`, `${sls:stage}`) are resolved
// only as far as the file itself says; what depends on the command line or the environment and
// has no literal fallback stays unresolved and is reported where it is written.
import { dirname } from 'node:path';
import type { Node } from 'yaml';
import { isMap, isSeq } from 'yaml';
import type { FunctionDecl, TemplateIndex, TemplateProblem, TemplateRoute, TimeoutSetting } from './types';
import { entries, field, num, spanOf, text, type ParsedTemplate } from './templateNodes';
import { languageOfRuntime, lookupHandler } from './handlerFiles';
import { HTTP_API_DEFAULT_BUDGET_MS, REST_API_DEFAULT_BUDGET_MS } from '../core/budget';

/** The Serverless Framework's default function timeout, in seconds. */
export const SERVERLESS_DEFAULT_TIMEOUT_S = 6;
const DEFAULT_STAGE = 'dev';

interface ServerlessContext {
  root: string;
  fileExists: (path: string) => boolean;
}

interface Vars {
  t: ParsedTemplate;
  service?: string;
  stage?: string;
}

const VARIABLE = /\$\{([^{}]*)\}/;

/** Splits `a, 'b, c', d` on the commas outside quotes. */
function sources(inner: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (const ch of inner) {
    if (quote) {
      if (ch === quote) quote = '';
      cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      cur += ch;
    } else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** `self:custom.a.b` → the scalar at that path of the file, as text. */
function selfLookup(v: Vars, path: string): string | undefined {
  let node: Node | undefined = v.t.doc.contents ?? undefined;
  for (const part of path.split('.')) {
    if (!part) return undefined;
    node = field(v.t, node, part);
    if (node === undefined) return undefined;
  }
  return text(node);
}

/** A string with `${…}` variables → its value, or undefined when a variable cannot be known from the file. */
export function resolveServerlessVariables(value: string, v: Vars, depth = 0): string | undefined {
  let s = value;
  for (let round = 0; round < 16; round++) {
    const m = VARIABLE.exec(s);
    if (!m) return s;
    let resolved: string | undefined;
    for (const src of sources(m[1]!)) {
      const lit = /^'(.*)'$|^"(.*)"$/.exec(src);
      if (lit) resolved = lit[1] ?? lit[2] ?? '';
      else if (/^-?\d+(\.\d+)?$/.test(src)) resolved = src;
      else if (src === 'sls:stage' || src === 'self:provider.stage' || src === 'opt:stage') resolved = src === 'opt:stage' ? undefined : v.stage;
      else if (src === 'self:service' || src === 'self:service.name') resolved = v.service;
      else if (src.startsWith('self:') && depth < 5) {
        const raw = selfLookup(v, src.slice(5));
        resolved = raw === undefined ? undefined : resolveServerlessVariables(raw, v, depth + 1);
      }
      if (resolved !== undefined) break;
    }
    if (resolved === undefined) return undefined;
    s = s.slice(0, m.index) + resolved + s.slice(m.index + m[0].length);
  }
  return undefined;
}

function stageOf(t: ParsedTemplate, provider: Node | undefined, service: string | undefined): string {
  const raw = text(field(t, provider, 'stage'));
  if (raw === undefined) return DEFAULT_STAGE;
  return resolveServerlessVariables(raw, service !== undefined ? { t, service } : { t }) || DEFAULT_STAGE;
}

function timeoutValue(node: Node | undefined, v: Vars): number | undefined {
  const n = num(node);
  if (n !== undefined) return n;
  const s = text(node);
  if (s === undefined) return undefined;
  const r = resolveServerlessVariables(s, v);
  return r !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(r) ? Number(r) : undefined;
}

export function readServerless(t: ParsedTemplate, context: ServerlessContext): TemplateIndex {
  const root = t.doc.contents;
  const problems: TemplateProblem[] = [];
  const serviceNode = field(t, root, 'service');
  const serviceRaw = text(serviceNode) ?? text(field(t, serviceNode, 'name'));
  const provider = field(t, root, 'provider');
  const v0: Vars = { t };
  const service = serviceRaw !== undefined ? resolveServerlessVariables(serviceRaw, v0) : undefined;
  const stage = stageOf(t, provider, service);
  const v: Vars = { t, stage, ...(service !== undefined ? { service } : {}) };
  const dir = dirname(t.file);

  const unresolved = (node: Node | undefined, fallback: TimeoutSetting, what: string): void => {
    problems.push({
      code: 'unresolved-value',
      severity: 'information',
      message: `${what} \`${text(node) ?? '…'}\` depends on something outside this file (an option, the environment, another file): Timeout Lens uses ${fallback.seconds} s (${fallback.from === 'provider' ? 'provider.timeout' : 'the Serverless Framework default'}) instead.`,
      span: spanOf(t, node),
    });
  };

  const providerTimeoutNode = field(t, provider, 'timeout');
  const defaultTimeout: TimeoutSetting = { seconds: SERVERLESS_DEFAULT_TIMEOUT_S, from: 'default' };
  let providerTimeout = defaultTimeout;
  if (providerTimeoutNode !== undefined) {
    const s = timeoutValue(providerTimeoutNode, v);
    if (s !== undefined) providerTimeout = { seconds: s, from: 'provider', span: spanOf(t, providerTimeoutNode) };
    else unresolved(providerTimeoutNode, defaultTimeout, 'provider.timeout');
  }
  const providerRuntime = text(field(t, provider, 'runtime'));

  const functions: FunctionDecl[] = [];
  for (const f of entries(t, field(t, root, 'functions'))) {
    const def = f.value;
    // `${file(fns.yml):create}` and friends: the definition is elsewhere.
    if (!isMap(def)) continue;
    const timeoutNode = field(t, def, 'timeout');
    let timeout = providerTimeout;
    if (timeoutNode !== undefined) {
      const s = timeoutValue(timeoutNode, v);
      if (s !== undefined) timeout = { seconds: s, from: 'function', span: spanOf(t, timeoutNode) };
      else unresolved(timeoutNode, providerTimeout, 'The timeout');
    }
    const decl: FunctionDecl = {
      templateKind: 'serverless',
      templateFile: t.file,
      logicalId: f.key,
      span: spanOf(t, f.keyNode),
      deployedNames: [],
      deployedNamePrefixes: [],
      timeout,
      codeDir: dir,
      routes: serverlessRoutes(t, field(t, def, 'events')),
    };
    const nameRaw = text(field(t, def, 'name'));
    const name = nameRaw !== undefined ? resolveServerlessVariables(nameRaw, v) : service !== undefined ? `${service}-${stage}-${f.key}` : undefined;
    if (name) decl.deployedNames.push(name);
    const runtime = text(field(t, def, 'runtime')) ?? providerRuntime;
    if (runtime) decl.runtime = runtime;
    const handlerNode = field(t, def, 'handler');
    const handler = text(handlerNode);
    const image = field(t, def, 'image') !== undefined;
    if (handler !== undefined) {
      decl.handler = handler;
      decl.handlerSpan = spanOf(t, handlerNode);
      // The framework's default runtime is Node.js.
      const language = image ? 'none' : runtime ? languageOfRuntime(runtime) : 'node';
      const found = lookupHandler({ handler, language, codeDir: dir, root: context.root, shownFrom: dir, fileExists: context.fileExists });
      if (found.exportName && language !== 'none') decl.handlerExport = found.exportName;
      if (found.file) decl.handlerFile = found.file;
      else if (found.problem) problems.push({ code: 'handler-not-found', severity: 'warning', message: found.problem, span: decl.handlerSpan });
    }
    functions.push(decl);
  }
  return { file: t.file, kind: 'serverless', functions, problems };
}

function withSlash(path: string): string {
  return path === '*' || path.startsWith('/') ? path : `/${path}`;
}

function methodOf(m: string | undefined): string {
  return !m || m === '*' || m.toLowerCase() === 'any' ? 'ANY' : m.toUpperCase();
}

/** `- http: …` (REST) and `- httpApi: …` (HTTP API) events, string or map form. */
function serverlessRoutes(t: ParsedTemplate, events: Node | undefined): TemplateRoute[] {
  const out: TemplateRoute[] = [];
  if (!isSeq(events)) return out;
  events.items.forEach((item, index) => {
    for (const e of entries(t, item)) {
      if (e.key !== 'http' && e.key !== 'httpApi') continue;
      const apiType = e.key === 'http' ? 'rest' : 'http';
      const s = text(e.value);
      let method: string;
      let path: string;
      if (s !== undefined) {
        // `GET /users/{id}`, `POST x`, or `*` (HTTP API catch-all).
        const trimmed = s.trim();
        const sp = trimmed.indexOf(' ');
        if (trimmed === '*') {
          method = 'ANY';
          path = '*';
        } else if (sp > 0) {
          method = methodOf(trimmed.slice(0, sp));
          path = withSlash(trimmed.slice(sp + 1).trim());
        } else {
          method = 'ANY';
          path = withSlash(trimmed);
        }
      } else {
        method = methodOf(text(field(t, e.value, 'method')));
        const p = text(field(t, e.value, 'path'));
        path = p === undefined ? (apiType === 'http' ? '*' : '/') : withSlash(p);
      }
      out.push({
        apiType,
        method,
        path,
        budgetMs: apiType === 'rest' ? REST_API_DEFAULT_BUDGET_MS : HTTP_API_DEFAULT_BUDGET_MS,
        budgetSource: 'default',
        eventName: `${e.key}[${index}]`,
        span: spanOf(t, e.keyNode),
      });
    }
  });
  return out;
}
