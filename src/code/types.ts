// What the workspace's code says about the functions: templates (SAM, CloudFormation, the
// Serverless Framework, CDK output) → functions, their handlers, timeouts and the routes in front
// of them; handler files → the handler's definition and the calls it makes. Pure data: no vscode.
// Lines and columns here are 0-based (as editors count); `toLocation` in the CLI makes them 1-based.

/** A place in a file of the workspace. `file` is an absolute path. 0-based line and column. */
export interface SourceSpan {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Which tool wrote the template a function comes from. */
export type TemplateKind = 'sam' | 'cloudformation' | 'serverless' | 'cdk';

/** An API event (route) in front of a function, as the template declares it. */
export interface TemplateRoute {
  /** `rest` (SAM `Api`, serverless `http`, `AWS::ApiGateway::Method`) or `http` (SAM `HttpApi`, serverless `httpApi`, `AWS::ApiGatewayV2::*`). */
  apiType: 'rest' | 'http';
  /** Upper case, `ANY` when the template says any or nothing. */
  method: string;
  /** As written (`/orders/{id}`), `$default` or `*` for a catch-all. */
  path: string;
  /** The integration timeout in front of the function: the template's `TimeoutInMillis` or the product's default (REST 29 000, HTTP API 30 000). */
  budgetMs: number;
  budgetSource: 'template' | 'default';
  /** The event's key in the template (`CreateReport`), or `http`/`httpApi` with its index for serverless. */
  eventName: string;
  span: SourceSpan;
}

/** Where a function's timeout comes from. */
export interface TimeoutSetting {
  seconds: number;
  /** `function` (its own `Timeout`/`timeout`), `globals` (SAM `Globals.Function.Timeout`), `provider` (serverless `provider.timeout`) or `default` (none written: 3 s Lambda, 6 s serverless). */
  from: 'function' | 'globals' | 'provider' | 'default';
  /** The value's place in the template (absent for `default`): a quick fix replaces exactly this range. */
  span?: SourceSpan;
}

/** A problem in a template: it did not parse, or something in it points nowhere. */
export interface TemplateProblem {
  code: 'parse-error' | 'handler-not-found' | 'unresolved-value';
  severity: 'error' | 'warning' | 'information';
  message: string;
  span: SourceSpan;
}

/** One Lambda function a template declares. */
export interface FunctionDecl {
  templateKind: TemplateKind;
  /** Absolute path of the template (or `serverless.yml`, or the CDK `*.template.json`). */
  templateFile: string;
  /** The resource's logical id (SAM/CloudFormation/CDK) or the function's key (serverless). */
  logicalId: string;
  /** The resource's key in the template: where "this function" is. */
  span: SourceSpan;
  /** Names the deployed function has for certain: an explicit `FunctionName`/`name`, `<service>-<stage>-<key>`. */
  deployedNames: string[];
  /**
   * Prefixes of a generated physical name (`<stack>-<LogicalId>-` for SAM, CloudFormation and CDK,
   * with CloudFormation's truncation), when the stack's name is known (samconfig.toml, the CDK manifest).
   */
  deployedNamePrefixes: string[];
  /** `Handler` / `handler` as written (`src/reports.handler`, `app.lambda_handler`). */
  handler?: string;
  handlerSpan?: SourceSpan;
  runtime?: string;
  timeout: TimeoutSetting;
  /** Absolute folder the handler path is relative to (CodeUri, Code, the asset path, the serverless folder). */
  codeDir: string;
  /** The handler's source file, when one exists (absolute). */
  handlerFile?: string;
  /** The exported name the handler string ends with (`handler`, `lambda_handler`). */
  handlerExport?: string;
  routes: TemplateRoute[];
  /** Additive: the stack the generated name prefixes were made from (SAM, CloudFormation, CDK; absent when unknown). */
  stackName?: string;
  /** Additive: CDK's construct path of the function (`Metadata` `aws:cdk:path`, e.g. `MyStack/Reports/Resource`). */
  constructPath?: string;
}

/** One template's reading: its functions and what went wrong. */
export interface TemplateIndex {
  file: string;
  kind: TemplateKind;
  functions: FunctionDecl[];
  problems: TemplateProblem[];
  /** Additive: set when the file was not read (over 2 MB): the reason. Then `functions` and `problems` are empty. */
  skipped?: string;
}

/** A language the call-site finder reads. */
export type CodeLanguage = 'javascript' | 'typescript' | 'tsx' | 'python';

/** A loop a call sits in, innermost first. */
export interface LoopInfo {
  /** `for` (for/for-in/for-of/for…in), `while` (while/do), `map`/`forEach`/… (an array method's callback), `comprehension` (Python). */
  kind: 'for' | 'while' | 'array-callback' | 'comprehension';
  /** Each turn waits for the one before (an awaited call in a for/while), as opposed to calls started together (`Promise.all(xs.map(…))`). */
  sequential: boolean;
  span: SourceSpan;
}

/** A call out of the handler's code that X-Ray would record as a downstream subsegment. */
export interface CallSite {
  kind: 'aws' | 'http';
  /** The X-Ray subsegment's name for an AWS call: `DynamoDB`, `S3`, `SQS`, `SNS`, `Lambda`, … */
  service?: string;
  /**
   * The subsegment's name as the library's own X-Ray SDK writes it, when it differs in form from
   * `service`: SDK v2 and boto3 use the lower-case service id (`dynamodb`, boto3 the endpoint
   * prefix: `states` for SFN). Equal to `service` for SDK v3.
   */
  subsegmentName?: string;
  /** The X-Ray `aws.operation`: `GetItem`, `Query`, `PutObject`, … (lib-dynamodb `GetCommand` → `GetItem`). */
  operation?: string;
  /** For an HTTP call with a literal (or template-literal) URL: its host name. */
  host?: string;
  /** `aws-sdk-v3`, `aws-sdk-v2`, `boto3`, `fetch`, `axios`, `got`, `undici`, `https`, `requests`, `httpx`, `urllib3`. */
  library: string;
  /** The call expression (the whole `ddb.send(new GetItemCommand(…))`). */
  span: SourceSpan;
  /** Loops around the call inside its function, innermost first; empty when none. */
  loops: LoopInfo[];
  /** The call's source text, shortened to one line of at most 120 characters. */
  text: string;
}

/** A function (or arrow function) a handler file exports, by its exported name. */
export interface HandlerDef {
  name: string;
  /** The exported name's identifier (what a CodeLens sits on). */
  span: SourceSpan;
}

/** What a handler file holds. */
export interface CodeOutline {
  language: CodeLanguage;
  handlers: HandlerDef[];
  calls: CallSite[];
  /** Set when the file was not read (too big, minified): the reason, for the log. */
  skipped?: string;
}
