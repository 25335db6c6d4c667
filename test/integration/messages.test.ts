// The messages a person reads when something fails, in the real VS Code: the Trace 504 picker
// with AWS unreachable (its error rows, and the fix a row offers), a run where every call
// failed (an error listing each distinct failure once, counted), a run where one operation was
// denied (a warning, with the IAM fix), expired credentials (the sign-in command typed into a
// terminal, not run), an Open Trace File run that skipped a file (the toast names it, Show
// Details opens that run's log, wrapped), and Select AWS Profile with a typed name.
// Runs in order: the endpoint is a closed port until the sample account starts listening on it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, sampleAccountEnv, startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';
import { startSampleAccount, type SampleAccount } from '../../src/aws/sampleAccount/server';

let server: VSCodeServer;
let wb: Workbench;
let workspace: string;
let account: SampleAccount | undefined;
/** Nothing listens here until the partial-failure test starts the sample account on it. */
let port: number;
let endpoint: string;
/** A name long enough that its log line wraps in the editor. */
const BROKEN = 'orders-api-export-of-the-slowest-requests-cut-off-halfway-through-the-download-so-it-is-not-valid-json-any-more.json';

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'tl-ws-'));
  writeFileSync(join(workspace, BROKEN), '{"Traces": [{"Id": "1-5f84c7a1-58dd2bd0a7ec0c74f1b1b6e2", "Segments": [');
  port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  server = await startVSCode({
    workspace,
    // The terminal drawn in the DOM (not on a canvas), so its text can be read.
    settings: { 'timeoutLens.aws.endpoint': endpoint, 'timeoutLens.aws.region': 'us-east-1', 'terminal.integrated.gpuAcceleration': 'off' },
    // Keys the sample account takes, and a profile of its own.
    env: sampleAccountEnv('[profile staging]\nregion = eu-central-1\n'),
  });
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
  await account?.close();
});

const box = (): ReturnType<Workbench['page']['locator']> => wb.page.locator('.quick-input-widget .quick-input-box input');
const log = (): string => wb.outputChannelLog('Timeout Lens');

/** The severity of the toast whose message matches `re`, from its icon. */
async function severity(re: RegExp): Promise<string> {
  const cls = (await wb.notificationToast(re).locator('.notification-list-item-icon').first().getAttribute('class')) ?? '';
  return /codicon-error/.test(cls) ? 'error' : /codicon-warning/.test(cls) ? 'warning' : /codicon-info/.test(cls) ? 'info' : cls;
}

/**
 * The labels of the quick pick's rows in the order shown. Only each row's label: a recycled row
 * keeps the text of an earlier item's detail, hidden, and the harness's label reader sees it too.
 */
async function rowLabels(): Promise<string[]> {
  const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 10_000 });
  const read = await rows.evaluateAll((els) =>
    els.map((e) => {
      const el = e as unknown as { getAttribute(n: string): string | null; querySelector(s: string): { innerText: string } | null };
      return { at: Number(el.getAttribute('data-index') ?? 0), label: (el.querySelector('.quick-input-list-row .label-name')?.innerText ?? '').trim() };
    }),
  );
  return read.sort((a, b) => a.at - b.at).map((r) => r.label);
}

async function failing<T>(name: string, p: Promise<T>): Promise<T> {
  return p.catch(async (e: unknown) => {
    await wb.screenshot(`messages-${name}-failed`);
    console.error(`the log when ${name} failed:\n${log().split('\n').slice(-25).join('\n')}`);
    throw e;
  });
}

