// The names an AWS service goes by in each SDK, and the name X-Ray's SDK for that library gives the
// call's subsegment. Read from the X-Ray SDKs' own sources:
// - JavaScript SDK v3, aws-xray-sdk-node packages/core/lib/patchers/aws3_p.ts (getXRayMiddleware):
//   `service = clientName.slice(0, -6)` (the client class minus `Client`: `DynamoDBClient` → `DynamoDB`)
//   and `operation = commandName.slice(0, -7)` (`GetItemCommand` → `GetItem`).
// - JavaScript SDK v2, aws-xray-sdk-node packages/core/lib/patchers/aws_p.js (captureAWSRequest):
//   the subsegment is named `this.serviceIdentifier` (lower case: `dynamodb`, `s3`), the operation
//   is the method with its first letter upper-cased (segments/attributes/aws.js formatOperation).
// - boto3, aws-xray-sdk-python aws_xray_sdk/ext/botocore/patch.py (_xray_traced_botocore):
//   `name = instance._service_model.metadata["endpointPrefix"]` (`dynamodb`, `states`, `email`),
//   the operation is botocore's operation name (`GetItem`).
// `service` on a call site is always the v3 form (one vocabulary across languages); the name
// the library's X-Ray SDK actually writes is `subsegmentName`.

interface ServiceRow {
  /** `@aws-sdk/client-<v3Package>`. */
  v3Package: string;
  /** The v3 client class minus `Client`: the canonical name. */
  v3: string;
  /** The v2 class (`AWS.<v2>`, `aws-sdk/clients/<v2 lower case>`). */
  v2: string;
  /** `boto3.client('<boto3>')`. */
  boto3: string;
  /** botocore's endpointPrefix: the subsegment name under aws-xray-sdk-python. */
  endpointPrefix: string;
}

const ROWS: ServiceRow[] = [
  { v3Package: 'dynamodb', v3: 'DynamoDB', v2: 'DynamoDB', boto3: 'dynamodb', endpointPrefix: 'dynamodb' },
  { v3Package: 'dynamodb-streams', v3: 'DynamoDBStreams', v2: 'DynamoDBStreams', boto3: 'dynamodbstreams', endpointPrefix: 'streams.dynamodb' },
  { v3Package: 's3', v3: 'S3', v2: 'S3', boto3: 's3', endpointPrefix: 's3' },
  { v3Package: 'sqs', v3: 'SQS', v2: 'SQS', boto3: 'sqs', endpointPrefix: 'sqs' },
  { v3Package: 'sns', v3: 'SNS', v2: 'SNS', boto3: 'sns', endpointPrefix: 'sns' },
  { v3Package: 'lambda', v3: 'Lambda', v2: 'Lambda', boto3: 'lambda', endpointPrefix: 'lambda' },
  { v3Package: 'kinesis', v3: 'Kinesis', v2: 'Kinesis', boto3: 'kinesis', endpointPrefix: 'kinesis' },
  { v3Package: 'firehose', v3: 'Firehose', v2: 'Firehose', boto3: 'firehose', endpointPrefix: 'firehose' },
  { v3Package: 'secrets-manager', v3: 'SecretsManager', v2: 'SecretsManager', boto3: 'secretsmanager', endpointPrefix: 'secretsmanager' },
  { v3Package: 'ssm', v3: 'SSM', v2: 'SSM', boto3: 'ssm', endpointPrefix: 'ssm' },
  { v3Package: 'sts', v3: 'STS', v2: 'STS', boto3: 'sts', endpointPrefix: 'sts' },
  { v3Package: 'kms', v3: 'KMS', v2: 'KMS', boto3: 'kms', endpointPrefix: 'kms' },
  { v3Package: 'eventbridge', v3: 'EventBridge', v2: 'EventBridge', boto3: 'events', endpointPrefix: 'events' },
  { v3Package: 'sfn', v3: 'SFN', v2: 'StepFunctions', boto3: 'stepfunctions', endpointPrefix: 'states' },
  { v3Package: 'cloudwatch-logs', v3: 'CloudWatchLogs', v2: 'CloudWatchLogs', boto3: 'logs', endpointPrefix: 'logs' },
  { v3Package: 'cloudwatch', v3: 'CloudWatch', v2: 'CloudWatch', boto3: 'cloudwatch', endpointPrefix: 'monitoring' },
  { v3Package: 'ses', v3: 'SES', v2: 'SES', boto3: 'ses', endpointPrefix: 'email' },
  { v3Package: 'sesv2', v3: 'SESv2', v2: 'SESV2', boto3: 'sesv2', endpointPrefix: 'email' },
  { v3Package: 'athena', v3: 'Athena', v2: 'Athena', boto3: 'athena', endpointPrefix: 'athena' },
  { v3Package: 'rds-data', v3: 'RDSData', v2: 'RDSDataService', boto3: 'rds-data', endpointPrefix: 'rds-data' },
  { v3Package: 'cognito-identity-provider', v3: 'CognitoIdentityProvider', v2: 'CognitoIdentityServiceProvider', boto3: 'cognito-idp', endpointPrefix: 'cognito-idp' },
  { v3Package: 'apigatewaymanagementapi', v3: 'ApiGatewayManagementApi', v2: 'ApiGatewayManagementApi', boto3: 'apigatewaymanagementapi', endpointPrefix: 'execute-api' },
  { v3Package: 'api-gateway', v3: 'APIGateway', v2: 'APIGateway', boto3: 'apigateway', endpointPrefix: 'apigateway' },
  { v3Package: 'bedrock-runtime', v3: 'BedrockRuntime', v2: 'BedrockRuntime', boto3: 'bedrock-runtime', endpointPrefix: 'bedrock-runtime' },
  { v3Package: 'sagemaker-runtime', v3: 'SageMakerRuntime', v2: 'SageMakerRuntime', boto3: 'sagemaker-runtime', endpointPrefix: 'runtime.sagemaker' },
  { v3Package: 'iot-data-plane', v3: 'IoTDataPlane', v2: 'IotData', boto3: 'iot-data', endpointPrefix: 'data.iot' },
  { v3Package: 'xray', v3: 'XRay', v2: 'XRay', boto3: 'xray', endpointPrefix: 'xray' },
  { v3Package: 'scheduler', v3: 'Scheduler', v2: 'Scheduler', boto3: 'scheduler', endpointPrefix: 'scheduler' },
  { v3Package: 'appconfigdata', v3: 'AppConfigData', v2: 'AppConfigData', boto3: 'appconfigdata', endpointPrefix: 'appconfigdata' },
  { v3Package: 'textract', v3: 'Textract', v2: 'Textract', boto3: 'textract', endpointPrefix: 'textract' },
  { v3Package: 'rekognition', v3: 'Rekognition', v2: 'Rekognition', boto3: 'rekognition', endpointPrefix: 'rekognition' },
  { v3Package: 'comprehend', v3: 'Comprehend', v2: 'Comprehend', boto3: 'comprehend', endpointPrefix: 'comprehend' },
  { v3Package: 'translate', v3: 'Translate', v2: 'Translate', boto3: 'translate', endpointPrefix: 'translate' },
  { v3Package: 'ecs', v3: 'ECS', v2: 'ECS', boto3: 'ecs', endpointPrefix: 'ecs' },
  { v3Package: 'ec2', v3: 'EC2', v2: 'EC2', boto3: 'ec2', endpointPrefix: 'ec2' },
  { v3Package: 'iam', v3: 'IAM', v2: 'IAM', boto3: 'iam', endpointPrefix: 'iam' },
  { v3Package: 'cloudformation', v3: 'CloudFormation', v2: 'CloudFormation', boto3: 'cloudformation', endpointPrefix: 'cloudformation' },
];

