// The waterfall webview is untrusted: what it posts (`openSource`) and what it persists (the
// restore key) are data. openSource opens only files the host offered for the current model and
// only inside the workspace (normalised, links followed); the restore key is an opaque id whose
// files stay with the extension.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileInsideFolders, workspaceFrameResolver } from '../../../src/ui/frameResolver';
import { OpenableFiles } from '../../../src/ui/openableFiles';
import { RestoreKeys, type RestoreStore } from '../../../src/ui/restoreKeys';
import type { SpanDetails } from '../../../src/protocol';

let root: string;
let ws: string;
let outside: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'tl-trust-'));
  ws = join(root, 'ws');
  outside = join(root, 'outside');
  mkdirSync(join(ws, 'src'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(ws, 'src', 'handler.js'), 'exports.handler = async () => {};\n');
  writeFileSync(join(outside, 'secret.txt'), 'secret\n');
  // A link inside the workspace that points out of it, to a file and to a folder.
  symlinkSync(join(outside, 'secret.txt'), join(ws, 'src', 'leak.js'));
  symlinkSync(outside, join(ws, 'out-link'));
  // A sibling whose name starts with the workspace's: not inside it.
  mkdirSync(`${ws}2`, { recursive: true });
  writeFileSync(join(`${ws}2`, 'x.js'), '');
});

after(() => rmSync(root, { recursive: true, force: true }));

test('containment: normalised, links followed, siblings and relative paths outside', () => {
  const handler = join(ws, 'src', 'handler.js');
  assert.equal(fileInsideFolders(handler, [ws]), handler);
  assert.equal(fileInsideFolders(`${ws}/src/../src/handler.js`, [ws]), handler, 'normalised');
  assert.equal(fileInsideFolders(`${ws}/../outside/secret.txt`, [ws]), undefined);
  assert.equal(fileInsideFolders(`${ws}/../../../../../../etc/hostname`, [ws]), undefined, 'the issue’s <ws>/../../etc/hostname');
  assert.equal(fileInsideFolders('/etc/hostname', [ws]), undefined);
  assert.equal(fileInsideFolders(join(ws, 'src', 'leak.js'), [ws]), undefined, 'a link to a file outside');
  assert.equal(fileInsideFolders(join(ws, 'out-link', 'secret.txt'), [ws]), undefined, 'a link to a folder outside');
  assert.equal(fileInsideFolders(join(`${ws}2`, 'x.js'), [ws]), undefined, 'a sibling folder with a longer name');
  assert.equal(fileInsideFolders('src/handler.js', [ws]), undefined, 'relative paths resolve against nothing');
  assert.equal(fileInsideFolders(join(ws, 'src'), [ws]), undefined, 'a folder is not a file');
  assert.equal(fileInsideFolders(ws, [ws]), undefined);
  assert.equal(fileInsideFolders(join(ws, 'src', 'missing.js'), [ws]), undefined);
  assert.equal(fileInsideFolders(handler, []), undefined, 'no workspace, nothing opens');
});

test('the frame resolver links no frame that leaves the workspace, whatever its path says', () => {
  const resolve = workspaceFrameResolver([ws]);
  assert.equal(resolve('/var/task/src/handler.js', '/var/task'), join(ws, 'src', 'handler.js'));
  for (const p of ['/var/task/src/leak.js', `${ws}/src/leak.js`, `${ws}/out-link/secret.txt`, `${ws}/../outside/secret.txt`, '../../outside/secret.txt', '/etc/hostname', 'javascript:alert(1)']) {
    assert.equal(resolve(p, '/var/task'), undefined, p);
  }
});

const details = (files: string[], callSite?: string): SpanDetails => ({
  id: 's',
  source: 'x',
  cause: { exceptions: [{ stack: files.map((file, i) => ({ path: `/var/task/${i}.js`, line: 1, file })) }] },
  ...(callSite ? { callSite: { file: callSite, line: 3, text: 'ddb.get()' } } : {}),
});

test('openSource opens only what the host offered for the current model, and only inside the workspace', () => {
  const handler = join(ws, 'src', 'handler.js');
  const o = new OpenableFiles();
  // Nothing offered yet: even a workspace file is refused.
  assert.deepEqual(o.check(handler, [ws]), { ok: false, reason: 'no details of this trace offered it' });
  o.add(details([handler]));
  assert.deepEqual(o.check(handler, [ws]), { ok: true, file: handler });
  // Forged by a page script: any other path, however close to an offered one.
  for (const forged of [`${ws}/../../etc/hostname`, '/etc/hostname', `${handler}/../../../outside/secret.txt`, `${ws}/src/./handler.js`, join(ws, 'src', 'leak.js')]) {
    assert.equal(o.check(forged, [ws]).ok, false, forged);
  }
  // The call site of "Go to code" is offered too; a call site outside the workspace still does not open.
  o.add(details([], join(ws, 'src', 'leak.js')));
  assert.equal(o.check(join(ws, 'src', 'leak.js'), [ws]).ok, false, 'offered, but a link out of the workspace');
  // Another trace is shown: the last one's links are gone.
  o.clear();
  assert.equal(o.check(handler, [ws]).ok, false);
});

function memento(): RestoreStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(k: string): T | undefined => data.get(k) as T | undefined,
    update: async (k: string, v: unknown): Promise<void> => {
      data.set(k, JSON.parse(JSON.stringify(v)));
    },
  };
}

test('restore keys: an opaque id for the files, the paths kept by the extension, nothing else reopens', () => {
  const m = memento();
  const keys = new RestoreKeys(m);
  const files = ['/home/me/traces/a.json', '/home/me/traces/b.ndjson'];
  const id = keys.keyFor(files);
  assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  for (const f of files) assert.ok(!id.includes(f) && !id.includes('traces'), 'the id says nothing of the files');
  assert.equal(keys.keyFor(files), id, 'the same files keep their id');
  assert.notEqual(keys.keyFor(['/home/me/traces/a.json']), id);
  assert.deepEqual(keys.pathsOf(id), files);
  assert.deepEqual(new RestoreKeys(m).pathsOf(id), files, 'after a reload');
  // What a webview could put in its state instead: the old JSON key, a path, another id, junk.
  for (const forged of [JSON.stringify({ files: ['/etc/passwd'] }), '/etc/passwd', 'AAAAAAAAAAAAAAAAAAAAAA', `${id}x`, '', 42, null, { files: files }]) {
    assert.equal(keys.pathsOf(forged), undefined, JSON.stringify(forged));
  }
  // A key under another workspace's state is unknown here.
  assert.equal(new RestoreKeys(memento()).pathsOf(id), undefined);
});

test('restore keys are bounded: the most recently opened file sets are kept', () => {
  let n = 0;
  const keys = new RestoreKeys(memento(), () => String(n++).padStart(22, 'A'));
  const first = keys.keyFor(['/t/0.json']);
  for (let i = 1; i <= 100; i++) keys.keyFor([`/t/${i}.json`]);
  assert.equal(keys.pathsOf(first), undefined, 'the oldest of 101 is forgotten');
  assert.deepEqual(keys.pathsOf(keys.keyFor(['/t/100.json'])), ['/t/100.json']);
});