test('Trace 504 with AWS unreachable: each list that could not be read says why in full, and choosing it offers the fix', async () => {
  await wb.runCommand('Timeout Lens: Trace 504');
  const rows = await failing('picker-errors', waitFor('the two error rows', async () => {
    const r = await wb.quickPickRows();
    return r.some((x) => x.includes('Could not list the APIs')) && r.some((x) => x.includes('Could not list the Lambda functions')) ? r : undefined;
  }, 60_000));
  // The whole message the row holds is the one logged for it, word for word.
  const apisMessage = /could not list APIs: (.+)$/m.exec(log())?.[1]?.trim();
  const fnsMessage = /could not list Lambda functions: (.+)$/m.exec(log())?.[1]?.trim();
  assert.ok(apisMessage && fnsMessage, 'both failures logged');
  const apisRow = rows.find((x) => x.includes('Could not list the APIs'))!;
  assert.match(apisRow, /API Gateway Get(Rest)?Apis unreachable — choose to fix/);
  assert.ok(apisRow.includes(apisMessage), `the row holds the whole message (${apisRow})`);
  const fnsRow = rows.find((x) => x.includes('Could not list the Lambda functions'))!;
  assert.match(fnsRow, /Lambda ListFunctions unreachable — choose to fix/);
  assert.ok(fnsRow.includes(fnsMessage), `the row holds the whole message (${fnsRow})`);
  // Its button carries the whole message as its tooltip.
  const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Could not list the APIs' }).first();
  await row.hover();
  const button = row.locator('.quick-input-list-entry-action-bar .action-label').first();
  assert.equal(await button.getAttribute('aria-label'), `Copy the message: ${apisMessage}`);
  await wb.screenshot('messages-picker-errors');

  // Choosing the row does not close the picker silently: the message in full, then the fix.
  await wb.pickQuickItem('Could not list the APIs');
  await failing('fix-picker', wb.waitForQuickInputTitle('Could not list the APIs'));
  const labels = await rowLabels();
  const fixAt = labels.indexOf('Open the endpoint setting');
  assert.ok(fixAt > 0, `the fix is offered (${labels.join(' | ')})`);
  assert.equal(labels.slice(0, fixAt).join(' '), apisMessage.replace(/\s+/g, ' '), `the message rows, read in order, are the whole message (${labels.join(' | ')})`);
  assert.deepEqual(labels.slice(fixAt), ['Open the endpoint setting', 'Trace 504 again', 'Copy the message']);
  const fixRows = await wb.quickPickRows();
  assert.ok(fixRows.some((x) => x.includes(`Open the endpoint setting timeoutLens.aws.endpoint, now ${endpoint}`)), fixRows.join(' | '));
  // Each line of the message shows whole: none is cut off at the picker's edge.
  const cut = await wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row .monaco-icon-label-container').evaluateAll((els) =>
    els.filter((e) => (e as unknown as { scrollWidth: number }).scrollWidth > (e as unknown as { clientWidth: number }).clientWidth + 1).map((e) => (e as unknown as { textContent: string }).textContent),
  );
  assert.deepEqual(cut, [], 'no row is cut off');
  await wb.screenshot('messages-fix-picker');
  await wb.pickQuickItem('Open the endpoint setting');
  // The Settings editor, searched for the endpoint setting.
  const shown = await failing('endpoint-setting', waitFor('the Settings editor on the endpoint setting', async () => {
    const t = await wb.page.locator('.settings-editor .settings-body').first().innerText().catch(() => '');
    return /An endpoint URL that replaces every AWS service endpoint/.test(t) ? t : undefined;
  }, 20_000));
  assert.match(shown, /Endpoint/);
  assert.doesNotMatch(shown, /The AWS profile \(from/, 'only the endpoint setting');
  await wb.closeEditor();
});

test('a run where every call failed: an error listing each distinct failure once, with its count and the fix', async () => {
  await wb.runCommand('Timeout Lens: Trace 504');
  // Both lists fail at the closed port and re-render the picker: choose once they have, or the
  // click can land while the rows move.
  await waitFor('the picker with both lists failed', async () => {
    const r = await wb.quickPickRows();
    return r.some((x) => x.includes('Could not list the APIs')) && r.some((x) => x.includes('Could not list the Lambda functions')) ? true : undefined;
  }, 60_000);
  await wb.pickQuickItem('A Lambda function by name…');
  await wb.waitForQuickInputTitle('Lambda function');
  await box().fill('orders-api-reports');
  await box().press('Enter');
  await wb.waitForQuickInputTitle('time window');
  await wb.pickQuickItem('Last hour');
  const re = /^Trace 504 could not read function orders-api-reports: /;
  const text = await failing('all-failed', wb.waitForNotification(re, 90_000));
  assert.equal(await severity(re), 'error');
  const list = text.replace(re, '').split('. Check the endpoint setting')[0]!;
  const items = list.split('; ');
  for (const what of ['Lambda GetFunctionConfiguration unreachable ×1', 'X-Ray GetTraceSummaries unreachable ×1', 'CloudWatch Logs FilterLogEvents unreachable ×1']) {
    assert.ok(items.includes(what), `"${what}" in ${JSON.stringify(items)}`);
  }
  assert.ok(items.some((x) => /^API Gateway Get(Rest)?Apis unreachable ×1$/.test(x)), JSON.stringify(items));
  assert.equal(new Set(items.map((x) => x.replace(/ ×\d+$/, ''))).size, items.length, 'each failure once');
  assert.match(text, new RegExp(`Check the endpoint setting \\(${endpoint.replace(/\./g, '\\.')}\\), the network, a proxy or VPN\\.$`));
  assert.deepEqual(await wb.notificationButtons(re), ['Open the Endpoint Setting', 'Show Log']);
  await wb.screenshot('messages-all-failed');
});

