// What every command module works with, made once in the composition root (extension.ts) and
// passed whole: no module takes six positional arguments, and nothing is wired in after creation.
import type * as vscode from 'vscode';
import type { EvidenceStore } from './code/evidenceStore';
import type { ConnectionState } from './connection';
import type { LiveUpdates } from './liveUpdates';
import type { Logger } from './logger';
import type { RestoreKeys } from './restoreKeys';
import type { SlowEndpointsTree } from './slowEndpointsTree';
import type { WaterfallPanels } from './waterfallPanel';

export interface Services {
  context: vscode.ExtensionContext;
  /** The extension's logger; each module takes its own `child`. */
  log: Logger;
  /** Where AWS calls go: the settings' profile and Region, or the running sample account. */
  connection: ConnectionState;
  /** The Slow Endpoints view's data. */
  endpoints: SlowEndpointsTree;
  live: LiveUpdates;
  waterfalls: WaterfallPanels;
  /** What the traces and logs read so far say about each function: the code hints' data. */
  evidence: EvidenceStore;
  /** Opaque ids for the files behind a waterfall panel, which the panel hands back after a reload. */
  restoreKeys: RestoreKeys;
  /** The workspace's handler file of a deployed function, when a template or a link names it. */
  handlerOf: (functionName: string) => string | undefined;
}
