// The account's configuration that turns "29 s" from a guess into the real budget: the APIs
// (REST, HTTP, WebSocket) with their stages and routes, each route's integration timeout and
// the Lambda behind it, the function's own timeout and memory, and the stages' log groups.
import { architectureOf, type Architecture } from '../core/pricing';
import { GetIntegrationCommand, GetStagesCommand, paginateGetResources, paginateGetRestApis } from '@aws-sdk/client-api-gateway';
import { GetApisCommand, GetIntegrationsCommand, GetRoutesCommand, GetStagesCommand as GetStagesV2Command } from '@aws-sdk/client-apigatewayv2';
import { GetFunctionConfigurationCommand, paginateListFunctions } from '@aws-sdk/client-lambda';
import type { AwsClients } from './clients';

export type ApiKind = 'rest' | 'http' | 'websocket';

export interface StageInfo {
  name: string;
  /** The access log group (from the destination ARN), when access logging is on. */
  accessLogGroup?: string;
  /** REST execution logs: `API-Gateway-Execution-Logs_<apiId>/<stage>`. */
  executionLogGroup?: string;
  tracingEnabled?: boolean;
}

export interface ApiInfo {
  id: string;
  name: string;
  kind: ApiKind;
}

export interface RouteInfo {
  method: string;
  /** Route template: `/orders/{id}`. */
  path: string;
  /** The integration's timeout: the route's real budget. */
  timeoutMs?: number;
  /** The Lambda function behind the route (name from the integration URI). */
  functionName?: string;
}

export interface FunctionConfig {
  name: string;
  timeoutMs: number;
  memoryMb: number;
  /** `nodejs20.x`, `python3.12`, …; absent for a container image. */
  runtime?: string;
  /** `x86_64` or `arm64` (`Architectures`), when the configuration says. */
  architecture?: Architecture;
}

/** `arn:aws:apigateway:…:lambda:path/2015-03-31/functions/arn:aws:lambda:…:function:NAME/invocations` → NAME. */
export function functionNameOfUri(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const m = /function:([A-Za-z0-9-_]+)(?::[^/]+)?(?:\/invocations)?$/.exec(uri) ?? /function:([A-Za-z0-9-_]+)/.exec(uri);
  return m?.[1];
}

function logGroupOfArn(arn: string | undefined): string | undefined {
  const m = arn ? /:log-group:([^:]+)/.exec(arn) : null;
  return m?.[1];
}

export async function listApis(clients: AwsClients, signal?: AbortSignal): Promise<ApiInfo[]> {
  // REST APIs and HTTP/WebSocket APIs live in two services: ask both at once.
  const rest = async (): Promise<ApiInfo[]> => {
    const out: ApiInfo[] = [];
    for await (const page of clients.paginate('GetRestApis', (o) => paginateGetRestApis({ client: clients.apiGateway() }, { limit: 500 }, o), signal)) {
      for (const a of page.items ?? []) if (a.id && a.name) out.push({ id: a.id, name: a.name, kind: 'rest' });
    }
    return out;
  };
  const v2 = async (): Promise<ApiInfo[]> => {
    const out: ApiInfo[] = [];
    // The only token loop left: @aws-sdk/client-apigatewayv2 has no paginateGetApis (its one
    // paginator is ListRoutingRules), so GetApis is paged by hand.
    let token: string | undefined;
    do {
      const page = await clients.call('GetApis', (o) => clients.apiGatewayV2().send(new GetApisCommand({ MaxResults: '500', ...(token ? { NextToken: token } : {}) }), o), signal);
      for (const a of page.Items ?? []) {
        if (a.ApiId && a.Name) out.push({ id: a.ApiId, name: a.Name, kind: a.ProtocolType === 'WEBSOCKET' ? 'websocket' : 'http' });
      }
      token = page.NextToken;
    } while (token);
    return out;
  };
  const [r, h] = await Promise.all([rest(), v2()]);
  return [...r, ...h];
}

export async function listStages(clients: AwsClients, api: ApiInfo, signal?: AbortSignal): Promise<StageInfo[]> {
  if (api.kind === 'rest') {
    const out = await clients.call('GetStages', (o) => clients.apiGateway().send(new GetStagesCommand({ restApiId: api.id }), o), signal);
    return (out.item ?? [])
      .filter((s) => s.stageName)
      .map((s) => {
        const st: StageInfo = { name: s.stageName!, executionLogGroup: `API-Gateway-Execution-Logs_${api.id}/${s.stageName!}` };
        const g = logGroupOfArn(s.accessLogSettings?.destinationArn);
        if (g) st.accessLogGroup = g;
        if (s.tracingEnabled !== undefined) st.tracingEnabled = s.tracingEnabled;
        return st;
      });
  }
  const out = await clients.call('GetStages', (o) => clients.apiGatewayV2().send(new GetStagesV2Command({ ApiId: api.id }), o), signal);
  return (out.Items ?? [])
    .filter((s) => s.StageName)
    .map((s) => {
      const st: StageInfo = { name: s.StageName! };
      const g = logGroupOfArn(s.AccessLogSettings?.DestinationArn);
      if (g) st.accessLogGroup = g;
      return st;
    });
}

