// The status bar item and the walkthrough in the real VS Code, as a newcomer meets them: the item
// names where Timeout Lens reads from and follows Select Region; a click (or Enter on it) opens
// its quick pick; the sample account connected from there is said in the status bar and in the
// Slow Endpoints welcome, which then offers Trace 504 instead of asking for a profile (as it does
// once a Region is chosen); the walkthrough lists its steps and ticks the ones done by doing them.
// Runs in order: each test starts where the one before left the window.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';

const ENTRY = 'Timeout Lens: reading from';

let server: VSCodeServer;
let wb: Workbench;

before(async () => {
  // A profile of our own, so that Select AWS Profile has one to offer on any machine.
  const aws = mkdtempSync(join(tmpdir(), 'tl-aws-'));
  writeFileSync(join(aws, 'config'), '[profile staging]\nregion = eu-central-1\n');
  writeFileSync(join(aws, 'credentials'), '');
  server = await startVSCode({ env: { AWS_CONFIG_FILE: join(aws, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials') } });
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
});

const entry = (): ReturnType<Workbench['statusBarEntry']> => wb.statusBarEntry(ENTRY);

async function statusText(): Promise<string> {
  return (await entry().innerText()).replace(/\s+/g, ' ').trim();
}

async function waitForStatus(what: string, re: RegExp): Promise<string> {
  let last = '';
  return waitFor(`the status bar item to show ${what}`, async () => {
    last = await statusText().catch(() => '');
    return re.test(last) ? last : undefined;
  }).catch(async (e: unknown) => {
    await wb.screenshot(`status-bar-failed-${what.replace(/\W+/g, '-')}`);
    throw new Error(`${e instanceof Error ? e.message : String(e)} (it shows "${last}")`);
  });
}

async function waitForWelcome(what: string, re: RegExp): Promise<string> {
  return waitFor(`the Slow Endpoints welcome to ${what}`, async () => {
    const t = await wb.welcomeText('Slow Endpoints').catch(() => '');
    return re.test(t) ? t : undefined;
  });
}

/** Clicks the status bar item and waits for its quick pick. */
async function openMenu(): Promise<string[]> {
  await entry().click();
  return waitFor('the status bar quick pick', async () => {
    const items = await wb.quickPickItems();
    return items.includes('Trace 504') ? items : undefined;
  });
}

const STEPS = ['Try the sample account', 'Trace 504', 'Read the waterfall', 'Find the slow routes', 'Connect your own account', 'See it in your code'];

async function walkthroughSteps(): Promise<Awaited<ReturnType<Workbench['walkthroughSteps']>>> {
  return waitFor('the walkthrough steps', async () => {
    const s = await wb.walkthroughSteps().catch(() => []);
    return s.length ? s : undefined;
  }, 30_000);
}

// First: VS Code's walkthrough service starts with the first walkthrough opened (the harness
// starts with no welcome page), and counts a step done only by what happens after that.
test('the walkthrough opens from Welcome: Open Walkthrough and shows its steps, none done yet', async () => {
  await wb.runCommand('Welcome: Open Walkthrough');
  await waitFor('the list of walkthroughs', async () => ((await wb.quickPickItems()).some((l) => l.includes('Get Started with Timeout Lens')) ? true : undefined));
  await wb.pickQuickItem('Get Started with Timeout Lens');
  const steps = await walkthroughSteps();
  assert.deepEqual(steps.map((s) => s.title), STEPS);
  assert.deepEqual(steps.filter((s) => s.done), []);
  // Each step says what it does and has its button (a command link).
  const first = wb.page.locator('.part.editor button.getting-started-step', { hasText: 'Try the sample account' }).first();
  await first.locator('a.monaco-button', { hasText: 'Try the Sample Account' }).waitFor({ timeout: 10_000 });
  await wb.screenshot('walkthrough-start');
  await wb.closeEditor();
});

test('the status bar names the connection, and Select Region changes its Region', async () => {
  await wb.openViewContainer('Timeout Lens');
  // Nothing chosen yet: the welcome asks for a profile.
  const welcome = await wb.welcomeText('Slow Endpoints');
  assert.match(welcome, /Choose an AWS profile/);
  assert.match(welcome, /Try the sample account/);
  // Its "Get started" link opens the walkthrough (a command link with the walkthrough's id).
  await wb.viewPane('Slow Endpoints').locator('.welcome-view-content a', { hasText: 'Get started' }).first().click();
  assert.deepEqual((await walkthroughSteps()).map((s) => s.title), STEPS);
  await wb.closeEditor();
  await entry().waitFor({ timeout: 20_000 });
  assert.match(await statusText(), /default/);
  const name = (await entry().getAttribute('aria-label')) ?? '';
  assert.match(name, /reading from the default AWS credentials/);
  assert.match(name, /Live Updates off/);
  assert.doesNotMatch(await statusText(), /eu-west-1/);

  await wb.runCommand('Timeout Lens: Select Region');
  await wb.quickPickItems();
  await wb.page.keyboard.type('eu-west-1');
  await wb.pickQuickItem('eu-west-1');
  assert.match(await waitForStatus('eu-west-1', /eu-west-1/), /default · eu-west-1/);
  assert.match((await entry().getAttribute('aria-label')) ?? '', /in eu-west-1/);
  // Where to read from is chosen now: the welcome says what comes next instead of asking.
  const next = await waitForWelcome('offer Trace 504', /reads from your AWS account/);
  assert.doesNotMatch(next, /Choose an AWS profile/);
  assert.match(next, /Trace 504/);
  await wb.screenshot('status-bar-region');
});

test('a click opens its quick pick, and its Select Region changes the Region', async () => {
  const items = await openMenu();
  for (const label of ['Select AWS Profile', 'Select Region', 'Turn Live Updates On', 'Use the Sample Account', 'Trace 504', 'Get Started with Timeout Lens']) {
    assert.ok(items.includes(label), `the quick pick offers "${label}" (it offered: ${items.join(' | ')})`);
  }
  await wb.screenshot('status-bar-quick-pick');
  await wb.pickQuickItem('Select Region');
  await waitFor('the Region picker', async () => ((await wb.quickPickItems()).includes('us-east-1') ? true : undefined));
  await wb.page.keyboard.type('ap-southeast-2');
  await wb.pickQuickItem('ap-southeast-2');
  await waitForStatus('ap-southeast-2', /default · ap-southeast-2/);
});

test('the keyboard: Enter on the focused item opens the same quick pick', async () => {
  await entry().focus();
  await wb.page.keyboard.press('Enter');
  const items = await waitFor('the status bar quick pick', async () => {
    const rows = await wb.quickPickItems();
    return rows.includes('Select Region') ? rows : undefined;
  });
  assert.ok(items.includes('Use the Sample Account'));
  await wb.page.keyboard.press('Escape');
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
});

test('the sample account, connected from the status bar: the item says so, the welcome offers Trace 504 and asks for no profile', async () => {
  await openMenu();
  await wb.pickQuickItem('Use the Sample Account');
  await wb.waitForNotification(/now reads from the sample account at http:\/\/127\.0\.0\.1:\d+/, 30_000);
  await waitForStatus('the sample account', /sample account/);
  assert.match((await entry().getAttribute('aria-label')) ?? '', /reading from the sample account/);
  const welcome = await waitForWelcome('say the sample account is connected', /sample account is connected/);
  assert.doesNotMatch(welcome, /Choose an AWS profile/);
  assert.match(welcome, /Trace 504/);
  await wb.screenshot('status-bar-sample-account');

  // Back to the settings: the Region chosen before.
  const items = await openMenu();
  assert.ok(items.includes('Leave the Sample Account'), `offers to leave the sample account (it offered: ${items.join(' | ')})`);
  assert.ok(!items.includes('Use the Sample Account'));
  await wb.pickQuickItem('Leave the Sample Account');
  await waitForStatus('the Region again', /default · ap-southeast-2/);
  await waitForWelcome('say it reads from the AWS account again', /reads from your AWS account/);
});

test('a profile chosen from the status bar: the item names it', async () => {
  await openMenu();
  await wb.pickQuickItem('Select AWS Profile');
  await waitFor('the profile picker', async () => ((await wb.quickPickItems()).includes('staging') ? true : undefined));
  await wb.pickQuickItem('staging');
  await waitForStatus('the profile', /staging · ap-southeast-2/);
  assert.match((await entry().getAttribute('aria-label')) ?? '', /reading from profile staging in ap-southeast-2/);
  const welcome = await waitForWelcome('offer Trace 504', /reads from your AWS account/);
  assert.doesNotMatch(welcome, /Choose an AWS profile/);
  await wb.screenshot('status-bar-profile');
});

test('the walkthrough opens from the status bar (openWalkthrough with its id) and ticks the steps done by doing them', async () => {
  await openMenu();
  await wb.pickQuickItem('Get Started with Timeout Lens');
  const steps = await walkthroughSteps();
  assert.deepEqual(steps.map((s) => s.title), STEPS);
  const done = new Map(steps.map((s) => [s.id, s.done]));
  // The sample account was connected, the view shown, a Region chosen; no Trace 504 ran and no
  // waterfall opened.
  assert.equal(done.get('trySampleAccount'), true, `connecting the sample account completes its step (${JSON.stringify(steps)})`);
  assert.equal(done.get('slowEndpoints'), true, 'showing Slow Endpoints completes its step');
  assert.equal(done.get('connect'), true, 'choosing a Region completes its step');
  assert.equal(done.get('trace504'), false);
  assert.equal(done.get('waterfall'), false);
  await wb.screenshot('walkthrough-done');
  // A step's markdown shows beside it, with its picture from the packaged extension.
  await wb.page.locator('.part.editor button.getting-started-step', { hasText: 'Read the waterfall' }).first().click();
  const width = await waitFor('the waterfall picture in the step’s markdown', async () => {
    const img = wb.webview().locator('img[alt^="The waterfall of a 504"]').first();
    const w = await img.evaluate((e) => (e as unknown as { naturalWidth: number }).naturalWidth, undefined, { timeout: 2_000 }).catch(() => 0);
    return w > 0 ? w : undefined;
  }, 20_000);
  assert.equal(width, 1400);
  assert.match(await wb.webviewText('body'), /budget line/);
  await wb.screenshot('walkthrough-waterfall-step');
});

test('Live Updates: the item says when they are on, and its quick pick turns them off', async () => {
  await wb.closeEditor();
  // Try the Sample Account (the command) connects it and runs Trace 504 on orders-api: a run to follow.
  await wb.runCommand('Timeout Lens: Try the Sample Account');
  // The run's end (its first answer is logged before it ends, and Live Updates follow a finished run).
  await waitFor('a Trace 504 run on orders-api in the log', () => (/trace 504 orders-api .*: \d+ trace\(s\) of \d+ slow request/.test(wb.outputChannelLog('Timeout Lens')) ? true : undefined), 90_000);
  // The run's waterfall takes the focus when its webview has loaded, which would close a quick pick opened before.
  await waitFor('the waterfall of the run', async () => ((await wb.webviewTexts('body')).some((t) => /orders-api/.test(t)) ? true : undefined), 60_000);
  await waitForStatus('the sample account', /sample account/);
  assert.doesNotMatch(await statusText(), /live/);

  let items = await openMenu();
  assert.ok(items.includes('Turn Live Updates On'), `offers to turn Live Updates on (it offered: ${items.join(' | ')})`);
  await wb.pickQuickItem('Turn Live Updates On');
  assert.match(await waitForStatus('live', /live/), /sample account · live/);
  assert.match((await entry().getAttribute('aria-label')) ?? '', /Live Updates on/);
  await wb.screenshot('status-bar-live');

  items = await openMenu();
  assert.ok(items.includes('Turn Live Updates Off'), `offers to turn Live Updates off (it offered: ${items.join(' | ')})`);
  await wb.pickQuickItem('Turn Live Updates Off');
  await waitFor('the item to drop "live"', async () => (/live/.test(await statusText()) ? undefined : true));
  assert.match((await entry().getAttribute('aria-label')) ?? '', /Live Updates off/);
});
