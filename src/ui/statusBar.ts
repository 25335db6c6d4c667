// The status bar item: where Trace 504 reads from (the AWS profile and Region, or the sample
// account) and whether Live Updates are on. A click (or Enter on it) opens a quick pick to change
// either, through the commands that already do it. It reads only settings and in-memory state, so
// creating it at activation costs nothing.
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, WALKTHROUGH_ID } from '../constants';
import { readConfig } from './config';
import type { ConnectionState } from './connection';
import type { LiveUpdates } from './liveUpdates';
import type { Logger } from './logger';

type MenuItem = vscode.QuickPickItem & { run?: () => unknown };

export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('timeoutLens.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly connection: ConnectionState,
    private readonly live: LiveUpdates,
    private readonly log: Logger,
  ) {
    this.item.name = 'Timeout Lens: connection and Live Updates';
    this.item.command = Commands.chooseConnection;
    // The connection fires on every timeoutLens.aws.* setting change as well.
    this.subscriptions = [
      connection.onDidChange(() => this.render()),
      live.onDidChange(() => this.render()),
      vscode.commands.registerCommand(Commands.chooseConnection, () => this.showMenu()),
    ];
    this.render();
    this.item.show();
  }

  private render(): void {
    const c = readConfig();
    const sample = this.connection.kind === 'sample';
    const following = this.live.following;
    const where = sample
      ? '$(beaker) Timeout Lens: sample account'
      : `$(cloud) ${c.profile ?? 'default'}${c.region ? ` · ${c.region}` : ''}${c.endpoint ? ` · ${c.endpoint.replace(/^https?:\/\//, '')}` : ''}`;
    this.item.text = `${where}${following ? ' · $(broadcast) live' : ''}`;
    const region = sample || c.region ? '' : ' (Region: the profile’s, or AWS_REGION)';
    const liveText = following ? `Live Updates are on, following ${following}.` : 'Live Updates are off.';
    this.item.tooltip = `Timeout Lens reads from ${this.connection.describe()}${region}. ${liveText}\nClick to choose the AWS profile or Region, turn Live Updates on or off, or ${sample ? 'leave' : 'use'} the sample account.`;
    this.item.accessibilityInformation = {
      label: `Timeout Lens: reading from ${this.connection.describe()}${region}; Live Updates ${following ? 'on' : 'off'}. Press Enter to change.`,
      role: 'button',
    };
  }

  private async showMenu(): Promise<void> {
    const c = readConfig();
    const sample = this.connection.kind === 'sample';
    const following = this.live.following;
    const command = (id: string, ...args: unknown[]) => (): Thenable<unknown> => vscode.commands.executeCommand(id, ...args);
    const items: MenuItem[] = [
      {
        label: '$(account) Select AWS Profile',
        description: sample ? 'then read from it, not from the sample account' : `now: ${c.profile ?? 'the default credential chain'}`,
        run: command(Commands.selectProfile),
      },
      {
        label: '$(globe) Select Region',
        description: sample ? 'then read from it, not from the sample account' : `now: ${c.region ?? 'the profile’s'}`,
        run: command(Commands.selectRegion),
      },
      {
        label: following ? '$(broadcast) Turn Live Updates Off' : '$(broadcast) Turn Live Updates On',
        description: following ? `following ${following}` : 'follow the last Trace 504 run',
        run: command(Commands.toggleLiveUpdates),
      },
      sample
        ? { label: '$(cloud) Leave the Sample Account', description: `read from ${this.connection.describeSettings()}`, run: () => this.connection.leaveSample() }
        : { label: '$(beaker) Use the Sample Account', description: 'a local AWS endpoint with a living API that times out', run: () => this.useSample() },
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(pulse) Trace 504', run: command(Commands.trace504) },
      { label: '$(book) Get Started with Timeout Lens', description: 'the walkthrough', run: command('workbench.action.openWalkthrough', `${EXTENSION_ID}#${WALKTHROUGH_ID}`, false) },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: `Timeout Lens: reading from ${this.connection.describe()}`,
      placeHolder: 'Choose where Timeout Lens reads from, or turn Live Updates on or off',
    });
    await pick?.run?.();
  }

  /** Reads from the sample account from now on; Trace 504 is offered, not started (the status bar only connects). */
  private async useSample(): Promise<void> {
    try {
      const endpoint = await this.connection.startSample();
      const choice = await vscode.window.showInformationMessage(
        `Timeout Lens now reads from the sample account at ${endpoint}: a living orders-api whose POST /reports times out at 29 s.`,
        'Trace 504',
      );
      if (choice) await vscode.commands.executeCommand(Commands.trace504);
    } catch (e) {
      const m = e instanceof Error ? e.message : String(e);
      this.log.error(`sample account: ${m}`);
      void vscode.window.showErrorMessage(`Timeout Lens could not start the sample account: ${m}`);
    }
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.item.dispose();
  }
}
