// CloudWatch Logs Live Tail in the sample account, on the wire as AWS sends it: StartLiveTail
// (awsJson1_1) answers `application/vnd.amazon.eventstream`, frames made by the SDK's own codec
// (EventStreamCodec): a `sessionStart` event, then a `sessionUpdate` every `pushMs` with the
// events of the requested groups that the scenario's clock has produced since (matching the
// filter pattern; a sample of 500 when there are more, as AWS does); after `sessionMs` (3 hours
// on AWS) a SessionTimeoutException frame ends the stream. A client that goes away ends its
// session. Log groups are taken by ARN only, at most 10, as the service takes them; log streams
// by name or by prefix (not both), and then for one log group only.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/core/serde';
import type { MessageHeaders } from '@smithy/types';
import type { ScenarioStore } from './store';
import { compilePattern } from './logsService';
import { WireError, invalid } from './wire';
import { validate } from './constraints';
import { LOGS_SHAPES } from './requestLimits';

export interface LiveTailOptions {
  /** How often a session sends an update (AWS: about every second). */
  pushMs?: number;
  /** How long a session lasts (AWS: 3 hours). */
  sessionMs?: number;
}

/** Live Tail sends at most this many events per update, a sample when there are more. */
const MAX_RESULTS = 500;
const LOG_GROUP_ARN = /^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:([^*]+)$/;

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value: string): MessageHeaders[string] => ({ type: 'string', value });

function frame(headers: MessageHeaders, body: unknown): Uint8Array {
  return codec.encode({ headers: { ...headers, ':content-type': str('application/json') }, body: fromUtf8(JSON.stringify(body)) });
}
const event = (type: 'sessionStart' | 'sessionUpdate', body: unknown): Uint8Array => frame({ ':message-type': str('event'), ':event-type': str(type) }, body);
const exception = (type: string, message: string): Uint8Array => frame({ ':message-type': str('exception'), ':exception-type': str(type) }, { message });

export class LiveTailSessions {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly store: ScenarioStore,
    private readonly options: LiveTailOptions = {},
  ) {}

  /** Sessions streaming now. */
  get count(): number {
    return this.open.size;
  }

  /**
   * Checks the request and starts the stream on `res`; an invalid request throws a WireError
   * before anything is written, so it is answered as any other error.
   */
  start(input: Record<string, unknown>, res: ServerResponse): void {
    validate('logs', input, LOGS_SHAPES.StartLiveTail);
    const ids = input.logGroupIdentifiers as string[];
    const names = input.logStreamNames as string[] | undefined;
    const prefixes = input.logStreamNamePrefixes as string[] | undefined;
    if (names && prefixes) throw invalid('logStreamNames and logStreamNamePrefixes cannot both be specified.', 'InvalidParameterException');
    if ((names || prefixes) && ids.length !== 1) throw invalid('logStreamNames and logStreamNamePrefixes can be specified only with exactly one log group.', 'InvalidParameterException');
    const inStream = (stream: string): boolean => (names ? names.includes(stream) : prefixes ? prefixes.some((p) => stream.startsWith(p)) : true);
    const groups = ids.map((id) => {
      const name = LOG_GROUP_ARN.exec(id)?.[1];
      if (!name) throw invalid(`${id} is not a log group ARN: StartLiveTail takes log groups by ARN (without a trailing *).`, 'InvalidParameterException');
      if (!this.store.logGroups().includes(name)) throw new WireError('ResourceNotFoundException', 400, `The log group ${id} does not exist.`);
      return { id, name };
    });
    const pattern = typeof input.logEventFilterPattern === 'string' ? input.logEventFilterPattern : '';
    const match = compilePattern(pattern);
    const startedAt = this.store.now();
    let from = startedAt + 1;
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() });
    res.write(event('sessionStart', { requestId: randomUUID(), sessionId: randomUUID(), logGroupIdentifiers: ids, ...(pattern ? { logEventFilterPattern: pattern } : {}) }));
    const tick = (): void => {
      const now = this.store.now();
      if (now - startedAt >= (this.options.sessionMs ?? 3 * 3600_000)) {
        res.write(exception('SessionTimeoutException', 'The Live Tail session has reached its 3-hour limit.'));
        end();
        res.end();
        return;
      }
      if (now < from) return;
      const results = groups
        .flatMap((g) => this.store.logEvents(g.name, from, now).filter((e) => match(e.message) && inStream(e.stream)).map((e) => ({ e, id: g.id })))
        .sort((a, b) => a.e.timestamp - b.e.timestamp);
      from = now + 1;
      const sampled = results.length > MAX_RESULTS;
      const step = results.length / MAX_RESULTS;
      const sent = sampled ? Array.from({ length: MAX_RESULTS }, (_, i) => results[Math.floor(i * step)]!) : results;
      res.write(
        event('sessionUpdate', {
          sessionMetadata: { sampled },
          sessionResults: sent.map(({ e, id }) => ({ logStreamName: e.stream, logGroupIdentifier: id, message: e.message, timestamp: e.timestamp, ingestionTime: e.timestamp + 120 })),
        }),
      );
    };
    const timer = setInterval(tick, this.options.pushMs ?? 1000);
    const end = (): void => {
      clearInterval(timer);
      this.open.delete(end);
    };
    this.open.add(end);
    res.on('close', end);
  }

  /** Ends every session (the account is closing). */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
