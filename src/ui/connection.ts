// Where Trace 504 reads from: the running sample account when the user started it, otherwise
// the profile, Region and endpoint of the settings. Shown in the status bar (statusBar.ts) and
// told to the welcome view through a context key. Each connection carries the logger the AWS
// layer writes its per-call debug lines to. A connection is handed out only through
// `authorized()`: an endpoint that is neither AWS nor this machine needs the user's "Allow"
// first, and plain http:// to another machine is refused (endpointPolicy.ts), so a workspace's
// settings cannot send the user's credentials elsewhere.
import * as vscode from 'vscode';
import { ContextKeys, Settings } from '../constants';
import type { AwsLogger, Connection, SampleAccount } from '../awsBundle';
import { loadAwsBundle } from './awsBundle';
import { endpointSource, readConfig } from './config';
import type { EndpointConsent } from './endpointConsent';
import { checkEndpoint, consentText, notAllowedText } from './endpointPolicy';
import type { Logger } from './logger';

const ALLOW = 'Allow';
const OPEN_SETTING = 'Open Setting';

/** Dummy keys the sample account accepts; it is not AWS, so no real credentials are sent to it. */
const SAMPLE_CREDENTIALS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };

/**
 * `sample`: the sample account; `profile`: the settings name a profile, a Region or an endpoint
 * (the user has chosen where to read); `none`: nothing chosen yet.
 */
export type ConnectionKind = 'none' | 'profile' | 'sample';

export class ConnectionState implements vscode.Disposable {
  private sample: SampleAccount | undefined;
  /**
   * Whether Trace 504 reads from the sample account. Leaving it keeps the server running: Live
   * Updates of a run on it still read from it, and coming back is instant.
   */
  private usingSample = false;
  private readonly subscription: vscode.Disposable;
  private readonly changed = new vscode.EventEmitter<ConnectionKind>();
  /** Fires when the sample account is started or left, or a `timeoutLens.aws.*` setting changes. */
  readonly onDidChange = this.changed.event;

  /** The question being asked per endpoint origin: two commands at once share one dialog. */
  private readonly asking = new Map<string, Promise<boolean>>();

