// The packaged extension in a real VS Code: its commands in the palette, its view with welcome
// content, its output channel, and how long activation took (read from the extension's own log, printed).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readLog, startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';

let server: VSCodeServer;
let wb: Workbench;

before(async () => {
  server = await startVSCode();
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
});

test('the Timeout Lens view shows its welcome content', async () => {
  await wb.openViewContainer('Timeout Lens');
  const text = await wb.welcomeText('Slow Endpoints');
  assert.match(text, /Choose an AWS profile/);
  assert.match(text, /Try the sample account/);
  assert.match(text, /Open a trace file/);
  await wb.screenshot('foundation-welcome');
});

test('the commands appear in the command palette', async () => {
  const items = await wb.paletteItems('Timeout Lens: ');
  for (const title of ['Timeout Lens: Trace 504', 'Timeout Lens: Open Trace File…', 'Timeout Lens: Try the Sample Account', 'Timeout Lens: Select AWS Profile', 'Timeout Lens: Select Region']) {
    assert.ok(items.includes(title), `palette lists "${title}" (it listed: ${items.join(' | ')})`);
  }
});

test('Select Region offers the Regions and writes the setting', async () => {
  await wb.runCommand('Timeout Lens: Select Region');
  const rows = await wb.quickPickItems();
  assert.ok(rows.includes('us-east-1'), `region picker lists us-east-1 (got ${rows.slice(0, 5).join(', ')})`);
  await wb.page.keyboard.type('eu-west-1');
  await wb.pickQuickItem('eu-west-1');
  const settings = await waitFor('the region setting', () => {
    const s = readLog(server.userDataDir, 'Timeout Lens.log');
    return s.includes('region set to eu-west-1') ? s : undefined;
  });
  assert.match(settings, /region set to eu-west-1/);
});

test('the output channel exists and logs how long activation took, which a view (not startup) triggered', async () => {
  const log = await waitFor('the Timeout Lens log', () => {
    const s = wb.outputChannelLog('Timeout Lens');
    return s.includes('activated in') ? s : undefined;
  });
  const m = /activated in ([\d.]+) ms/.exec(log);
  assert.ok(m, 'the extension logs its activation time');
  const ms = Number(m[1]);
  // Printed, not asserted: on this 2-core machine the same build measured 4 ms and 123 ms (a timed test is
  // a flaky test). What activation may do is held by the lazy bundles and the activation event below.
  assert.ok(Number.isFinite(ms) && ms >= 0, `activation time is a number (${m[1]})`);
  console.log(`# activation: ${ms} ms`);
  // VS Code's own record of the activation (the event that triggered it).
  const host = readLog(server.userDataDir, 'remoteexthost.log');
  const line = host.split('\n').find((l) => l.includes('_doActivateExtension timeout-lens.timeout-lens'));
  assert.ok(line, 'the extension host logged the activation');
  console.log(`# ${line.trim()}`);
  assert.doesNotMatch(line, /activationEvent: '\*'/);
  await wb.runCommand('Timeout Lens: Show Log');
  await wb.page.locator('.panel .monaco-editor .view-lines', { hasText: 'activated in' }).first().waitFor({ timeout: 15_000 });
  await wb.screenshot('foundation-output');
});
