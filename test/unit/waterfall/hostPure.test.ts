// The host's pure helper: stack frames resolved to workspace files, and only those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceFrameResolver } from '../../../src/ui/frameResolver';

test('frames: Lambda paths map into the workspace; outside files and missing files do not', () => {
  const ws = mkdtempSync(join(tmpdir(), 'tl-ws-'));
  const outside = mkdtempSync(join(tmpdir(), 'tl-out-'));
  try {
    mkdirSync(join(ws, 'src'), { recursive: true });
    writeFileSync(join(ws, 'src', 'handler.js'), 'x');
    writeFileSync(join(outside, 'secret.js'), 'x');
    const resolve = workspaceFrameResolver([ws]);
    assert.equal(resolve('/var/task/src/handler.js', '/var/task'), join(ws, 'src', 'handler.js'));
    assert.equal(resolve('src/handler.js', undefined), join(ws, 'src', 'handler.js'));
    assert.equal(resolve('/var/task/src/handler.js', undefined), join(ws, 'src', 'handler.js'), 'leading segments dropped');
    assert.equal(resolve(join(ws, 'src', 'handler.js'), undefined), join(ws, 'src', 'handler.js'));
    assert.equal(resolve(join(outside, 'secret.js'), undefined), undefined, 'absolute paths outside the workspace are not links');
    assert.equal(resolve('../../etc/passwd', undefined), undefined);
    assert.equal(resolve('src/missing.js', '/var/task'), undefined);
  } finally {
    rmSync(ws, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
