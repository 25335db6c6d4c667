// Lists the profile names the AWS CLI would offer, from ~/.aws/config and ~/.aws/credentials
// (or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). Only names: resolving credentials is the
// SDK's job (credentials.ts). Pure file reading, so the profile picker never loads the SDK.
import { readFile } from 'node:fs/promises';
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

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return '';
  }
}

/** Section header → profile name. `[profile x]` in config, `[x]` in credentials, `[default]` in both. */
function sections(text: string, file: 'config' | 'credentials'): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      const h = header[1]!;
      let name: string | undefined;
      if (file === 'credentials') name = h;
      else if (h === 'default') name = 'default';
      else if (h.startsWith('profile ')) name = h.slice('profile '.length).trim();
      current = undefined;
      if (name) {
        current = out.get(name) ?? new Map<string, string>();
        out.set(name, current);
      }
      continue;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv && current) current.set(kv[1]!.toLowerCase(), kv[2]!);
  }
  return out;
}

export async function listProfiles(env: NodeJS.ProcessEnv = process.env): Promise<ProfileEntry[]> {
  const configPath = env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
  const credsPath = env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials');
  const [config, creds] = await Promise.all([readOrEmpty(configPath), readOrEmpty(credsPath)]);
  const c = sections(config, 'config');
  const k = sections(creds, 'credentials');
  const names = [...new Set([...c.keys(), ...k.keys()])].sort((a, b) =>
    a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b),
  );
  return names.map((name) => {
    const cv = c.get(name);
    const kv = k.get(name);
    const get = (key: string): string | undefined => cv?.get(key) ?? kv?.get(key);
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