test('a run where one operation was denied: a warning counting it, with the IAM fix', async () => {
  // The sample account on the endpoint's port, denying FilterLogEvents: the traces come, the logs do not.
  account = await startSampleAccount({ port, historyMinutes: 60, speed: 10 });
  account.inject({ kind: 'access-denied', operation: 'FilterLogEvents' });
  await wb.runCommand('Timeout Lens: Trace 504');
  await failing('partial-picker', waitFor('orders-api in the list', async () => ((await wb.quickPickItems()).some((l) => /^\W*orders-api$/.test(l)) ? true : undefined), 30_000));
  await wb.pickQuickItem('orders-api');
  await wb.waitForQuickInputTitle('time window');
  await wb.pickQuickItem('Last hour');
  const re = /^Trace 504 on orders-api \(REST API, stage prod\) read only part of the data: /;
  const text = await failing('partial', wb.waitForNotification(re, 90_000));
  assert.equal(await severity(re), 'warning');
  assert.match(text, /read only part of the data: CloudWatch Logs FilterLogEvents denied \(logs:FilterLogEvents\) ×[2-9]\. Add logs:FilterLogEvents to the IAM policy of your credentials\.$/);
  assert.deepEqual(await wb.notificationButtons(re), ['Copy the IAM Action', 'Open the IAM Policy', 'Show Log']);
  // The traces still came: the worst request is in a waterfall.
  await waitFor('the waterfall of the run', async () => ((await wb.webviewTexts('body')).some((t) => /orders-api\/prod/.test(t)) ? true : undefined), 60_000);
  await wb.screenshot('messages-partial');
  await wb.clickNotificationButton(re, 'Open the IAM Policy');
  const readme = await failing('iam-policy', waitFor('the README at its IAM policy', async () => {
    const t = await wb.editorText().catch(() => '');
    return /## IAM permissions/.test(t) && /"logs:FilterLogEvents"/.test(t) ? t : undefined;
  }, 20_000));
  assert.ok(readme);
  // The README and the waterfall (a webview with the focus takes the keys the palette needs).
  await wb.closeAllEditors();
  account.clearFaults();
});

