// `npm run package`: a production build, then the .vsix via @vscode/vsce into dist-vsix/.
// Prints the path of the .vsix as its last line. vsce turns the README's relative links (its
// screenshots in docs/images/) into links into package.json's repository, so the Marketplace
// page shows them (test/unit/foundation/vsixContents.test.ts checks the packed README).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = join('dist-vsix', `${pkg.name}-${pkg.version}.vsix`);
mkdirSync('dist-vsix', { recursive: true });
execFileSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: ['ignore', 'inherit', 'inherit'] });
execFileSync(
  process.execPath,
  ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--out', out],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
console.error(`packaged ${out} (${(statSync(out).size / 1024).toFixed(1)} KB)`);
console.log(out);
