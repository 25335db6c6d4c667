// The sample account's configuration APIs (restJson1): Lambda (ListFunctions,
// GetFunctionConfiguration), API Gateway REST (GetRestApis, GetResources, GetStages,
// GetIntegration with timeoutInMillis) and API Gateway v2 for HTTP APIs (GetApis, GetRoutes,
// GetIntegrations, GetStages) — what Trace 504 reads to learn each route's real budget.
import { APIS, FUNCTIONS, ROUTES, ACCOUNT_ID, REGION, accessLogGroup, functionArn, type ApiDef, type RouteDef } from './scenario';
import { WireError, ok, type Reply } from './wire';
import { validate } from './constraints';
import { API_GATEWAY_SHAPES, LAMBDA_SHAPES } from './requestLimits';

/** A whole-number query parameter (`MaxItems=50`, `limit=500`); anything else is a SerializationException. */
function queryInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^-?\d{1,15}$/.test(raw)) throw new WireError('SerializationException', 400, `The value of ${name} is not a whole number: ${raw.slice(0, 40)}`);
  return Number(raw);
}

function notFound(what: string): WireError {
  return new WireError('NotFoundException', 404, `Invalid ${what} specified`);
}

function fnConfig(name: string): Record<string, unknown> {
  const f = FUNCTIONS.find((x) => x.name === name || functionArn(x) === name);
  if (!f) throw new WireError('ResourceNotFoundException', 404, `Function not found: ${functionArn({ name } as (typeof FUNCTIONS)[number])}`);
  return {
    FunctionName: f.name,
    FunctionArn: functionArn(f),
    Runtime: f.runtime,
    Role: `arn:aws:iam::${ACCOUNT_ID}:role/${f.role ?? `${f.name}-role`}`,
    Handler: f.handler,
    CodeSize: 48_213,
    Timeout: f.timeoutS,
    MemorySize: f.memoryMb,
    LastModified: '2026-10-01T09:30:00.000+0000',
    Version: '$LATEST',
    TracingConfig: { Mode: 'Active' },
    PackageType: 'Zip',
    Architectures: ['arm64'],
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${f.name}` },
    State: 'Active',
  };
}

export function lambdaRoute(method: string, path: string, query: URLSearchParams = new URLSearchParams()): Reply | undefined {
  if (method !== 'GET') return undefined;
  if (/^\/2015-03-31\/functions\/?$/.test(path)) {
    // Paged as Lambda pages: MaxItems (1–10 000; a page holds at most 50) and an opaque Marker.
    const maxItems = queryInt(query, 'MaxItems');
    validate('lambda', { MaxItems: maxItems }, LAMBDA_SHAPES.ListFunctions);
    const max = Math.min(maxItems ?? 50, 50);
    const from = query.get('Marker') ? Number(Buffer.from(query.get('Marker')!, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(from) || from < 0) throw new WireError('InvalidParameterValueException', 400, 'The marker is not valid.');
    const page = FUNCTIONS.slice(from, from + max).map((f) => fnConfig(f.name));
    return ok({ Functions: page, ...(from + max < FUNCTIONS.length ? { NextMarker: Buffer.from(String(from + max)).toString('base64url') } : {}) });
  }
  const m = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/.exec(path);
  if (m) {
    const name = decodeURIComponent(m[1]!);
    validate('lambda', { FunctionName: name }, LAMBDA_SHAPES.GetFunctionConfiguration);
    return ok(fnConfig(name));
  }
  return undefined;
}

const restApis = APIS.filter((a) => a.kind === 'rest');

function resourcesOf(api: ApiDef): Array<{ id: string; path: string; pathPart?: string; parentId?: string; routes: RouteDef[] }> {
  // The resource tree: "/" and one resource per path segment prefix.
  const paths = new Set<string>(['/']);
  for (const r of ROUTES.filter((x) => x.api === api)) {
    const parts = r.path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) paths.add(`/${parts.slice(0, i).join('/')}`);
  }
  const ids = new Map([...paths].sort().map((p, i) => [p, `r${(i + 10).toString(36)}x${api.id.slice(0, 4)}`]));
  return [...ids].map(([path, id]) => {
    const parent = path === '/' ? undefined : path.slice(0, path.lastIndexOf('/')) || '/';
    const res: { id: string; path: string; pathPart?: string; parentId?: string; routes: RouteDef[] } = { id, path, routes: ROUTES.filter((r) => r.api === api && r.path === path) };
    if (parent !== undefined) {
      res.parentId = ids.get(parent)!;
      res.pathPart = path.slice(path.lastIndexOf('/') + 1);
    }
    return res;
  });
}

function integrationUri(r: RouteDef): string {
  return `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${functionArn(r.fn)}/invocations`;
}

export function apiGatewayRoute(method: string, path: string, query: URLSearchParams): Reply | undefined {
  if (method !== 'GET') return undefined;
  // GetRestApis and GetResources page by `limit`, at most 500 (the sample account's lists fit one page).
  validate('apigateway', { limit: queryInt(query, 'limit') }, API_GATEWAY_SHAPES.Paged);
  if (/^\/restapis\/?$/.test(path)) {
    return ok({ item: restApis.map((a) => ({ id: a.id, name: a.name, createdDate: a.createdMs / 1000, apiKeySource: 'HEADER', endpointConfiguration: { types: ['REGIONAL'] }, disableExecuteApiEndpoint: false })) });
  }
  let m = /^\/restapis\/([^/]+)\/(resources|stages)\/?$/.exec(path);
  if (m) {
    const api = restApis.find((a) => a.id === m![1]);
    if (!api) throw notFound('API identifier');
    if (m[2] === 'stages') {
      return ok({
        item: [
          {
            stageName: api.stage,
            deploymentId: 'd3pl0y',
            tracingEnabled: true,
            accessLogSettings: { destinationArn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${accessLogGroup(api)}`, format: '{"requestId":"$context.requestId", …}' },
            methodSettings: { '*/*': { loggingLevel: 'INFO', dataTraceEnabled: false, metricsEnabled: true } },
            createdDate: api.createdMs / 1000,
          },
        ],
      });
    }
    const embed = (query.getAll('embed').join(',') || '').includes('methods');
    return ok({
      item: resourcesOf(api).map((r) => ({
        id: r.id,
        path: r.path,
        ...(r.parentId ? { parentId: r.parentId, pathPart: r.pathPart } : {}),
        ...(r.routes.length
          ? { resourceMethods: Object.fromEntries(r.routes.map((x) => [x.method, embed ? { httpMethod: x.method, authorizationType: 'NONE', apiKeyRequired: false } : {}])) }
          : {}),
      })),
    });
  }
  m = /^\/restapis\/([^/]+)\/resources\/([^/]+)\/methods\/([^/]+)\/integration\/?$/.exec(path);
  if (m) {
    const api = restApis.find((a) => a.id === m![1]);
    if (!api) throw notFound('API identifier');
    const res = resourcesOf(api).find((r) => r.id === m![2]);
    const route = res?.routes.find((r) => r.method === m![3]);
    if (!route) throw new WireError('NotFoundException', 404, 'Invalid Integration identifier specified');
    return ok({ type: 'AWS_PROXY', httpMethod: 'POST', uri: integrationUri(route), passthroughBehavior: 'WHEN_NO_MATCH', timeoutInMillis: route.timeoutMs, cacheNamespace: res!.id, cacheKeyParameters: [] });
  }
  return undefined;
}

