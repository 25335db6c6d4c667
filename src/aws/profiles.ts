// Lists the profile names the AWS CLI would offer, from ~/.aws/config and ~/.aws/credentials
// (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), for the "Select AWS Profile" picker.
// The files are read by the SDK's own shared-ini loader, the one the credential chain uses
// (clients.ts, `fromNodeProviderChain`), so the picker and the chain agree on inline comments
// (`region = eu-west-1 # prod` is `eu-west-1`), `[sso-session …]` and `[services …]` sections
// (not profiles) and indented sub-sections (`s3 =` then `  region = …` is not the region).
// Only names and a few keys: resolving credentials is the chain's job. The loader is a small
// part of @smithy/core; the SDK's clients are not loaded here.
import { loadSharedConfigFiles } from '@smithy/core/config';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ProfileEntry {
  name: string;
  /** Where it was found: 'config', 'credentials' or both. */
  sources: Array<'config' | 'credentials'>;
  /** sso_start_url / sso_session, role_arn or credential_process: how it gets credentials. */
  kind: 'sso' | 'role' | 'process' | 'keys' | 'other';
  region?: string;
}

type Section = Record<string, string | undefined>;

/**
 * The loader keys config sections by name: `default`, a profile's bare name, and
 * `sso-session.corp` / `services.x` for the other section types, which are not profiles.
 */
function isProfileKey(key: string): boolean {
  return !/^(sso-session|services)\./.test(key);
}

export async function listProfiles(env: NodeJS.ProcessEnv = process.env): Promise<ProfileEntry[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath: env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'),
    filepath: env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials'),
    // The picker shows the files as they are now, not as they were when first read.
    ignoreCache: true,
  });
  const c = new Map<string, Section>(Object.entries(configFile).filter(([k]) => isProfileKey(k)));
  const k = new Map<string, Section>(Object.entries(credentialsFile));
  const names = [...new Set([...c.keys(), ...k.keys()])].sort((a, b) =>
    a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b),
  );
  return names.map((name) => {
    const cv = c.get(name);
    const kv = k.get(name);
    const get = (key: string): string | undefined => cv?.[key] ?? kv?.[key];
    const kind: ProfileEntry['kind'] =
      get('sso_start_url') || get('sso_session')
        ? 'sso'
        : get('role_arn')
          ? 'role'
          : get('credential_process')
            ? 'process'
            : get('aws_access_key_id')
              ? 'keys'
              : 'other';
    const sources: ProfileEntry['sources'] = [];
    if (cv) sources.push('config');
    if (kv) sources.push('credentials');
    const region = get('region');
    return region ? { name, sources, kind, region } : { name, sources, kind };
  });
}
