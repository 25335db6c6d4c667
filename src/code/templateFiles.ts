// Reads a template from disk with what readTemplate needs around it: the stack's name from
// samconfig.toml beside a SAM template or from cdk.out/manifest.json beside a CDK template, and
// the file system for handler files. The one place of src/code that touches the disk for templates.
import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { TemplateIndex } from './types';
import { MAX_TEMPLATE_BYTES, cdkStackNameFromManifest, oversizeTemplate, readSamconfigStackName, readTemplate } from './templates';

export interface TemplateFileOptions {
  /** The workspace folder (default: the template's folder). */
  root?: string;
  /** The samconfig environment to read the stack name from (default `default`). */
  samconfigEnv?: string;
}

function fileExists(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The stack name for a template on disk, from the files CDK and SAM write beside it. */
export async function stackNameFor(templatePath: string, env = 'default'): Promise<string | undefined> {
  const dir = dirname(templatePath);
  if (/\.template\.json$/i.test(templatePath)) {
    const manifest = await readOptional(join(dir, 'manifest.json'));
    if (manifest !== undefined || basename(dir) === 'cdk.out') return cdkStackNameFromManifest(manifest ?? '', basename(templatePath));
  }
  const samconfig = await readOptional(join(dir, 'samconfig.toml'));
  return samconfig !== undefined ? readSamconfigStackName(samconfig, env) : undefined;
}

/** Reads and indexes one template file; `null` when it is not a template. Throws only when the file cannot be read. */
export async function readTemplateFile(path: string, options: TemplateFileOptions = {}): Promise<TemplateIndex | null> {
  const file = resolve(path);
  const size = (await stat(file)).size;
  if (size > MAX_TEMPLATE_BYTES) return oversizeTemplate(file);
  let text = await readFile(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const stackName = await stackNameFor(file, options.samconfigEnv);
  return readTemplate(file, text, { fileExists, root: options.root ? resolve(options.root) : dirname(file), ...(stackName ? { stackName } : {}) });
}
