// CloudWatch Logs Live Tail, read-only: StartLiveTail opens an event stream (the SDK decodes its
// frames) that carries a sessionStart, then a sessionUpdate about every second with the events
// ingested since, in the groups asked for. A session takes at most 10 log groups, by ARN (a name
// is refused), so the names become ARNs first (DescribeLogGroups) and more groups make more
// sessions, each with its own filter pattern. A session ends after 3 hours
// (SessionTimeoutException), on a stream failure (SessionStreamingException), when AWS closes it,
// or when the signal aborts; the caller learns which, to start again or to poll instead. This is
// the AWS Toolkit's way (a session per request, its stream iterated, an abort to stop it).
import { DescribeLogGroupsCommand, StartLiveTailCommand, type LiveTailSessionLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from './clients';
import { AwsSourceError, isCancellation } from './errors';

/** StartLiveTail takes at most this many log groups per session. */
export const LIVE_TAIL_MAX_GROUPS = 10;

/** Groups followed with one filter pattern (none: every event). */
export interface TailRequest {
  groups: string[];
  filterPattern?: string;
}

/** A log event as Live Tail delivers it, its group by name. */
export interface TailEvent {
  group: string;
  stream?: string;
  timestamp: number;
  message: string;
}

export interface TailHandlers {
  /** Every session has started: events ingested from now on come through `onEvents`. */
  onStart(): void;
  /** One session's update (possibly empty) for its `groups`; `sampled` when Live Tail sent only a sample of the events. */
  onEvents(events: TailEvent[], sampled: boolean, groups: readonly string[]): void;
}

/** Why a tail ended, for the caller to choose: start again, poll for a while, or poll for good. */
export type TailEnd =
  | { kind: 'cancelled' }
  /** A session ran its 3 hours, or AWS closed its stream: start a new one. */
  | { kind: 'ended'; message: string }
  /** The credentials may not call StartLiveTail: `message` names the IAM action. */
  | { kind: 'denied'; message: string }
  /** Live Tail failed or is not there (an endpoint without it, a streaming failure, the network). */
  | { kind: 'unavailable'; message: string };

const LOG_GROUP_ARN = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:(.+?)(?::\*)?$/;

/** A group's name from what Live Tail says of it (its ARN, or its name). */
export function groupNameOf(identifier: string): string {
  return LOG_GROUP_ARN.exec(identifier)?.[1] ?? identifier;
}

/** The ARN of each group (without the `:*` DescribeLogGroups' `arn` ends with), by name. */
export async function logGroupArns(clients: AwsClients, names: readonly string[], signal?: AbortSignal): Promise<Map<string, string>> {
  const arns = new Map<string, string>();
  for (const name of new Set(names)) {
    const out = await clients.call('DescribeLogGroups', (o) => clients.logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 50 }), o), signal);
    const g = out.logGroups?.find((x) => x.logGroupName === name);
    const arn = g?.logGroupArn ?? g?.arn?.replace(/:\*$/, '');
    if (!arn) throw new AwsSourceError('service', `The log group ${name} was not found (DescribeLogGroups), so Live Tail cannot follow it.`, 'DescribeLogGroups');
    arns.set(name, arn);
  }
  return arns;
}

/** The sessions a set of requests needs: at most 10 groups each. */
export function tailSessions(requests: readonly TailRequest[]): TailRequest[] {
  const out: TailRequest[] = [];
  for (const r of requests) {
    for (let i = 0; i < r.groups.length; i += LIVE_TAIL_MAX_GROUPS) out.push({ ...r, groups: r.groups.slice(i, i + LIVE_TAIL_MAX_GROUPS) });
  }
  return out;
}

function endOf(e: unknown): TailEnd {
  if (isCancellation(e)) return { kind: 'cancelled' };
  const err = AwsSourceError.is(e) ? e : undefined;
  const message = e instanceof Error ? e.message : String(e);
  if (err?.code === 'access-denied') return { kind: 'denied', message };
  const name = (err?.cause as { name?: unknown } | undefined)?.name;
  if (name === 'SessionTimeoutException') return { kind: 'ended', message: 'The Live Tail session reached its 3-hour limit.' };
  return { kind: 'unavailable', message };
}

const toEvent = (e: LiveTailSessionLogEvent): TailEvent | undefined =>
  e.message === undefined || e.logGroupIdentifier === undefined
    ? undefined
    : { group: groupNameOf(e.logGroupIdentifier), message: e.message, timestamp: e.timestamp ?? e.ingestionTime ?? 0, ...(e.logStreamName ? { stream: e.logStreamName } : {}) };

/**
 * Follows the groups with Live Tail until a session ends or the signal aborts, and says why it
 * ended; never throws. When one session ends the others are stopped, so the caller has one
 * state to act on.
 */
export async function liveTail(clients: AwsClients, requests: readonly TailRequest[], h: TailHandlers, signal: AbortSignal): Promise<TailEnd> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const names = requests.flatMap((r) => r.groups);
    if (!names.length) return { kind: 'unavailable', message: 'There is no log group to follow.' };
    const arns = await logGroupArns(clients, names, stop.signal);
    const sessions = tailSessions(requests);
    let started = 0;
    const run = (s: TailRequest): Promise<TailEnd> =>
      clients
        .call(
          'StartLiveTail',
          async (o): Promise<TailEnd> => {
            const input = { logGroupIdentifiers: s.groups.map((g) => arns.get(g)!), ...(s.filterPattern ? { logEventFilterPattern: s.filterPattern } : {}) };
            const out = await clients.logs().send(new StartLiveTailCommand(input), o);
            if (!out.responseStream) return { kind: 'unavailable', message: 'StartLiveTail answered without an event stream.' };
            for await (const frame of out.responseStream) {
              // A frame already decoded when another session ended is not passed on.
              if (stop.signal.aborted) break;
              if (frame.sessionStart) {
                if (++started === sessions.length) h.onStart();
              } else if (frame.sessionUpdate) {
                const events = (frame.sessionUpdate.sessionResults ?? []).map(toEvent).filter((x): x is TailEvent => x !== undefined);
                h.onEvents(events, frame.sessionUpdate.sessionMetadata?.sampled === true, s.groups);
              }
              // SessionTimeoutException and SessionStreamingException come as frames the SDK throws.
            }
            return stop.signal.aborted ? { kind: 'cancelled' } : { kind: 'ended', message: 'AWS closed the Live Tail session.' };
          },
          stop.signal,
        )
        .catch(endOf);
    // The first session to end ends them all.
    const first = await Promise.race(sessions.map(run));
    return signal.aborted ? { kind: 'cancelled' } : first;
  } catch (e) {
    return signal.aborted ? { kind: 'cancelled' } : endOf(e);
  } finally {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
  }
}
