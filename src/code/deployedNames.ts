// The names a function has once deployed, so a trace's or a log's function name finds the
// template that declares it: explicit names as they are, generated names by their prefix.
//
// How CloudFormation names a resource it names itself (a Lambda function without FunctionName):
// `<stack>-<LogicalId>-<SUFFIX>`, where SUFFIX is random alphanumerics. AWS documents only the
// shape ("CloudFormation might name an Amazon S3 bucket … MyStack-MyBucket-abcdefghijk1",
// CloudFormation User Guide, "Name type"), not the truncation. What is observed:
// - the suffix is 12 characters in names created lately (`sam-app-HelloWorldFunction-AbCdEf123456`)
//   and 13 upper-case characters in older ones (`…-1GRP3N0TVA1LD`);
// - when the whole name would pass Lambda's 64-character limit, the logical id is cut to 24
//   characters and the stack name to what is left: convox/rack#2297 (GitHub issue, 2017) shows
//   `mylongerapp-playground-ne-InstancesLifecycleHandle-1GRP3N0TVA1LD` for the stack
//   `mylongerapp-playground-new` and the logical id `InstancesLifecycleHandler`: 25 + 1 + 24 + 1 +
//   13 = 64. LocalStack's emulation (`generate_default_name` in its resource-provider utils)
//   follows the same rule: `logical_id[:24]`, the stack name cut to fill the rest.
// Since the rule is observed, not promised, `matchesDeployedName` also accepts any 64-character
// name made of a prefix of the stack name, a prefix of the logical id and an alphanumeric suffix.
import type { FunctionDecl } from './types';

const MAX_NAME = 64;
const LOGICAL_ID_CUT = 24;
const SUFFIX_LENGTHS = [12, 13];

/** The prefixes (`<stack>-<LogicalId>-`) a generated name can start with, for each suffix length seen. */
export function generatedNamePrefixes(stackName: string, logicalId: string): string[] {
  const out = new Set<string>();
  for (const suffix of SUFFIX_LENGTHS) {
    const full = `${stackName}-${logicalId}-`;
    if (full.length + suffix <= MAX_NAME) {
      out.add(full);
      continue;
    }
    const id = logicalId.slice(0, LOGICAL_ID_CUT);
    const room = MAX_NAME - suffix - 2 - id.length;
    if (room < 1) continue;
    out.add(`${stackName.slice(0, room)}-${id}-`);
  }
  return [...out];
}

/** The function name out of a Lambda function ARN (`arn:aws:lambda:…:function:NAME[:qualifier]`), or the name itself. */
export function functionNameOf(nameOrArn: string): string {
  const m = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

/** Whether `name` is what CloudFormation generated for `logicalId` in `stackName`, truncated or not. */
export function isGeneratedName(name: string, stackName: string, logicalId: string): boolean {
  for (const p of generatedNamePrefixes(stackName, logicalId)) {
    if (name.startsWith(p) && /^[A-Za-z0-9]{8,13}$/.test(name.slice(p.length))) return true;
  }
  if (name.length !== MAX_NAME) return false;
  // Truncated by a rule other than the observed one: a prefix of each part, then the suffix.
  const m = /^(.+)-([A-Za-z0-9]{12,13})$/.exec(name);
  if (!m) return false;
  const head = m[1]!;
  for (let k = 1; k <= Math.min(stackName.length, head.length - 2); k++) {
    if (head.charCodeAt(k) !== 45 /* - */) continue;
    if (!stackName.startsWith(head.slice(0, k))) break;
    const id = head.slice(k + 1);
    if (id && logicalId.startsWith(id)) return true;
  }
  return false;
}

/**
 * Whether a deployed function (by name, or by ARN `arn:aws:lambda:…:function:NAME[:qualifier]`)
 * is this declaration: an explicit name, or a name CloudFormation generated for it (see deployedNames.ts).
 */
export function matchesDeployedName(fn: FunctionDecl, name: string): boolean {
  const n = functionNameOf(name.trim());
  if (fn.deployedNames.includes(n)) return true;
  return !!fn.stackName && fn.deployedNamePrefixes.length > 0 && isGeneratedName(n, fn.stackName, fn.logicalId);
}
