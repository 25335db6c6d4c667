// The documented limits of every request the sample account serves, so that a client which
// oversteps one fails here as it would against AWS instead of only in production. Member
// constraints are the services' models (the Min/Max/Pattern of the API references, the same as
// botocore's service-2.json); the limits the models leave out are the API references' own words:
//   X-Ray BatchGetTraces: 1–5 trace ids of 1–35 characters; more is refused with
//     "Exceeding maximum query size: 5" (https://docs.aws.amazon.com/xray/latest/api/API_BatchGetTraces.html).
//   X-Ray GetTraceSummaries: at most 24 hours between StartTime and EndTime.
//   X-Ray StartTraceRetrieval: at most 100 trace ids, StartTime and EndTime required; its
//     ListRetrievedTraces returns at most 5 traces a page (TraceSpanList) in XRAY or OTEL format.
//   Logs StartQuery: exactly one of logGroupName, logGroupNames, logGroupIdentifiers; at most
//     50 log groups; limit 1–100 000 (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html).
//   Logs FilterLogEvents: logGroupName or logGroupIdentifier, not both; logStreamNames or
//     logStreamNamePrefix, not both (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html).
//   Logs StartLiveTail: 1–10 log groups by ARN; logStreamNames or logStreamNamePrefixes, not both,
//     and only with one log group (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartLiveTail.html).
//   API Gateway GetRestApis/GetResources: limit at most 500 (https://docs.aws.amazon.com/apigateway/latest/api/API_GetRestApis.html).
import type { Constraint, Shape } from './constraints';

type Member = Omit<Constraint, 'type' | 'required' | 'member'>;

const LOG_GROUP_NAME: Member = { min: 1, max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]+' };
const LOG_GROUP_IDENTIFIER: Member = { min: 1, max: 2048, pattern: '[\\w#+=/:,.@-]*' };
const LOG_STREAM_NAME: Member = { min: 1, max: 512, pattern: '[^:*]*' };
const FILTER_PATTERN: Member = { min: 0, max: 1024 };
const EPOCH: Constraint = { type: 'integer', min: 0 };
const QUERY_ID: Constraint = { type: 'string', required: true, min: 1, max: 256 };

export const BATCH_GET_TRACES_MAX_IDS = 5;
export const TRACE_SUMMARIES_MAX_RANGE_MS = 24 * 3600_000;
export const START_QUERY_MAX_GROUPS = 50;
export const LIVE_TAIL_MAX_GROUPS = 10;
export const API_GATEWAY_MAX_LIMIT = 500;

export const XRAY_SHAPES = {
  BatchGetTraces: { TraceIds: { type: 'list', required: true, min: 1, member: { min: 1, max: 35 } }, NextToken: { type: 'string' } },
  // StartTime and EndTime (required timestamps) are checked by the handler.
  StartTraceRetrieval: { TraceIds: { type: 'list', required: true, min: 0, max: 100, member: { min: 1, max: 35 } } },
  ListRetrievedTraces: { RetrievalToken: { type: 'string', required: true, min: 0, max: 1020 }, TraceFormat: { type: 'string' }, NextToken: { type: 'string' } },
} satisfies Record<string, Shape>;

export const LOGS_SHAPES = {
  FilterLogEvents: {
    logGroupName: { type: 'string', ...LOG_GROUP_NAME },
    logGroupIdentifier: { type: 'string', ...LOG_GROUP_IDENTIFIER },
    logStreamNames: { type: 'list', min: 1, max: 100, member: LOG_STREAM_NAME },
    logStreamNamePrefix: { type: 'string', ...LOG_STREAM_NAME },
    startTime: EPOCH,
    endTime: EPOCH,
    filterPattern: { type: 'string', ...FILTER_PATTERN },
    nextToken: { type: 'string', min: 1 },
    limit: { type: 'integer', min: 1, max: 10_000 },
    interleaved: { type: 'boolean' },
    unmask: { type: 'boolean' },
  },
  GetLogEvents: {
    logGroupName: { type: 'string', ...LOG_GROUP_NAME },
    logGroupIdentifier: { type: 'string', ...LOG_GROUP_IDENTIFIER },
    logStreamName: { type: 'string', required: true, ...LOG_STREAM_NAME },
    startTime: EPOCH,
    endTime: EPOCH,
    nextToken: { type: 'string', min: 1 },
    limit: { type: 'integer', min: 1, max: 10_000 },
    startFromHead: { type: 'boolean' },
    unmask: { type: 'boolean' },
  },
  StartQuery: {
    logGroupName: { type: 'string', ...LOG_GROUP_NAME },
    logGroupNames: { type: 'list', member: LOG_GROUP_NAME },
    logGroupIdentifiers: { type: 'list', member: LOG_GROUP_IDENTIFIER },
    startTime: { ...EPOCH, required: true },
    endTime: { ...EPOCH, required: true },
    queryString: { type: 'string', required: true, min: 0, max: 10_000 },
    limit: { type: 'integer', min: 1, max: 100_000 },
  },
  GetQueryResults: { queryId: QUERY_ID },
  StopQuery: { queryId: QUERY_ID },
  DescribeLogGroups: {
    logGroupNamePrefix: { type: 'string', ...LOG_GROUP_NAME },
    logGroupNamePattern: { type: 'string', min: 0, max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]*' },
    nextToken: { type: 'string', min: 1 },
    limit: { type: 'integer', min: 1, max: 50 },
    includeLinkedAccounts: { type: 'boolean' },
  },
  StartLiveTail: {
    logGroupIdentifiers: { type: 'list', required: true, min: 1, max: LIVE_TAIL_MAX_GROUPS, member: LOG_GROUP_IDENTIFIER },
    logStreamNames: { type: 'list', min: 1, max: 100, member: LOG_STREAM_NAME },
    logStreamNamePrefixes: { type: 'list', min: 1, max: 100, member: LOG_STREAM_NAME },
    logEventFilterPattern: { type: 'string', ...FILTER_PATTERN },
  },
} satisfies Record<string, Shape>;

export const LAMBDA_SHAPES = {
  ListFunctions: { MaxItems: { type: 'integer', min: 1, max: 10_000 }, Marker: { type: 'string' } },
  GetFunctionConfiguration: {
    FunctionName: {
      type: 'string',
      required: true,
      min: 1,
      max: 256,
      pattern: '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?',
    },
  },
} satisfies Record<string, Shape>;

export const API_GATEWAY_SHAPES = {
  /** GetRestApis and GetResources: a page of at most 500. */
  Paged: { limit: { type: 'integer', min: 1, max: API_GATEWAY_MAX_LIMIT } },
} satisfies Record<string, Shape>;
