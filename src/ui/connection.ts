// Where Trace 504 reads from: the running sample account when the user started it, otherwise
// the profile, Region and endpoint of the settings. Shown in the status bar. Each connection
// carries the logger the AWS layer writes its per-call debug lines to.
import * as vscode from 'vscode';
import { Commands, ContextKeys } from '../constants';
import type { AwsLogger, Connection, SampleAccount } from '../awsBundle';
import { loadAwsBundle } from './awsBundle';
import { readConfig } from './config';
import type { Logger } from './logger';

/** Dummy keys the sample account accepts; it is not AWS, so no real credentials are sent to it. */
const SAMPLE_CREDENTIALS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };

export class ConnectionState implements vscode.Disposable {
  private sample: SampleAccount | undefined;
  private readonly status = vscode.window.createStatusBarItem('timeoutLens.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  /** `awsLog` receives `XRay.GetTraceSummaries 200 41 ms` for each AWS call, at debug level. */
  constructor(
    private readonly log: Logger,
    private readonly awsLog: AwsLogger = log.child('aws'),
  ) {
    this.status.name = 'Timeout Lens: AWS connection';
    this.status.command = Commands.selectProfile;
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('timeoutLens.aws')) this.render();
    });
    this.render();
  }

  get sampleEndpoint(): string | undefined {
    return this.sample?.endpoint;
  }

  connection(): Connection {
    if (this.sample) return { endpoint: this.sample.endpoint, region: this.sample.region, credentials: SAMPLE_CREDENTIALS, logger: this.awsLog };
    const c = readConfig();
    const out: Connection = { logger: this.awsLog };
    if (c.profile) out.profile = c.profile;
    if (c.region) out.region = c.region;
    if (c.endpoint) out.endpoint = c.endpoint;
    return out;
  }

  /** Short, for the Slow Endpoints view's top row: `sample account · us-east-1`, `profile work · eu-west-1`. */
  label(): string {
    if (this.sample) return 'sample account · us-east-1';
    const c = readConfig();
    return `${c.profile ? `profile ${c.profile}` : 'default AWS credentials'} · ${c.region ?? 'the profile’s Region'}`;
  }

  describe(): string {
    if (this.sample) return `the sample account (${this.sample.endpoint})`;
    const c = readConfig();
    return `${c.profile ? `profile ${c.profile}` : 'the default AWS credentials'}${c.region ? ` in ${c.region}` : ''}${c.endpoint ? ` at ${c.endpoint}` : ''}`;
  }

  /** Starts the sample account in this extension host (once) and reads from it from now on. */
  async startSample(): Promise<string> {
    if (!this.sample) {
      const { startSampleAccount } = loadAwsBundle();
      this.sample = await startSampleAccount({ port: 0, historyMinutes: 60, speed: 10 });
      this.log.info(`sample account started at ${this.sample.endpoint}`);
      await vscode.commands.executeCommand('setContext', ContextKeys.sampleAccountRunning, true);
      this.render();
    }
    return this.sample.endpoint;
  }

  private render(): void {
    if (this.sample) {
      this.status.text = '$(beaker) Timeout Lens: sample account';
      this.status.tooltip = `Reading from the built-in sample account at ${this.sample.endpoint} (a local AWS-compatible endpoint).`;
    } else {
      const c = readConfig();
      const host = c.endpoint ? ` · ${c.endpoint.replace(/^https?:\/\//, '')}` : '';
      this.status.text = `$(cloud) ${c.profile ?? 'default'}${c.region ? ` · ${c.region}` : ''}${host}`;
      this.status.tooltip = `Timeout Lens reads from ${this.describe()}. Click to choose a profile.`;
    }
    this.status.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.status.dispose();
    void this.sample?.close();
    this.sample = undefined;
  }
}