const httpApis = APIS.filter((a) => a.kind === 'http');

export function apiGatewayV2Route(method: string, path: string): Reply | undefined {
  if (method !== 'GET') return undefined;
  if (/^\/v2\/apis\/?$/.test(path)) {
    return ok({
      items: httpApis.map((a) => ({ apiId: a.id, name: a.name, protocolType: 'HTTP', apiEndpoint: `https://${a.id}.execute-api.${REGION}.amazonaws.com`, createdDate: new Date(a.createdMs).toISOString(), routeSelectionExpression: '$request.method $request.path' })),
    });
  }
  const m = /^\/v2\/apis\/([^/]+)\/(routes|integrations|stages)\/?$/.exec(path);
  if (!m) return undefined;
  const api = httpApis.find((a) => a.id === m[1]);
  if (!api) throw new WireError('NotFoundException', 404, `Invalid API identifier specified ${ACCOUNT_ID}:${m[1]}`);
  const routes = ROUTES.filter((r) => r.api === api);
  const integId = (r: RouteDef): string => `i${routes.indexOf(r)}${api.id.slice(0, 5)}`;
  if (m[2] === 'routes') return ok({ items: routes.map((r, i) => ({ routeId: `rt${i}${api.id.slice(0, 4)}`, routeKey: `${r.method} ${r.path}`, target: `integrations/${integId(r)}`, authorizationType: 'NONE', apiKeyRequired: false })) });
  if (m[2] === 'integrations') {
    return ok({ items: routes.map((r) => ({ integrationId: integId(r), integrationType: 'AWS_PROXY', integrationUri: functionArn(r.fn), integrationMethod: 'POST', payloadFormatVersion: '2.0', timeoutInMillis: r.timeoutMs, connectionType: 'INTERNET' })) });
  }
  return ok({
    items: [{ stageName: api.stage, autoDeploy: true, accessLogSettings: { destinationArn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${accessLogGroup(api)}`, format: '{"requestId":"$context.requestId", …}' }, createdDate: new Date(api.createdMs).toISOString() }],
  });
}
