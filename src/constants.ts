// Every id the extension contributes, in one place: commands, views, settings, colors, context keys.
// package.json must agree; test/unit/foundation/manifest.test.ts checks that it does.

export const EXTENSION_ID = 'timeout-lens.timeout-lens';
export const OUTPUT_CHANNEL_NAME = 'Timeout Lens';
/**
 * The language of the log documents Timeout Lens opens (a request's Lambda logs, a run's log): the
 * `log` grammar's colors, and word wrap on for these documents only (package.json `configurationDefaults`).
 */
export const LOG_LANGUAGE_ID = 'timeout-lens-log';

export const Commands = {
  trace504: 'timeoutLens.trace504',
  openTraceFile: 'timeoutLens.openTraceFile',
  selectProfile: 'timeoutLens.selectProfile',
  selectRegion: 'timeoutLens.selectRegion',
  trySampleAccount: 'timeoutLens.trySampleAccount',
  toggleLiveUpdates: 'timeoutLens.toggleLiveUpdates',
  showOutput: 'timeoutLens.showOutput',
  openWorstRequest: 'timeoutLens.openWorstRequest',
  linkHandler: 'timeoutLens.linkHandler',
  openTracedRequest: 'timeoutLens.openTracedRequest',
  traceApi: 'timeoutLens.traceApi',
  copyRouteStats: 'timeoutLens.copyRouteStats',
  copyFinding: 'timeoutLens.copyFinding',
  openAccessLogQuery: 'timeoutLens.openAccessLogQuery',
  sortEndpoints: 'timeoutLens.sortEndpoints',
  filterEndpoints: 'timeoutLens.filterEndpoints',
  clearEndpointsFilter: 'timeoutLens.clearEndpointsFilter',
  chooseConnection: 'timeoutLens.chooseConnection',
  forgetAllowedEndpoints: 'timeoutLens.forgetAllowedEndpoints',
} as const;

export const Views = {
  container: 'timeoutLens',
  slowEndpoints: 'timeoutLens.slowEndpoints',
} as const;

export const WebviewTypes = {
  waterfall: 'timeoutLens.waterfall',
} as const;

/** Setting keys below the `timeoutLens` section. */
export const Settings = {
  section: 'timeoutLens',
  profile: 'aws.profile',
  region: 'aws.region',
  endpoint: 'aws.endpoint',
  budgetMs: 'budgetMs',
  traceWindowMinutes: 'traceWindowMinutes',
  maxTraces: 'maxTraces',
  liveRefreshSeconds: 'liveRefreshSeconds',
  liveNotify: 'liveUpdates.notify',
  inlineHints: 'codeHints.inline',
  gbSecondUsd: 'pricing.gbSecondUsd',
  retryClientField: 'retries.clientField',
} as const;

/** Contributed theme colors; the webview sees them as `--vscode-timeoutLens-<name>`. */
export const Colors = {
  frontDoor: 'timeoutLens.frontDoor',
  coldStart: 'timeoutLens.coldStart',
  handler: 'timeoutLens.handler',
  downstreamAws: 'timeoutLens.downstreamAws',
  downstreamRemote: 'timeoutLens.downstreamRemote',
  overhead: 'timeoutLens.overhead',
  inferred: 'timeoutLens.inferred',
  overBudget: 'timeoutLens.overBudget',
  inlineHint: 'timeoutLens.inlineHint',
} as const;

export const ContextKeys = {
  sampleAccountRunning: 'timeoutLens.sampleAccountRunning',
  endpointsFiltered: 'timeoutLens.endpointsFiltered',
  /** Where Trace 504 reads from: `none` | `profile` | `sample` (ConnectionKind); the welcome view's `when` clauses read it. */
  connection: 'timeoutLens.connection',
} as const;

/** The walkthrough's id in package.json (`contributes.walkthroughs`). */
export const WALKTHROUGH_ID = 'gettingStarted';
