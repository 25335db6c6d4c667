// "Select AWS Profile" and "Select Region": quick picks that write the timeoutLens.aws.* settings.
// Profiles are read from the AWS CLI's own files, so the SDK is not loaded to list them.
import * as vscode from 'vscode';
import { Settings } from '../constants';
import { listProfiles } from '../aws/profiles';
import { AWS_REGIONS } from '../aws/regions';
import { readConfig, updateSetting } from './config';
import type { Logger } from './logger';

const KIND_LABEL: Record<string, string> = {
  sso: 'IAM Identity Center (SSO)',
  role: 'assumes a role',
  process: 'credential_process',
  keys: 'access keys',
  other: '',
};

export async function selectProfile(log: Logger): Promise<void> {
  const current = readConfig().profile;
  const profiles = await listProfiles();
  type Item = vscode.QuickPickItem & { profile: string | undefined };
  const items: Item[] = [
    {
      label: 'Default credential chain',
      description: current ? '' : '(current)',
      detail: 'Environment variables, then the [default] profile, SSO, container or instance credentials — as the AWS CLI does',
      profile: undefined,
    },
    ...profiles.map((p) => ({
      label: p.name,
      description: [p.name === current ? '(current)' : '', KIND_LABEL[p.kind] ?? '', p.region ?? ''].filter(Boolean).join(' · '),
      detail: `from ~/.aws/${p.sources.join(' and ~/.aws/')}`,
      profile: p.name,
    })),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Timeout Lens: AWS profile',
    placeHolder: profiles.length ? 'Choose the profile to read X-Ray traces and CloudWatch Logs with' : 'No profiles in ~/.aws/config or ~/.aws/credentials — run `aws configure` or `aws configure sso`',
    matchOnDescription: true,
  });
  if (!pick) return;
  await updateSetting(Settings.profile, pick.profile ?? '');
  log.info(`profile set to ${pick.profile ?? '(default chain)'}`);
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
