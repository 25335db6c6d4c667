// Templates → the functions they declare: AWS SAM and plain CloudFormation (YAML or JSON, short
// or long intrinsics), CDK output (`cdk.out/*.template.json`) and the Serverless Framework's
// `serverless.yml`. For each function: its handler and the file it names, its timeout and where
// that is written, the routes in front of it with their integration timeouts, and the names it
// has once deployed. Pure: what the reader cannot see itself (other files, the stack's name)
// comes in the context. Never throws on content: a broken template is a problem, not a crash.
import { basename, dirname, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { isMap, isSeq } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { FunctionDecl, SourceSpan, TemplateIndex, TemplateKind, TemplateProblem, TemplateRoute, TimeoutSetting } from './types';
import {
  entries,
  field,
  intrinsic,
  intrinsicItems,
  intrinsicText,
  num,
  parseTemplateText,
  referencedIds,
  spanOf,
  text,
  type ParsedTemplate,
} from './templateNodes';
import { codeDirFrom, isInside, languageOfRuntime, lookupHandler, type HandlerLanguage } from './handlerFiles';
import { generatedNamePrefixes } from './deployedNames';
import { readServerless } from './serverlessTemplate';
import { HTTP_API_DEFAULT_BUDGET_MS, REST_API_DEFAULT_BUDGET_MS } from '../core/budget';

/** What the pure reader cannot read itself. */
export interface TemplateContext {
  /**
   * The deployed stack's name: `stack_name` of samconfig.toml (`readSamconfigStackName`) for SAM
   * and CloudFormation, the CDK manifest's (`cdkStackNameFromManifest`) for CDK output. Without
   * it, generated function names have no known prefix.
   */
  stackName?: string;
  /** Whether a file exists (absolute path): how handler files are found. */
  fileExists: (path: string) => boolean;
  /** The workspace folder: no code folder or handler file outside it is followed. Default: the template's folder. */
  root?: string;
}

/** Bigger templates are not read (a generated 2 MB template is not one a person edits). */
export const MAX_TEMPLATE_BYTES = 2 * 1024 * 1024;

/** Lambda's timeout when the template writes none. */
export const LAMBDA_DEFAULT_TIMEOUT_S = 3;

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

/** A file name that is a template by convention (the folder walk picks these up). */
export function isTemplateFileName(path: string): boolean {
  const name = basename(path).toLowerCase();
  return /^(template\.(ya?ml|json)|serverless\.ya?ml)$/.test(name) || /\.template\.json$/.test(name);
}

function isServerlessFileName(path: string): boolean {
  return /^serverless\.ya?ml$/i.test(basename(path));
}

function guessKind(file: string): TemplateKind {
  if (isServerlessFileName(file)) return 'serverless';
  if (/\.template\.json$/i.test(file) && /(^|[\\/])cdk\.out[\\/]/.test(file)) return 'cdk';
  return 'cloudformation';
}

/** The index of a template too big to read: no functions, and `skipped` saying why. */
export function oversizeTemplate(file: string): TemplateIndex {
  return { file, kind: guessKind(file), functions: [], problems: [], skipped: `larger than ${MAX_TEMPLATE_BYTES / 1024 / 1024} MB: not read` };
}

/**
 * Reads one template. `null`: the text is not a template at all (no Lambda function resources,
 * not a serverless.yml). A file over MAX_TEMPLATE_BYTES gives an index with no functions and
 * `skipped` saying why; one that does not parse gives one `parse-error` problem where the parser stopped.
 */
export function readTemplate(file: string, text: string, context: TemplateContext): TemplateIndex | null {
  if (text.length > MAX_TEMPLATE_BYTES || Buffer.byteLength(text, 'utf8') > MAX_TEMPLATE_BYTES) return oversizeTemplate(file);
  const t = parseTemplateText(file, text);
  if (t.error) {
    // A broken file is a template's problem only when it meant to be one.
    if (!isTemplateFileName(file) && !/AWS::(Serverless|Lambda)::Function|^\s*functions\s*:/m.test(text)) return null;
    const at = t.error;
    const span: SourceSpan = { file, line: at.line, column: at.column, endLine: at.line, endColumn: at.column + 1 };
    return { file, kind: guessKind(file), functions: [], problems: [{ code: 'parse-error', severity: 'error', message: `Not valid YAML/JSON: ${at.message}`, span }] };
  }
  const root = t.doc.contents;
  if (!isMap(root)) return null;
  const rootDir = context.root ?? dirname(file);
  if (isServerlessFileName(file) || (field(t, root, 'service') !== undefined && field(t, root, 'functions') !== undefined && field(t, root, 'provider') !== undefined)) {
    return readServerless(t, { ...context, root: rootDir });
  }
  return readCloudFormation(t, { ...context, root: rootDir });
}

// ---------------------------------------------------------------------------------------------
// SAM, CloudFormation, CDK

interface Resource {
  id: string;
  keyNode: Pair['key'];
  type: string;
  props: Node | undefined;
  node: Node | undefined;
}

interface CfnReader {
  t: ParsedTemplate;
  context: TemplateContext & { root: string };
  templateDir: string;
  kind: TemplateKind;
  resources: Map<string, Resource>;
  parameters: Node | undefined;
  problems: TemplateProblem[];
}

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

function readCloudFormation(t: ParsedTemplate, context: TemplateContext & { root: string }): TemplateIndex | null {
  const root = t.doc.contents;
  const resources = new Map<string, Resource>();
  for (const e of entries(t, field(t, root, 'Resources'))) {
    const type = text(field(t, e.value, 'Type'));
    if (type) resources.set(e.key, { id: e.key, keyNode: e.keyNode, type, props: field(t, e.value, 'Properties'), node: e.value });
  }
  const fns = [...resources.values()].filter((r) => FUNCTION_TYPES.has(r.type));
  if (!fns.length) return null;
  const transform = field(t, root, 'Transform');
  const transforms = isSeq(transform) ? transform.items.map(text) : [text(transform)];
  const cdk =
    /\.template\.json$/i.test(t.file) &&
    (/(^|[\\/])cdk\.out[\\/]/.test(t.file) || fns.some((f) => text(field(t, field(t, f.node, 'Metadata'), 'aws:cdk:path')) !== undefined));
  const kind: TemplateKind = cdk ? 'cdk' : transforms.includes(SAM_TRANSFORM) ? 'sam' : 'cloudformation';
  const r: CfnReader = { t, context, templateDir: dirname(t.file), kind, resources, parameters: field(t, root, 'Parameters'), problems: [] };
  const globals = field(t, field(t, root, 'Globals'), 'Function');
  const routes = cfnRoutes(r);
  const functions = fns.map((f) => readCfnFunction(r, f, f.type === 'AWS::Serverless::Function' ? globals : undefined, routes.get(f.id) ?? []));
  return { file: t.file, kind, functions, problems: r.problems };
}

/** A number a property holds: a literal, or `!Ref` to a parameter with a numeric default. */
function numberOf(r: CfnReader, node: Node | undefined): number | undefined {
  const n = num(node);
  if (n !== undefined) return n;
  const i = intrinsic(r.t, node);
  if (i?.fn === 'Ref') {
    const name = i.short ? intrinsicText(i) : text(i.arg);
    if (name) return num(field(r.t, field(r.t, r.parameters, name), 'Default'));
  }
  return undefined;
}

function readTimeout(r: CfnReader, own: Node | undefined, globals: Node | undefined): TimeoutSetting {
  const fromGlobals = (): TimeoutSetting | undefined => {
    const g = field(r.t, globals, 'Timeout');
    const s = numberOf(r, g);
    return s !== undefined ? { seconds: s, from: 'globals', span: spanOf(r.t, g) } : undefined;
  };
  if (own !== undefined) {
    const s = numberOf(r, own);
    if (s !== undefined) return { seconds: s, from: 'function', span: spanOf(r.t, own) };
    const fallback = fromGlobals() ?? { seconds: LAMBDA_DEFAULT_TIMEOUT_S, from: 'default' };
    r.problems.push({
      code: 'unresolved-value',
      severity: 'information',
      message: `This timeout is not a number the template states (an intrinsic, or a parameter without a default): Timeout Lens uses ${fallback.seconds} s (${fallback.from === 'globals' ? 'Globals' : 'the Lambda default'}) instead.`,
      span: spanOf(r.t, own),
    });
    return fallback;
  }
  return fromGlobals() ?? { seconds: LAMBDA_DEFAULT_TIMEOUT_S, from: 'default' };
}

/** An explicit FunctionName, when the template states it: a string, or `!Sub` with only `${AWS::StackName}`. */
function explicitName(r: CfnReader, node: Node | undefined): string | undefined {
  const s = text(node);
  if (s !== undefined) return s;
  const i = intrinsic(r.t, node);
  if (i?.fn !== 'Fn::Sub') return undefined;
  const template = i.short ? intrinsicText(i) : text(i.arg);
  if (template === undefined || !r.context.stackName) return undefined;
  const vars = [...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
  if (vars.some((v) => v !== 'AWS::StackName')) return undefined;
  return template.split('${AWS::StackName}').join(r.context.stackName);
}

function readCfnFunction(r: CfnReader, f: Resource, globals: Node | undefined, routes: TemplateRoute[]): FunctionDecl {
  const { t } = r;
  const sam = f.type === 'AWS::Serverless::Function';
  const p = f.props;
  const handlerNode = field(t, p, 'Handler') ?? field(t, globals, 'Handler');
  const handler = text(handlerNode);
  const runtime = text(field(t, p, 'Runtime')) ?? text(field(t, globals, 'Runtime'));
  const metadata = field(t, f.node, 'Metadata');

  // Where the code is, and whether it is in the workspace at all.
  let codeDir = r.templateDir;
  let local = true;
  let inline = false;
  const assetPath = text(field(t, metadata, 'aws:asset:path'));
  if (assetPath !== undefined) {
    codeDir = resolve(r.templateDir, assetPath);
  } else if (sam) {
    const uri = field(t, p, 'CodeUri') ?? field(t, globals, 'CodeUri');
    const s = text(uri);
    if (s !== undefined) {
      codeDir = codeDirFrom(r.templateDir, s);
      local = !/^s3:\/\//i.test(s);
    } else if (uri !== undefined) local = false; // { Bucket, Key } or an intrinsic: the code is not here
  } else {
    const code = field(t, p, 'Code');
    const s = text(code);
    if (s !== undefined) {
      codeDir = codeDirFrom(r.templateDir, s);
      local = !/^s3:\/\//i.test(s);
    } else if (field(t, code, 'ZipFile') !== undefined) inline = true;
    else if (code !== undefined) local = false;
  }

  const packageType = text(field(t, p, 'PackageType'));
  const isImage = packageType === 'Image' || field(t, field(t, p, 'Code'), 'ImageUri') !== undefined || field(t, p, 'ImageUri') !== undefined;
  const language: HandlerLanguage = isImage || inline ? 'none' : languageOfRuntime(runtime);

  const decl: FunctionDecl = {
    templateKind: r.kind,
    templateFile: t.file,
    logicalId: f.id,
    span: spanOf(t, f.keyNode),
    deployedNames: [],
    deployedNamePrefixes: [],
    timeout: readTimeout(r, field(t, p, 'Timeout'), sam ? globals : undefined),
    codeDir,
    routes,
  };
  if (runtime) decl.runtime = runtime;
  const cdkPath = text(field(t, metadata, 'aws:cdk:path'));
  if (cdkPath) decl.constructPath = cdkPath;

  const nameNode = field(t, p, 'FunctionName');
  const name = explicitName(r, nameNode);
  if (name) decl.deployedNames.push(name);
  else if (nameNode === undefined && r.context.stackName) {
    decl.stackName = r.context.stackName;
    decl.deployedNamePrefixes.push(...generatedNamePrefixes(r.context.stackName, f.id));
  }

  if (handler !== undefined) {
    decl.handler = handler;
    decl.handlerSpan = spanOf(t, handlerNode);
    const entryPoints =
      text(field(t, metadata, 'BuildMethod')) === 'esbuild'
        ? (() => {
            const ep = field(t, field(t, metadata, 'BuildProperties'), 'EntryPoints');
            return isSeq(ep) ? ep.items.map(text).filter((x): x is string => x !== undefined) : [];
          })()
        : [];
    const found = lookupHandler({
      handler,
      language,
      codeDir,
      root: r.context.root,
      shownFrom: r.templateDir,
      fileExists: r.context.fileExists,
      ...(entryPoints.length ? { entryPoints } : {}),
    });
    if (found.exportName && language !== 'none') decl.handlerExport = found.exportName;
    if (found.file) decl.handlerFile = found.file;
    else if (found.problem && (local || !isInside(r.context.root, codeDir))) {
      r.problems.push({ code: 'handler-not-found', severity: 'warning', message: found.problem, span: decl.handlerSpan });
    }
  }
  return decl;
}

/** REST (`Api`) or HTTP API (`HttpApi`) events of SAM functions, and the routes of API Gateway resources that integrate a function. */
function cfnRoutes(r: CfnReader): Map<string, TemplateRoute[]> {
  const { t } = r;
  const out = new Map<string, TemplateRoute[]>();
  const add = (fn: string, route: TemplateRoute): void => {
    const list = out.get(fn) ?? [];
    list.push(route);
    out.set(fn, list);
  };
  const fnIds = new Set([...r.resources.values()].filter((x) => FUNCTION_TYPES.has(x.type)).map((x) => x.id));

  // SAM events.
  for (const f of r.resources.values()) {
    if (f.type !== 'AWS::Serverless::Function') continue;
    for (const e of entries(t, field(t, f.props, 'Events'))) {
      const type = text(field(t, e.value, 'Type'));
      if (type !== 'Api' && type !== 'HttpApi') continue;
      const props = field(t, e.value, 'Properties');
      const apiType = type === 'Api' ? 'rest' : 'http';
      const path = text(field(t, props, 'Path'));
      const method = text(field(t, props, 'Method'));
      const budget = numberOf(r, field(t, props, 'TimeoutInMillis'));
      add(f.id, {
        apiType,
        method: method === undefined || method === '*' || method.toLowerCase() === 'any' ? 'ANY' : method.toUpperCase(),
        path: path ?? (apiType === 'http' ? '$default' : '/'),
        budgetMs: budget ?? (apiType === 'rest' ? REST_API_DEFAULT_BUDGET_MS : HTTP_API_DEFAULT_BUDGET_MS),
        budgetSource: budget !== undefined ? 'template' : 'default',
        eventName: e.key,
        span: spanOf(t, e.keyNode),
      });
    }
  }

  // API Gateway REST methods whose integration calls a function.
  for (const m of r.resources.values()) {
    if (m.type !== 'AWS::ApiGateway::Method') continue;
    const integration = field(t, m.props, 'Integration');
    const ids = [...referencedIds(t, field(t, integration, 'Uri'))].filter((id) => fnIds.has(id));
    if (!ids.length) continue;
    const budget = numberOf(r, field(t, integration, 'TimeoutInMillis'));
    const method = text(field(t, m.props, 'HttpMethod'));
    for (const id of ids) {
      add(id, {
        apiType: 'rest',
        method: !method || method === '*' ? 'ANY' : method.toUpperCase(),
        path: restPath(r, field(t, m.props, 'ResourceId')) ?? m.id,
        budgetMs: budget ?? REST_API_DEFAULT_BUDGET_MS,
        budgetSource: budget !== undefined ? 'template' : 'default',
        eventName: m.id,
        span: spanOf(t, m.keyNode),
      });
    }
  }

  // API Gateway v2 (HTTP API) integrations and the routes that target them.
  const routesOf = new Map<string, Resource[]>();
  for (const rt of r.resources.values()) {
    if (rt.type !== 'AWS::ApiGatewayV2::Route') continue;
    for (const id of referencedIds(t, field(t, rt.props, 'Target'))) routesOf.set(id, [...(routesOf.get(id) ?? []), rt]);
  }
  for (const integ of r.resources.values()) {
    if (integ.type !== 'AWS::ApiGatewayV2::Integration') continue;
    const ids = [...referencedIds(t, field(t, integ.props, 'IntegrationUri'))].filter((id) => fnIds.has(id));
    if (!ids.length) continue;
    // WebSocket APIs are not an HTTP API: their routes are messages, not paths.
    const apiIds = [...referencedIds(t, field(t, integ.props, 'ApiId'))];
    if (apiIds.some((a) => text(field(t, r.resources.get(a)?.props, 'ProtocolType'))?.toUpperCase() === 'WEBSOCKET')) continue;
    const budget = numberOf(r, field(t, integ.props, 'TimeoutInMillis'));
    const targets = routesOf.get(integ.id) ?? [];
    for (const id of ids) {
      const base = {
        apiType: 'http' as const,
        budgetMs: budget ?? HTTP_API_DEFAULT_BUDGET_MS,
        budgetSource: budget !== undefined ? ('template' as const) : ('default' as const),
      };
      if (!targets.length) add(id, { ...base, method: 'ANY', path: '$default', eventName: integ.id, span: spanOf(t, integ.keyNode) });
      for (const rt of targets) {
        const key = text(field(t, rt.props, 'RouteKey')) ?? '$default';
        const sp = key.indexOf(' ');
        const method = sp > 0 ? key.slice(0, sp).toUpperCase() : 'ANY';
        add(id, { ...base, method, path: sp > 0 ? key.slice(sp + 1) : key, eventName: rt.id, span: spanOf(t, rt.keyNode) });
      }
    }
  }
  return out;
}

/** `/a/{b}` from a method's ResourceId: the PathPart chain up to the API's root, when the template says it. */
function restPath(r: CfnReader, resourceId: Node | undefined): string | undefined {
  const { t } = r;
  const parts: string[] = [];
  let node = resourceId;
  const seen = new Set<string>();
  for (let step = 0; step < 64; step++) {
    const i = intrinsic(t, node);
    if (!i) return undefined;
    if (i.fn === 'Fn::GetAtt') {
      const s = i.short ? intrinsicText(i) : text(i.arg);
      const attr = s !== undefined ? s.split('.')[1] : text(intrinsicItems(t, i)[1]);
      return attr === 'RootResourceId' ? `/${parts.reverse().join('/')}` : undefined;
    }
    if (i.fn !== 'Ref') return undefined;
    const id = i.short ? intrinsicText(i) : text(i.arg);
    if (!id || seen.has(id)) return undefined;
    seen.add(id);
    const res = r.resources.get(id);
    if (!res || res.type !== 'AWS::ApiGateway::Resource') return undefined;
    const part = text(field(t, res.props, 'PathPart'));
    if (part === undefined) return undefined;
    parts.push(part);
    node = field(t, res.props, 'ParentId');
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Names, stacks

export { matchesDeployedName } from './deployedNames';

/** `stack_name` from samconfig.toml: `[<env>.deploy.parameters]`, then `[<env>.global.parameters]`. */
export function readSamconfigStackName(tomlText: string, env = 'default'): string | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(tomlText) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const envTable = doc[env];
  if (!envTable || typeof envTable !== 'object') return undefined;
  for (const command of ['deploy', 'global']) {
    const params = ((envTable as Record<string, unknown>)[command] as Record<string, unknown> | undefined)?.['parameters'];
    const name = params && typeof params === 'object' ? (params as Record<string, unknown>)['stack_name'] : undefined;
    if (typeof name === 'string' && name) return name;
  }
  return undefined;
}

/**
 * The stack name of a CDK template from `cdk.out/manifest.json`: the artifact whose
 * `properties.templateFile` is this file gives `properties.stackName`; without one, the file's
 * name before `.template.json` (CDK names the file after the stack's artifact id).
 */
export function cdkStackNameFromManifest(manifestText: string, templateFileName: string): string | undefined {
  const fileName = basename(templateFileName);
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch {
    manifest = undefined;
  }
  const artifacts = manifest && typeof manifest === 'object' ? (manifest as { artifacts?: unknown }).artifacts : undefined;
  if (artifacts && typeof artifacts === 'object') {
    for (const a of Object.values(artifacts as Record<string, unknown>)) {
      const props = a && typeof a === 'object' ? (a as { properties?: Record<string, unknown> }).properties : undefined;
      if (props && props['templateFile'] === fileName) {
        const name = props['stackName'];
        if (typeof name === 'string' && name) return name;
        break;
      }
    }
  }
  const m = /^(.+)\.template\.json$/i.exec(fileName);
  return m ? m[1] : undefined;
}