const byV3Package = new Map(ROWS.map((r) => [r.v3Package, r]));
const byV2 = new Map(ROWS.map((r) => [r.v2.toLowerCase(), r]));
const byBoto3 = new Map(ROWS.map((r) => [r.boto3, r]));

/** A service as a call site names it: the canonical (v3) name and the subsegment's name. */
export interface ServiceName {
  service: string;
  subsegmentName: string;
}

function pascalOfParts(parts: string[]): string {
  return parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

/**
 * `@aws-sdk/client-<x>` → the client class minus `Client`. `clientClass` (a `…Client` the file
 * imports from the same package) wins over the table: it is exactly what X-Ray strips.
 */
export function serviceOfV3Package(module: string, clientClass?: string): ServiceName | undefined {
  if (!module.startsWith('@aws-sdk/client-')) return undefined;
  if (clientClass?.endsWith('Client') && clientClass.length > 6) {
    const s = clientClass.slice(0, -6);
    return { service: s, subsegmentName: s };
  }
  const suffix = module.slice('@aws-sdk/client-'.length);
  const s = byV3Package.get(suffix)?.v3 ?? pascalOfParts(suffix.split('-'));
  return { service: s, subsegmentName: s };
}

/** `AWS.DynamoDB` or `aws-sdk/clients/dynamodb` → DynamoDB, subsegment `dynamodb`. */
export function serviceOfV2Class(name: string): ServiceName {
  const row = byV2.get(name.toLowerCase());
  const className = row?.v2 ?? name.charAt(0).toUpperCase() + name.slice(1);
  return { service: row?.v3 ?? className, subsegmentName: className.toLowerCase() };
}

/** `boto3.client('dynamodb')` → DynamoDB, subsegment `dynamodb` (botocore's endpointPrefix). */
export function serviceOfBoto3(name: string): ServiceName {
  const row = byBoto3.get(name);
  return { service: row?.v3 ?? pascalOfParts(name.split('-')), subsegmentName: row?.endpointPrefix ?? name };
}

/** lib-dynamodb's commands are the DynamoDB operations under shorter names. */
const LIB_DYNAMODB_COMMANDS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactGetCommand: 'TransactGetItems',
  TransactWriteCommand: 'TransactWriteItems',
  ExecuteStatementCommand: 'ExecuteStatement',
  BatchExecuteStatementCommand: 'BatchExecuteStatement',
  ExecuteTransactionCommand: 'ExecuteTransaction',
};

/** The DocumentClient methods (v2 `DocumentClient`, v3 `DynamoDBDocument`) → operations. */
const DOCUMENT_METHODS: Record<string, string> = {
  get: 'GetItem',
  put: 'PutItem',
  update: 'UpdateItem',
  delete: 'DeleteItem',
  query: 'Query',
  scan: 'Scan',
  batchGet: 'BatchGetItem',
  batchWrite: 'BatchWriteItem',
  transactGet: 'TransactGetItems',
  transactWrite: 'TransactWriteItems',
  executeStatement: 'ExecuteStatement',
  batchExecuteStatement: 'BatchExecuteStatement',
  executeTransaction: 'ExecuteTransaction',
};

export function libDynamoDbOperation(commandClass: string): string | undefined {
  return Object.hasOwn(LIB_DYNAMODB_COMMANDS, commandClass) ? LIB_DYNAMODB_COMMANDS[commandClass] : undefined;
}

export function documentClientOperation(method: string): string | undefined {
  return Object.hasOwn(DOCUMENT_METHODS, method) ? DOCUMENT_METHODS[method] : undefined;
}

/** `getItem` → `GetItem`, `get_item` → `GetItem`. */
export function operationOfMethod(method: string): string {
  return method
    .split('_')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}
