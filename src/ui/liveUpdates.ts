// "Toggle Live Updates": keeps the Slow Endpoints view current after a Trace 504 run by reading
// the run's log groups every few seconds (src/aws/liveEndpoints.ts). The view's message says
// that it is live and when it last changed; its badge counts the 504s that came in since live
// updates began. A poll that fails is logged and said in the message, and the next one tries
// again; a new Trace 504 run is followed from then on.
import * as vscode from 'vscode';
import type { AwsClients, FollowState, LiveUpdate } from '../awsBundle';
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
}

const time = (ms: number): string => new Date(ms).toLocaleTimeString();

export class LiveUpdates implements vscode.Disposable {
  private run: FollowedRun | undefined;
  private live: { abort: AbortController; clients: AwsClients; newTimeouts: number } | undefined;
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
  followRun(follow: FollowState, target: string): void {
    if (!follow.plan.accessGroups.length || !follow.readUntilMs.size) return;
    this.run = { follow, target, where: this.conn.describe() };
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
    const clients = new AwsClients(this.conn.connection());
    const abort = new AbortController();
    const live = { abort, clients, newTimeouts: 0 };
    this.live = live;
    this.changed.fire();
    const everyMs = readConfig().liveRefreshSeconds * 1000;
    this.view.message = `Live: ${run.target}, every ${everyMs / 1000} s — waiting for the first poll…`;
    this.log.info(`live updates on: ${run.target}, every ${everyMs / 1000} s`);
    void followEndpoints(clients, run.follow, {
      everyMs,
      signal: abort.signal,
      onUpdate: (u: LiveUpdate) => this.update(live, run, u),
      onWarning: (w: string) => {
        this.log.warn(`live update: ${w}`);
        this.view.message = `Live: ${run.target} — the last poll failed (${w}); trying again in ${everyMs / 1000} s.`;
      },
    });
  }

  private update(live: NonNullable<LiveUpdates['live']>, run: FollowedRun, u: LiveUpdate): void {
    if (this.live !== live) return;
    this.endpoints.setEndpoints(u.endpoints);
    live.newTimeouts += u.newTimeouts;
    this.log.info(`live update: ${u.newEvents} new log event(s), ${u.newTimeouts} new 504(s), ${u.endpoints.length} endpoint(s)`);
    this.view.message = `Live: ${run.target} since ${time(u.sinceMs)} — updated ${time(u.untilMs)}${live.newTimeouts ? ` · ${live.newTimeouts} new 504(s) since live began` : ''}`;
    this.view.badge = live.newTimeouts
      ? { value: live.newTimeouts, tooltip: `${live.newTimeouts} request(s) timed out at the gateway since live updates began` }
      : undefined;
  }

  stop(): void {
    if (!this.live) return;
    this.live.abort.abort();
    this.live.clients.dispose();
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
