// The README's table of the waterfall's keys is the key table's: every binding, in its scope's
// order, with the words the panel's help uses — a key changed in keys.ts and not in the README
// (or the other way round) fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_TABLE, SCOPE_TITLES, keyLabel } from '../../../webview/waterfall/keys';

const README = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');

/** The rows between the README's key markers, as [where, keys, what]. */
function readmeRows(): string[][] {
  const m = /<!-- keys:start[^>]*-->\n([\s\S]*?)\n<!-- keys:end -->/.exec(README);
  assert.ok(m, 'the README has its keys table between the keys:start and keys:end markers');
  return m[1]!
    .split('\n')
    .slice(2)
    .map((line) => line.split('|').slice(1, -1).map((c) => c.trim()));
}

test('the README lists every key of the waterfall, as the key table and its help say', () => {
  const rows = readmeRows();
  const expected: string[][] = [];
  for (const [scope, title] of SCOPE_TITLES) {
    KEY_TABLE.filter((b) => b.scope === scope).forEach((b, i) => {
      expected.push([i === 0 ? title : '', b.keys.map((k) => `\`${keyLabel(k)}\``).join(' / '), b.help]);
    });
  }
  assert.equal(rows.length, KEY_TABLE.length, 'one row per binding');
  assert.deepEqual(rows, expected);
});
