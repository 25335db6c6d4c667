// "Toggle Live Updates": keeps the Slow Endpoints view current after a Trace 504 run by reading
// the run's log groups at once, then following them with CloudWatch Logs Live Tail, or polling
// every few seconds where Live Tail is denied or not available (src/aws/liveEndpoints.ts). The view's
// message says when live updates began and when a new request last came in, as clock times; its
// badge counts the 504s that came in since live updates began. A route with new 504s raises one
// notification ("3 new 504s on POST /reports", Open Waterfall), at most one per route a minute
// (src/core/liveNotices.ts), unless `timeoutLens.liveUpdates.notify` is off. A poll that fails
// is logged and said in the message, and the next one tries again; a new Trace 504 run is
// followed from then on.
import * as vscode from 'vscode';
import type { AwsClients, Connection, FollowState, LiveSource, LiveUpdate } from '../awsBundle';
import { Commands } from '../constants';
import { LiveNotices, noticeText, type LiveNotice } from '../core/liveNotices';
import { loadAwsBundle } from './awsBundle';
import { readConfig } from './config';
import type { ConnectionState } from './connection';
import type { Logger } from './logger';
import type { SlowEndpointsTree } from './slowEndpointsTree';

interface FollowedRun {
  follow: FollowState;
  target: string;
  /** The connection the run read from: live updates read from the same one. */
  where: string;
  /** That connection, as `ConnectionState.authorized()` handed it to the run. */
  connection: Connection;
}

interface Live {
  abort: AbortController;
  clients: AwsClients;
  newTimeouts: number;
  /** When live updates began, and when an update last brought new log events (wall clock). */
  startedMs: number;
  lastNewMs?: number;
  /** How the logs are followed now (polling until Live Tail's sessions start). */
  source: LiveSource;
  everyMs: number;
  /** What the last read said went wrong, until the next update. */
  warning?: string;
  notices: LiveNotices;
  /** Shows the notices held back by the per-route gap once it is over. */
  flush?: ReturnType<typeof setTimeout>;
}

/** `6:23 PM`: when live updates began. */
const clockTime = (ms: number): string => new Date(ms).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
/** `6:41:07 PM`: when something last changed. */
const clockTimeSeconds = (ms: number): string => new Date(ms).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });

