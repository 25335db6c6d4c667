// Settings read through one typed accessor, so a key is spelled in one place only.
import * as vscode from 'vscode';
import { Settings } from '../constants';
import type { SettingSource } from './endpointPolicy';

export interface TimeoutLensConfig {
  profile: string | undefined;
  region: string | undefined;
  endpoint: string | undefined;
  budgetMs: number | undefined;
  traceWindowMinutes: number;
  maxTraces: number;
  liveRefreshSeconds: number;
  /** Live Updates raise a notification when a route has new 504s. */
  liveNotify: boolean;
  /** A price per GB-second that replaces the public list price; undefined: the table's. */
  gbSecondUsd: number | undefined;
  /** The access-log field that names a client for retries after 504s; undefined: sourceIp + userAgent. */
  retryClientField: string | undefined;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s && s.trim() ? s.trim() : undefined;
}

export function readConfig(): TimeoutLensConfig {
  const c = vscode.workspace.getConfiguration(Settings.section);
  const budget = c.get<number | null>(Settings.budgetMs, null);
  const price = c.get<number | null>(Settings.gbSecondUsd, null);
  return {
    profile: nonEmpty(c.get<string>(Settings.profile)),
    region: nonEmpty(c.get<string>(Settings.region)),
    endpoint: nonEmpty(c.get<string>(Settings.endpoint)),
    budgetMs: typeof budget === 'number' && budget > 0 ? budget : undefined,
    traceWindowMinutes: c.get<number>(Settings.traceWindowMinutes, 60),
    maxTraces: c.get<number>(Settings.maxTraces, 50),
    // Below 5 s the polls would only spend the account's FilterLogEvents quota (5 per second).
    liveRefreshSeconds: Math.max(5, c.get<number>(Settings.liveRefreshSeconds, 30)),
    liveNotify: c.get<boolean>(Settings.liveNotify, true) !== false,
    gbSecondUsd: typeof price === 'number' && Number.isFinite(price) && price >= 0 ? price : undefined,
    retryClientField: nonEmpty(c.get<string>(Settings.retryClientField)),
  };
}

/**
 * Which settings file the effective endpoint comes from (the consent dialog says so). In a
 * folder that is not trusted VS Code leaves out the workspace's value of a restricted setting,
 * so the effective value is compared with each level, most specific first.
 */
export function endpointSource(): SettingSource {
  const c = vscode.workspace.getConfiguration(Settings.section);
  const value = nonEmpty(c.get<string>(Settings.endpoint));
  if (!value) return undefined;
  const i = c.inspect<string>(Settings.endpoint);
  if (nonEmpty(i?.workspaceFolderValue) === value) return 'workspaceFolder';
  if (nonEmpty(i?.workspaceValue) === value) return 'workspace';
  return 'user';
}

export async function updateSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(Settings.section).update(key, value, vscode.ConfigurationTarget.Global);
}