export async function listRoutes(clients: AwsClients, api: ApiInfo, signal?: AbortSignal): Promise<RouteInfo[]> {
  if (api.kind === 'rest') {
    const routes: RouteInfo[] = [];
    const resources: Array<{ id: string; path: string; methods: string[] }> = [];
    const input = { restApiId: api.id, limit: 500, embed: ['methods'] };
    for await (const page of clients.paginate('GetResources', (o) => paginateGetResources({ client: clients.apiGateway() }, input, o), signal)) {
      for (const r of page.items ?? []) if (r.id && r.path) resources.push({ id: r.id, path: r.path, methods: Object.keys(r.resourceMethods ?? {}) });
    }
    // One GetIntegration per method, a few at a time (API Gateway's GET quota is 10 per second).
    const methods = resources.flatMap((r) => r.methods.filter((m) => m !== 'OPTIONS').map((method) => ({ r, method })));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < methods.length) {
        const { r, method } = methods[next++]!;
        const integ = await clients.call(
          'GetIntegration',
          (o) => clients.apiGateway().send(new GetIntegrationCommand({ restApiId: api.id, resourceId: r.id, httpMethod: method }), o),
          signal,
        );
        const route: RouteInfo = { method, path: r.path };
        if (integ.timeoutInMillis) route.timeoutMs = integ.timeoutInMillis;
        const fn = functionNameOfUri(integ.uri);
        if (fn) route.functionName = fn;
        routes.push(route);
      }
    };
    await Promise.all(Array.from({ length: Math.min(5, methods.length) }, worker));
    return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }
  const [routesOut, integrationsOut] = await Promise.all([
    clients.call('GetRoutes', (o) => clients.apiGatewayV2().send(new GetRoutesCommand({ ApiId: api.id, MaxResults: '500' }), o), signal),
    clients.call('GetIntegrations', (o) => clients.apiGatewayV2().send(new GetIntegrationsCommand({ ApiId: api.id, MaxResults: '500' }), o), signal),
  ]);
  const integrations = new Map((integrationsOut.Items ?? []).map((i) => [i.IntegrationId, i]));
  return (routesOut.Items ?? []).map((r) => {
    const [method, ...rest] = (r.RouteKey ?? '').split(' ');
    const route: RouteInfo = { method: rest.length ? method ?? 'ANY' : 'ANY', path: rest.length ? rest.join(' ') : r.RouteKey ?? '' };
    const integ = r.Target?.startsWith('integrations/') ? integrations.get(r.Target.slice('integrations/'.length)) : undefined;
    if (integ?.TimeoutInMillis) route.timeoutMs = integ.TimeoutInMillis;
    const fn = functionNameOfUri(integ?.IntegrationUri);
    if (fn) route.functionName = fn;
    return route;
  });
}

export async function functionConfig(clients: AwsClients, name: string, signal?: AbortSignal): Promise<FunctionConfig> {
  const out = await clients.call('GetFunctionConfiguration', (o) => clients.lambda().send(new GetFunctionConfigurationCommand({ FunctionName: name }), o), signal);
  const architecture = architectureOf(out.Architectures?.[0]);
  return { name: out.FunctionName ?? name, timeoutMs: (out.Timeout ?? 3) * 1000, memoryMb: out.MemorySize ?? 128, ...(out.Runtime ? { runtime: out.Runtime } : {}), ...(architecture ? { architecture } : {}) };
}

/** The functions of the account and Region (paged by `Marker`), for pickers; at most `max`. */
export async function listFunctions(clients: AwsClients, signal?: AbortSignal, max = 1000): Promise<FunctionConfig[]> {
  const out: FunctionConfig[] = [];
  for await (const page of clients.paginate('ListFunctions', (o) => paginateListFunctions({ client: clients.lambda() }, { MaxItems: 50 }, o), signal)) {
    for (const f of page.Functions ?? []) {
      const architecture = architectureOf(f.Architectures?.[0]);
      if (f.FunctionName) out.push({ name: f.FunctionName, timeoutMs: (f.Timeout ?? 3) * 1000, memoryMb: f.MemorySize ?? 128, ...(f.Runtime ? { runtime: f.Runtime } : {}), ...(architecture ? { architecture } : {}) });
    }
    if (out.length >= max) break;
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
