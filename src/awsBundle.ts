// Entry of dist/aws.js, the second extension bundle: everything that loads the AWS SDK. The
// extension requires it on first use (src/ui/awsBundle.ts), so activation never parses the SDK.
export { AwsClients } from './aws/clients';
export type { AwsLogger, Connection } from './aws/clients';
export { AwsSourceError, isCancellation } from './aws/errors';
export { listApis, listFunctions } from './aws/configSource';
export type { ApiInfo, FunctionConfig } from './aws/configSource';
export { trace504 } from './aws/trace504';
export { accessLogQuery } from './aws/accessLogQuery';
export { normalizeTraceId, traceById } from './aws/traceById';
export type { TraceByIdResult } from './aws/traceById';
export { functionLogGroup, requestEvents } from './aws/logsSource';
export type { FirstAnswer, FollowState, Trace504Result } from './aws/trace504';
export { followEndpoints } from './aws/liveEndpoints';
export type { LiveSource, LiveUpdate } from './aws/liveEndpoints';
export { startSampleAccount } from './aws/sampleAccount/server';
export type { SampleAccount } from './aws/sampleAccount/server';
