// "Select AWS Profile" and "Select Region": quick picks that write the timeoutLens.aws.* settings.
// Profiles are read from the AWS CLI's own files, so the SDK is not loaded to list them; a
// profile name can also be typed.
import * as vscode from 'vscode';
import { Settings } from '../constants';
import { listProfiles } from '../aws/profiles';
import { AWS_REGIONS } from '../aws/regions';
import { readConfig, updateSetting } from './config';
import type { Logger } from './logger';
import { profileNameProblem } from './messages';

const KIND_LABEL: Record<string, string> = {
  sso: 'IAM Identity Center (SSO)',
  role: 'assumes a role',
  process: 'credential_process',
  keys: 'access keys',
  other: '',
};

/**
 * The profile picker: the default chain, the profile set now (even when neither file has it), the
 * profiles of the AWS CLI's files, and a typed name that is none of them ("Use profile 'X'", once
 * it is a valid name): a profile can come from elsewhere (AWS_CONFIG_FILE of a terminal, a file
 * written later).
 */
export async function selectProfile(log: Logger): Promise<void> {
  const current = readConfig().profile;
  const profiles = await listProfiles();
  type Item = vscode.QuickPickItem & { profile: string | undefined; invalid?: boolean };
  const listed = new Set(profiles.map((p) => p.name));
  const base: Item[] = [
    {
      label: 'Default credential chain',
      description: current ? '' : '(current)',
      detail: 'Environment variables, then the [default] profile, SSO, container or instance credentials — as the AWS CLI does',
      profile: undefined,
    },
    ...(current && !listed.has(current) ? [{ label: current, description: '(current)', detail: 'not in ~/.aws/config or ~/.aws/credentials', profile: current }] : []),
    ...profiles.map((p) => ({
      label: p.name,
      description: [p.name === current ? '(current)' : '', KIND_LABEL[p.kind] ?? '', p.region ?? ''].filter(Boolean).join(' · '),
      detail: `from ~/.aws/${p.sources.join(' and ~/.aws/')}`,
      profile: p.name,
    })),
  ];
  /** The typed name as a row of its own, last: a name that only starts a listed one picks that one with Enter. */
  const typed = (value: string): Item[] => {
    const name = value.trim();
    if (!name || listed.has(name) || name === current) return [];
    const problem = profileNameProblem(name);
    if (problem) return [{ label: `$(error) '${name}' is not a profile name`, detail: problem, profile: undefined, invalid: true, alwaysShow: true }];
    return [{ label: `$(add) Use profile '${name}'`, detail: 'Not in ~/.aws/config or ~/.aws/credentials: the AWS SDK looks it up by this name when Trace 504 runs', profile: name, alwaysShow: true }];
  };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'Timeout Lens: AWS profile';
  qp.placeholder = profiles.length
    ? 'Choose the profile to read X-Ray traces and CloudWatch Logs with, or type its name'
    : 'No profiles in ~/.aws/config or ~/.aws/credentials — type a profile name, or run `aws configure` or `aws configure sso`';
  qp.matchOnDescription = true;
  qp.items = base;
  const pick = await new Promise<Item | undefined>((resolve) => {
    qp.onDidChangeValue((v) => (qp.items = [...base, ...typed(v)]));
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0];
      // A name that cannot be a profile keeps the picker open, its row saying why.
      if (!sel || sel.invalid) return;
      resolve(sel);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!pick) return;
  await updateSetting(Settings.profile, pick.profile ?? '');
  log.info(`profile set to ${pick.profile ?? '(default chain)'}${pick.profile && !listed.has(pick.profile) ? ' (not in ~/.aws/config or ~/.aws/credentials)' : ''}`);
  const region = profiles.find((p) => p.name === pick.profile)?.region;
  if (region && !readConfig().region) await updateSetting(Settings.region, region);
}

export async function selectRegion(log: Logger): Promise<void> {
  const current = readConfig().region;
  type Item = vscode.QuickPickItem & { region: string };
  const items: Item[] = AWS_REGIONS.map((r) => ({
    label: r.id,
    description: r.id === current ? `${r.name} (current)` : r.name,
    region: r.id,
  }));
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'Timeout Lens: AWS Region';
  qp.placeholder = 'Choose a Region, or type another Region code';
  qp.items = items;
  qp.matchOnDescription = true;
  const chosen = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const sel = qp.selectedItems[0]?.region ?? qp.value.trim();
      resolve(/^[a-z]{2}(-[a-z]+)+-\d$/.test(sel) ? sel : undefined);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!chosen) return;
  await updateSetting(Settings.region, chosen);
  log.info(`region set to ${chosen}`);
}