  /**
   * `consent` holds the endpoints the user allowed (the extension's global state);
   * `awsLog` receives `XRay.GetTraceSummaries 200 41 ms` for each AWS call, at debug level.
   */
  constructor(
    private readonly log: Logger,
    private readonly consent: EndpointConsent,
    private readonly awsLog: AwsLogger = log.child('aws'),
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('timeoutLens.aws')) return;
      // Choosing a profile, Region or endpoint means reading from them, not from the sample account.
      if (this.usingSample) this.log.info('a timeoutLens.aws setting changed: reading from the settings, not the sample account');
      this.usingSample = false;
      this.update();
    });
    this.update();
  }

  private get active(): SampleAccount | undefined {
    return this.usingSample ? this.sample : undefined;
  }

  get sampleEndpoint(): string | undefined {
    return this.active?.endpoint;
  }

  get kind(): ConnectionKind {
    if (this.active) return 'sample';
    const c = readConfig();
    return c.profile || c.region || c.endpoint ? 'profile' : 'none';
  }

  /**
   * Where AWS calls may go now, or undefined when they may not (nothing is sent then): the
   * settings' endpoint must be AWS or this machine, or one the user allowed. `interactive` asks
   * (a modal dialog) for an endpoint not yet allowed and says why a refused one is refused;
   * without it (work the user did not start, e.g. a hint looking up a function name) nothing is
   * asked and an endpoint not yet allowed is simply not used.
   */
  async authorized(opts: { interactive: boolean } = { interactive: true }): Promise<Connection | undefined> {
    const conn = this.unchecked();
    if (!conn.endpoint) return conn;
    const check = checkEndpoint(conn.endpoint);
    if (check.verdict === 'send') return conn;
    if (check.verdict === 'refuse') {
      this.log.warn(check.message);
      if (opts.interactive) this.offerSetting(vscode.window.showErrorMessage(check.message, OPEN_SETTING));
      return undefined;
    }
    if (this.consent.isAllowed(check.origin)) return conn;
    if (!opts.interactive) {
      this.log.info(`not sending to ${check.origin}: the endpoint is not allowed yet`);
      return undefined;
    }
    let asked = this.asking.get(check.origin);
    if (!asked) {
      asked = this.ask(check.origin).finally(() => this.asking.delete(check.origin));
      this.asking.set(check.origin, asked);
    }
    return (await asked) ? conn : undefined;
  }

  /** The consent dialog; "Allow" is remembered for this origin, anything else sends nothing. */
  private async ask(origin: string): Promise<boolean> {
    const { message, detail } = consentText(origin, endpointSource());
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, ALLOW);
    if (answer === ALLOW) {
      await this.consent.allow(origin);
      this.log.info(`the user allowed signed AWS requests to ${origin}`);
      return true;
    }
    this.log.info(`the user did not allow ${origin}: nothing sent`);
    this.offerSetting(vscode.window.showWarningMessage(notAllowedText(origin), OPEN_SETTING));
    return false;
  }

  private offerSetting(choice: Thenable<string | undefined>): void {
    void choice.then((c) => (c === OPEN_SETTING ? vscode.commands.executeCommand('workbench.action.openSettings', `${Settings.section}.${Settings.endpoint}`) : undefined));
  }

  /** Where the settings (or the sample account) point, before any check: only `authorized()` hands it out. */
  private unchecked(): Connection {
    const sample = this.active;
    if (sample) return { endpoint: sample.endpoint, region: sample.region, credentials: SAMPLE_CREDENTIALS, logger: this.awsLog };
    const c = readConfig();
    const out: Connection = { logger: this.awsLog };
    if (c.profile) out.profile = c.profile;
    if (c.region) out.region = c.region;
    if (c.endpoint) out.endpoint = c.endpoint;
    return out;
  }

  /** Short, for the Slow Endpoints view's top row: `sample account · us-east-1`, `profile work · eu-west-1`. */
  label(): string {
    if (this.active) return 'sample account · us-east-1';
    const c = readConfig();
    return `${c.profile ? `profile ${c.profile}` : 'default AWS credentials'} · ${c.region ?? 'the profile’s Region'}`;
  }

  describe(): string {
    if (this.active) return `the sample account (${this.active.endpoint})`;
    return this.describeSettings();
  }

  /** Where the settings point, whether or not the sample account is in use. */
  describeSettings(): string {
    const c = readConfig();
    return `${c.profile ? `profile ${c.profile}` : 'the default AWS credentials'}${c.region ? ` in ${c.region}` : ''}${c.endpoint ? ` at ${c.endpoint}` : ''}`;
  }

  /** Starts the sample account in this extension host (once) and reads from it from now on. */
  async startSample(): Promise<string> {
    if (!this.sample) {
      const { startSampleAccount } = loadAwsBundle();
      this.sample = await startSampleAccount({ port: 0, historyMinutes: 60, speed: 10 });
      this.log.info(`sample account started at ${this.sample.endpoint}`);
    }
    if (!this.usingSample) {
      this.usingSample = true;
      this.update();
    }
    return this.sample.endpoint;
  }

  /** Reads from the settings' profile and Region again; the sample account keeps running. */
  leaveSample(): void {
    if (!this.usingSample) return;
    this.usingSample = false;
    this.log.info(`left the sample account: reading from ${this.describe()}`);
    this.update();
  }

  private update(): void {
    const kind = this.kind;
    void vscode.commands.executeCommand('setContext', ContextKeys.connection, kind);
    void vscode.commands.executeCommand('setContext', ContextKeys.sampleAccountRunning, this.sample !== undefined);
    this.changed.fire(kind);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    void this.sample?.close();
    this.sample = undefined;
  }
}