export class LiveUpdates implements vscode.Disposable {
  private run: FollowedRun | undefined;
  private live: Live | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when live updates start or stop (the status bar shows which). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly view: vscode.TreeView<unknown>,
    private readonly endpoints: SlowEndpointsTree,
    private readonly conn: ConnectionState,
    private readonly log: Logger,
  ) {}

  /** What live updates follow while they are on (e.g. "orders-api (REST API, stage prod)"); undefined when off. */
  get following(): string | undefined {
    return this.live ? this.run?.target : undefined;
  }

  /**
   * A Trace 504 run finished: its logs are what live updates follow from now on. Only runs that
   * read an access log have endpoints to keep current; a run on a function alone leaves the
   * followed API as it was.
   */
  followRun(follow: FollowState, target: string, connection: Connection): void {
    if (!follow.plan.accessGroups.length || !follow.readUntilMs.size) return;
    this.run = { follow, target, where: this.conn.describe(), connection };
    if (this.live) {
      this.stop();
      this.start();
    }
  }

  async toggle(): Promise<void> {
    if (this.live) {
      this.stop();
      this.log.info('live updates off');
      return;
    }
    if (!this.run) {
      const choice = await vscode.window.showInformationMessage(
        'Live updates follow the access log of the API of the last Trace 504 run, and there is none yet: run Trace 504 on an API (with access logging on) first.',
        'Trace 504',
      );
      if (choice) await vscode.commands.executeCommand('timeoutLens.trace504');
      return;
    }
    if (this.run.where !== this.conn.describe()) {
      void vscode.window.showWarningMessage(
        `The last Trace 504 run read from ${this.run.where}, and Timeout Lens now reads from ${this.conn.describe()}: run Trace 504 again, then turn live updates on.`,
      );
      return;
    }
    this.start();
  }

  private start(): void {
    const run = this.run;
    if (!run) return;
    const { AwsClients, followEndpoints } = loadAwsBundle();
    const clients = new AwsClients(run.connection);
    const abort = new AbortController();
    const everyMs = readConfig().liveRefreshSeconds * 1000;
    const live: Live = { abort, clients, newTimeouts: 0, startedMs: Date.now(), source: 'polling', everyMs, notices: new LiveNotices() };
    this.live = live;
    this.changed.fire();
    this.show(live, run);
    this.log.info(`live updates on: ${run.target}, every ${everyMs / 1000} s until Live Tail starts`);
    void followEndpoints(clients, run.follow, {
      everyMs,
      signal: abort.signal,
      onUpdate: (u: LiveUpdate) => this.update(live, run, u),
      onSource: (s: LiveSource) => {
        if (this.live !== live || live.source === s) return;
        live.source = s;
        this.log.info(s === 'live-tail' ? 'live updates: following with CloudWatch Logs Live Tail' : `live updates: polling every ${everyMs / 1000} s`);
        this.show(live, run);
      },
      onWarning: (w: string) => {
        if (this.live !== live) return;
        this.log.warn(`live update: ${w}`);
        live.warning = w;
        this.show(live, run);
      },
    });
  }

  /** `Live since 6:23 PM (Live Tail) — orders-api (REST API, stage prod) · last new request 6:41:07 PM · 3 new 504s`. */
  private show(live: Live, run: FollowedRun): void {
    const how = live.source === 'live-tail' ? 'Live Tail' : `polling every ${live.everyMs / 1000} s`;
    const last = live.lastNewMs === undefined ? 'no new request yet' : `last new request ${clockTimeSeconds(live.lastNewMs)}`;
    const timeouts = live.newTimeouts ? ` · ${live.newTimeouts} new 504${live.newTimeouts === 1 ? '' : 's'}` : '';
    this.view.message = `Live since ${clockTime(live.startedMs)} (${how}) — ${run.target} · ${live.warning ?? `${last}${timeouts}`}`;
  }

  private update(live: Live, run: FollowedRun, u: LiveUpdate): void {
    if (this.live !== live) return;
    this.endpoints.setEndpoints(u.endpoints);
    live.newTimeouts += u.newTimeouts;
    if (u.newEvents > 0) live.lastNewMs = Date.now();
    this.log.info(`live update: ${u.newEvents} new log event(s), ${u.newTimeouts} new 504(s), ${u.endpoints.length} endpoint(s)`);
    live.warning = undefined;
    this.show(live, run);
    this.view.badge = live.newTimeouts
      ? { value: live.newTimeouts, tooltip: `${live.newTimeouts} request(s) timed out at the gateway since live updates began at ${clockTime(live.startedMs)}` }
      : undefined;
    if (readConfig().liveNotify) this.announce(live, live.notices.add(u.newTimeoutRoutes, Date.now()));
  }

  /** One notification per route; the notices held back by the gap are shown when it is over. */
  private announce(live: Live, notices: LiveNotice[]): void {
    for (const n of notices) {
      const text = noticeText(n);
      this.log.info(`live notice: ${text}`);
      void vscode.window.showWarningMessage(text, 'Open Waterfall').then((choice) => {
        if (choice) void this.openWorst(n);
      });
    }
    const next = live.notices.nextDueMs();
    if (next === undefined || live.flush) return;
    live.flush = setTimeout(() => {
      live.flush = undefined;
      if (this.live !== live) return;
      this.announce(live, readConfig().liveNotify ? live.notices.due(Date.now()) : []);
    }, Math.max(0, next - Date.now()));
  }

  /** The route's worst traced request; a route with none traced yet gets a Trace 504 run on its API. */
  private async openWorst(n: LiveNotice): Promise<void> {
    const worst = this.endpoints.getChildren({ kind: 'route', e: n.endpoint }).find((c) => c.kind === 'request');
    if (worst?.kind === 'request') {
      this.log.info(`live notice: opening ${worst.request.report.traceId} of ${n.endpoint.method} ${n.endpoint.route}`);
      await vscode.commands.executeCommand(Commands.openTracedRequest, worst.request.report.traceId);
      return;
    }
    await vscode.commands.executeCommand(Commands.trace504, { api: n.endpoint.api, minutes: readConfig().traceWindowMinutes });
  }

  stop(): void {
    if (!this.live) return;
    this.live.abort.abort();
    this.live.clients.dispose();
    clearTimeout(this.live.flush);
    this.live = undefined;
    this.changed.fire();
    this.view.message = undefined;
    this.view.badge = undefined;
  }

  dispose(): void {
    this.stop();
    this.changed.dispose();
  }
}