test('expired credentials: the picker’s fix types the sign-in command into a terminal, for the person to run', async () => {
  account!.inject({ kind: 'expired-token' });
  await wb.runCommand('Timeout Lens: Trace 504');
  const row = await failing('expired-picker', waitFor('the error row', async () => (await wb.quickPickRows()).find((x) => x.includes('Could not list the APIs')), 60_000));
  assert.match(row, /API Gateway Get(Rest)?Apis credentials expired — choose to fix/);
  await wb.pickQuickItem('Could not list the APIs');
  await wb.waitForQuickInputTitle('Could not list the APIs');
  const labels = await rowLabels();
  assert.ok(labels.includes('Run `aws sso login` in a terminal'), labels.join(' | '));
  assert.ok(labels.includes('Select AWS Profile'), labels.join(' | '));
  await wb.pickQuickItem('Run `aws sso login` in a terminal');
  const terminal = await failing('sso-terminal', waitFor('the command typed in a terminal', async () => {
    const t = await wb.page.locator('.part.panel .xterm-rows').first().innerText().catch(() => '');
    // On the prompt's line, as typed: the shell's prompt, then the command.
    return /[$#>] aws sso login\s*$/.test(t.replace(/\u00a0/g, ' ').trimEnd()) ? t : undefined;
  }, 30_000));
  assert.ok(terminal);
  assert.match(await wb.page.locator('.part.panel').innerText(), /AWS sign-in/, 'the terminal is named for what it is for');
  await wb.screenshot('messages-sso-terminal');
  account!.clearFaults();
  await wb.runCommand('View: Hide Panel');
});

test('Open Trace File on a file it cannot read: the toast names it, Show Details opens that run’s log', async () => {
  await wb.openTraceFile(join(workspace, BROKEN));
  const re = /^Timeout Lens skipped an item it could not read in /;
  const text = await failing('skipped', wb.waitForNotification(re, 30_000));
  assert.equal(await severity(re), 'warning');
  assert.match(text, new RegExp(`^Timeout Lens skipped an item it could not read in ${BROKEN.replace(/\./g, '\\.')}: Not valid JSON: .+\\. Show Details lists each with where and why; the rest is shown\\.$`));
  assert.deepEqual(await wb.notificationButtons(re), ['Show Details']);
  await wb.clickNotificationButton(re, 'Show Details');
  await failing('run-log', wb.page.locator('.tabs-container .tab.active', { hasText: `Open Trace File ${BROKEN}` }).waitFor({ timeout: 20_000 }));
  const doc = await waitFor('the run’s log', async () => {
    const t = await wb.editorText().catch(() => '');
    return /skipped /.test(t) ? t : undefined;
  }, 20_000);
  // Wrapped rows come as lines of their own: read the text without its breaks and spaces.
  const flat = doc.replace(/\s+/g, '');
  assert.ok(flat.startsWith(`#OpenTraceFile${BROKEN}`), doc);
  assert.ok(flat.includes(`[warning]skipped${join(workspace, BROKEN)}:NotvalidJSON`), doc);
  // This run's lines only: not the extension's start, not the Trace 504 runs before it.
  assert.doesNotMatch(doc, /activated in|trace 504|could not list/);
  const editor = wb.page.locator('.editor-instance .monaco-editor').first();
  // In the log colors (VS Code's log grammar under our language): the level and the time have their own.
  const tokens = await failing('run-log-colors', waitFor('the log colors', async () => {
    const classes = await editor.locator('.view-lines .view-line span span').evaluateAll((els) => [...new Set(els.map((e) => (e as unknown as { className: string }).className))]);
    return classes.length > 1 ? classes : undefined;
  }, 15_000));
  assert.ok(tokens.length > 1);
  // The long line wraps: more rows on screen than line numbers (a continuation row has none).
  await wb.screenshot('messages-run-log');
  const numbers = await editor.locator('.margin-view-overlays .line-numbers').count();
  const rows = await editor.locator('.view-lines .view-line').count();
  assert.ok(rows > numbers, `a wrapped line (${rows} rows, ${numbers} line numbers)`);
  await wb.closeEditor();
});

test('Select AWS Profile takes a typed name, checks it, writes it, and shows it as current next time', async () => {
  await wb.runCommand('Timeout Lens: Select AWS Profile');
  await waitFor('the profiles', async () => ((await wb.quickPickItems()).includes('staging') ? true : undefined));
  // Not a profile name: said, and Enter keeps the picker open.
  await box().fill('my profile');
  const invalid = await waitFor('the invalid name row', async () => (await wb.quickPickRows()).find((x) => x.includes("'my profile' is not a profile name")));
  assert.match(invalid, /A profile name has no spaces\./);
  await box().press('Enter');
  await wb.waitForQuickInputTitle('AWS profile');
  await box().fill('ci-deploy@corp');
  const use = await waitFor('the typed name offered', async () => (await wb.quickPickRows()).find((x) => x.includes("Use profile 'ci-deploy@corp'")));
  assert.match(use, /Not in ~\/\.aws\/config or ~\/\.aws\/credentials/);
  await box().press('Enter');
  const settings = join(server.userDataDir, 'User', 'settings.json');
  await waitFor('the setting written', () => (/"timeoutLens\.aws\.profile": "ci-deploy@corp"/.test(readFileSync(settings, 'utf8')) ? true : undefined));
  // Next time: the profile set is current, though neither file has it.
  let seen: string[] = [];
  let rows: string[] | undefined;
  for (let attempt = 1; !rows; attempt++) {
    await wb.runCommand('Timeout Lens: Select AWS Profile');
    rows = await waitFor('the profiles again', async () => {
      seen = await wb.quickPickRows();
      return seen.some((x) => x.startsWith('ci-deploy@corp')) ? seen : undefined;
    }, 10_000).catch(async (e: unknown) => {
      // A picker that did not come (the palette can lose the command on a busy machine): again, as a person would.
      await wb.screenshot(`messages-profile-current-attempt-${attempt}`);
      await wb.page.keyboard.press('Escape');
      if (attempt >= 2) throw new Error(`${e instanceof Error ? e.message : String(e)} (rows: ${seen.join(' | ')})`);
      return undefined;
    });
  }
  // (A row's label and description come with no space between them.)
  assert.ok(rows.some((x) => /^ci-deploy@corp\s*\(current\)\s*not in ~\/\.aws\/config or ~\/\.aws\/credentials$/.test(x)), rows.join(' | '));
  assert.ok(rows.some((x) => /^Default credential chain\s*Environment variables/.test(x)), `the default chain is not current (${rows.join(' | ')})`);
  assert.ok(rows.some((x) => /^staging\s*eu-central-1\s*from ~\/\.aws\/config$/.test(x)), rows.join(' | '));
  await wb.screenshot('messages-profile-current');
  await wb.page.keyboard.press('Escape');
});
