// The host's pure helpers: frames resolved to workspace files (and only those), the text report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceFrameResolver } from '../../../src/ui/frameResolver';
import { buildWaterfallSnapshot } from '../../../src/ui/waterfallSnapshot';
import { waterfallText } from '../../../src/ui/waterfallText';
import { timeoutScenario } from '../../waterfall/modelBuilder';

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

test('the text report: summary, cut, spans with after-cut marks, findings', () => {
  const { trace, report } = timeoutScenario();
  const text = waterfallText(buildWaterfallSnapshot(trace, report));
  assert.match(text, /^orders-api\/prod  POST https:\/\/api\.example\.com\/prod\/reports$/m);
  assert.match(text, /total 29\.01 s of 29\.00 s budget \(rest-api-default\)  over by 12 ms/);
  assert.match(text, /front door gave up at 29\.01 s; the function ran 4\.48 s after it/);
  assert.match(text, /SQS \(SendMessage\)  \[after-cut\]/);
  assert.match(text, /DynamoDB \(Query orders\)\n/);
  assert.match(text, /\[high\] The function ran 4\.5 s after the gateway gave up/);
  assert.equal(waterfallText(buildWaterfallSnapshot(trace, report), 3).match(/… 7 more spans/)?.length, 1);
});
