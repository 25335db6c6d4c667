// The whole product on the sample account, as a newcomer meets it: the welcome view's
// "Try the sample account" starts the local AWS endpoint inside the extension host, and Trace 504
// fetches the living orders-api's timeouts over the real SDK and opens the worst in the waterfall.
// Then Trace 504 again from the command palette, choosing the API and the window by hand.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';

let server: VSCodeServer;
let wb: Workbench;

before(async () => {
  server = await startVSCode({ settings: { 'timeoutLens.liveRefreshSeconds': 5 } });
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
});

/**
 * Runs Trace 504 from the palette and waits for its target list to offer `item`. A waterfall the
 * previous run revealed can take the focus when its webview has loaded, which closes a quick pick
 * opened meanwhile: a picker seen closed is opened again at once (a person would do the same),
 * up to three times, and what had the focus is said in the test's output.
 */
async function openTrace504Picker(what: string, item: RegExp): Promise<void> {
  const widget = wb.page.locator('.quick-input-widget');
  for (let attempt = 1; ; attempt++) {
    await wb.runCommand('Timeout Lens: Trace 504');
    let hiddenSince = 0;
    const outcome = await waitFor(what, async () => {
      if (!(await widget.isVisible().catch(() => false))) {
        hiddenSince ||= Date.now();
        return Date.now() - hiddenSince > 1_500 ? 'closed' : undefined;
      }
      hiddenSince = 0;
      const rows = await wb.quickPickItems().catch(() => [] as string[]);
      return rows.some((l) => item.test(l)) ? 'listed' : undefined;
    }, 30_000).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    if (outcome === 'listed') return;
    // What has the focus, as the workbench's own DOM tells it (a string: this file has no DOM types).
    const focus = await wb.page
      .evaluate('(() => { const a = document.activeElement; return a ? a.tagName.toLowerCase() + (a.className ? "." + String(a.className).trim().split(/\\s+/).join(".") : "") : "nothing"; })()')
      .catch(() => 'unknown');
    console.log(`# Trace 504's picker ${outcome === 'closed' ? 'closed by itself' : 'never listed the item'} (attempt ${attempt}; the focus on ${focus})`);
    if (outcome !== 'closed') await wb.page.keyboard.press('Escape');
    if (attempt >= 3) {
      await wb.screenshot(`vscode-trace504-picker-failed-${attempt}`);
      throw outcome === 'closed' ? new Error(`Trace 504's picker closed by itself before listing ${what}, ${attempt} times`) : outcome;
    }
  }
}

test('Try the sample account opens a live 504 of orders-api in the waterfall', async () => {
  await wb.openViewContainer('Timeout Lens');
  await wb.welcomeText('Slow Endpoints');
  await wb.viewPane('Slow Endpoints').locator('.welcome-view-content a, .welcome-view-content .monaco-button', { hasText: 'Try the sample account' }).first().click();
  await wb.waitForNotification(/sample account is running at http:\/\/127\.0\.0\.1:\d+/, 30_000);
  const body = await waitFor('the waterfall of a 504', async () => {
    try {
      const t = await wb.webviewText('body');
      return /orders-api\/prod/.test(t) ? t : undefined;
    } catch {
      return undefined;
    }
  }, 60_000);
  assert.match(body, /504/);
  assert.match(body, /orders-api-reports/);
  assert.match(body, /DynamoDB/);
  assert.match(body, /gave up/i);
  assert.match(body, /kept running after the client got its 504/);
  // What the account's configuration says reaches the waterfall: a 60 s function behind 29 s.
  assert.match(body, /The function may run longer than the API waits/);
  // The Slow Endpoints view now ranks the routes from the stage's access log.
  await wb.openViewContainer('Timeout Lens');
  const rows = await waitFor('the endpoint rows', async () => {
    const r = await wb.treeItems('Slow Endpoints');
    return r.some((x) => /POST \/reports/.test(x)) ? r : undefined;
  }, 30_000);
  // Where the numbers come from, the API and its stage, then its routes, the riskiest first.
  assert.match(rows[0]!, /^sample account · us-east-1\s*1 API stage\(s\) · 3 route\(s\)/, `the account first (${rows.join(' | ')})`);
  assert.match(rows[1]!, /^orders-api\s*stage prod · 3 route\(s\) · \d+× 504/, `then the API (${rows.join(' | ')})`);
  assert.match(rows[2]!, /POST \/reports.*p99 29\.\d s.*504/, `the riskiest route first (${rows.join(' | ')})`);
  assert.ok(rows.some((x) => /GET \/orders\/\{id\}/.test(x)));
  await wb.screenshot('vscode-sample-account-endpoints');
  // From the route to its requests: a click on the route opens its worst request (the panel above)
  // and expands it; then by keyboard, back in the tree, down to the second traced request and
  // Enter: a waterfall of another trace opens.
  const opened = (): number => (wb.outputChannelLog('Timeout Lens').match(/waterfall opened: /g) ?? []).length;
  const before = opened();
  const tree = wb.viewPane('Slow Endpoints').locator('.monaco-list').first();
  await wb.viewPane('Slow Endpoints').locator('.monaco-list-row', { hasText: 'POST /reports' }).first().click();
  // The waterfall the click revealed can take the focus: give it back to the tree, then Right expands.
  await wb.page.waitForTimeout(500);
  await tree.focus();
  await wb.page.keyboard.press('ArrowRight');
  const requests = await waitFor('the traced requests of POST /reports', async () => {
    const r = await wb.treeItems('Slow Endpoints');
    return r.filter((x) => /^504 · 29\.\d s · .*timed out/.test(x)).length >= 2 ? r : undefined;
  }, 15_000);
  assert.ok(requests.some((x) => /504\(s\) without a trace/.test(x)) || requests.filter((x) => /^504 ·/.test(x)).length >= 2, requests.join(' | '));
  // The run's findings about the route head its children, one row; its requests follow.
  const routeRow = requests.findIndex((x) => /^POST \/reports/.test(x));
  assert.match(requests[routeRow + 1]!, /^\d+ findings?.*integration-timeout/, `the findings row under the route (${requests.join(' | ')})`);
  await tree.focus();
  // Down to the findings row, then to the first (worst) request, already open, then the second.
  for (let i = 0; i < 3; i++) await wb.page.keyboard.press('ArrowDown');
  await wb.page.keyboard.press('Enter');
  await waitFor('a second request’s waterfall', () => (opened() > before ? true : undefined), 20_000);
  await waitFor('the second waterfall drawn', async () => ((await wb.webviewTexts('body')).some((t) => /orders-api\/prod/.test(t)) ? true : undefined), 20_000);
  await wb.screenshot('vscode-slow-endpoints-requests');
  // The findings, by keyboard: back up to their row and open it. The second waterfall can take the
  // focus as its webview settles, after the keys were pressed: then the tree is focused again and the
  // keys pressed again (three times at most), each time up until the findings row has the focus.
  const focusedRow = async (): Promise<string> => (await tree.locator('.monaco-list-row.focused').first().innerText({ timeout: 1_000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
  const expanded = async (): Promise<string[] | undefined> => {
    const r = await wb.treeItems('Slow Endpoints');
    return r.some((x) => /high · integration-timeout/.test(x)) ? r : undefined;
  };
  let findings: string[] | undefined;
  for (let attempt = 1; attempt <= 3 && !findings; attempt++) {
    await tree.focus();
    for (let i = 0; i < 4 && !/^\d+ findings?/.test(await focusedRow()); i++) await wb.page.keyboard.press('ArrowUp');
    await wb.page.keyboard.press('ArrowRight');
    findings = await waitFor('the findings of POST /reports', expanded, 5_000).catch(async (e: unknown) => {
      if (attempt === 3) {
        await wb.screenshot('vscode-slow-endpoints-findings-failed');
        throw new Error(`${String(e)}; the focused row: "${await focusedRow()}"; the rows: ${(await wb.treeItems('Slow Endpoints')).join(' | ')}`);
      }
      console.log(`# the findings row did not open (attempt ${attempt}; focused row "${await focusedRow()}"): again`);
      return undefined;
    });
  }
  assert.ok(findings);
  assert.ok(findings.some((x) => /lambda-timeout-exceeds-integration/.test(x)), `the function’s 60 s timeout behind the 29 s API (${findings.join(' | ')})`);
  await wb.screenshot('vscode-slow-endpoints-findings');
  // Filter and sort from the view's title, by the palette: only the matching route stays.
  // (The second waterfall can take the focus when its webview has loaded, which closes the box:
  // then the command is run again, as a person would.)
  for (let attempt = 1; ; attempt++) {
    await wb.runCommand('Timeout Lens: Filter Routes…');
    try {
      await wb.waitForQuickInputTitle('Filter Routes');
      // Into the box itself (a panel that takes the focus meanwhile cannot take the keys).
      const box = wb.page.locator('.quick-input-widget .quick-input-box input');
      await box.fill('orders/', { timeout: 5_000 });
      await box.press('Enter', { timeout: 5_000 });
      break;
    } catch (e) {
      if (attempt >= 3) {
        await wb.screenshot('vscode-slow-endpoints-filter-failed');
        throw e;
      }
      await wb.page.keyboard.press('Escape');
    }
  }
  const filtered = await waitFor('the filtered routes', async () => {
    const r = await wb.treeItems('Slow Endpoints');
    return !r.some((x) => /^POST \/reports/.test(x)) && r.some((x) => /GET \/orders\/\{id\}/.test(x)) ? r : undefined;
  }, 15_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-slow-endpoints-filter-failed');
    throw e;
  });
  assert.match(filtered[0]!, /matching “orders\/”/);
  await wb.runCommand('Timeout Lens: Clear Route Filter');
  await waitFor('every route again', async () => ((await wb.treeItems('Slow Endpoints')).some((x) => /^POST \/reports/.test(x)) ? true : undefined), 15_000);
  await wb.runCommandAndPick('Timeout Lens: Sort Routes By…', 'Name');
  const byName = await waitFor('the routes by name', async () => {
    const r = (await wb.treeItems('Slow Endpoints')).filter((x) => /^(GET|POST) \//.test(x));
    return r.length >= 3 && /^GET \/orders(?!\/)/.test(r[0]!) ? r : undefined;
  }, 15_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-slow-endpoints-sort-failed');
    throw e;
  });
  assert.match(byName.at(-1)!, /^POST \/reports/);
  await wb.runCommandAndPick('Timeout Lens: Sort Routes By…', 'Risk');
  // A route's context menu, by keyboard: Open the Access Log Query writes the route's Logs Insights query.
  await wb.viewPane('Slow Endpoints').locator('.monaco-list-row', { hasText: 'GET /orders/{id}' }).first().click();
  // The click also opens the route's worst request, whose panel takes the focus (and would close a
  // menu) when its webview has loaded: wait for it, then give the focus back to the tree.
  await waitFor('the waterfall of GET /orders/{id}', async () => ((await wb.webviewTexts('body')).some((t) => /GET https:\/\/\S+\/prod\/orders\/\w/.test(t)) ? true : undefined), 20_000).catch(() => undefined);
  await wb.page.waitForTimeout(1_000);
  for (let attempt = 1; ; attempt++) {
    await tree.focus();
    await wb.page.keyboard.press('Shift+F10');
    const menuItem = wb.page.locator('.context-view .action-label', { hasText: 'Open the Access Log Query' }).first();
    // Hovered, then Enter (as a keyboard user would after the arrows): a click right after the menu opens can be ignored.
    const clicked = await menuItem.hover({ timeout: 5_000 }).then(async () => {
      await wb.page.keyboard.press('Enter');
      return true;
    }, () => false);
    if (clicked) break;
    await wb.page.keyboard.press('Escape');
    if (attempt >= 3) {
      await wb.screenshot('vscode-slow-endpoints-context-menu-failed');
      throw new Error('the route’s context menu closed before Open the Access Log Query could be chosen, 3 times');
    }
  }
  const query = await waitFor('the access-log query document', async () => {
    const t = (await wb.page.locator('.monaco-editor .view-lines').last().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    // The route the keyboard's focus is on (the clicked GET /orders/{id}, or its neighbour GET /orders).
    return /filter resourcePath = "\/orders(\/\{id\})?" and httpMethod = "GET"/.test(t) ? t : undefined;
  }, 20_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-slow-endpoints-access-log-query-failed');
    throw e;
  });
  assert.match(query, /Log group: \/aws\/apigateway\/orders-api\/prod/);
  assert.match(query, /aws logs start-query --log-group-name \/aws\/apigateway\/orders-api\/prod .*--endpoint-url http:\/\/127\.0\.0\.1:\d+/);
  await wb.screenshot('vscode-slow-endpoints-access-log-query');
  await wb.runCommand('View: Revert and Close Editor');
  // Leave the workbench as the later tests expect it: one waterfall of this run (a panel revealed
  // later reloads its webview and takes the focus, which closes a quick pick opened meanwhile).
  await wb.closeEditor();
  // From a span to its request's Lambda logs: select the AWS::Lambda row, then the link in the details.
  // The panel opens on its worst span, scrolled to it: back to the top rows first (recycled rows are hidden).
  await wb.webview().locator('#tl-spans').press('Home');
  await wb.webview().locator('.tl-row:not([hidden])', { hasText: 'Lambda · 200' }).first().click();
  await wb.webview().locator('text=Open logs of this request').first().click();
  const logText = await waitFor('the request log document', async () => {
    // Monaco renders spaces as non-breaking spaces.
    const t = (await wb.page.locator('.monaco-editor .view-lines').last().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    return /REPORT RequestId/.test(t) ? t : undefined;
  }, 30_000);
  assert.match(logText, /\/aws\/lambda\/orders-api-reports/);
  await wb.screenshot('vscode-sample-account-logs');
  const status = await wb.page.locator('.statusbar').innerText();
  assert.match(status, /sample account/);
  await wb.screenshot('vscode-sample-account-504');
});

// Runs in order: Live Updates (the last test) follow the last run that has an access log.
test('Trace 504 on the HTTP API: a function that ran past 30 s reads as a 504 at the budget', async () => {
  const runs = (): number => (wb.outputChannelLog('Timeout Lens').match(/trace 504 catalog-api[^\n]*: \d+ trace\(s\) of/g) ?? []).length;
  await openTrace504Picker('the HTTP API in the list', /^\W*catalog-api/);
  await wb.pickQuickItem('catalog-api');
  await wb.pickQuickItem('Last hour');
  await waitFor('a Trace 504 run on catalog-api in the log', () => (runs() > 0 ? true : undefined), 60_000);
  // The new panel can open in either editor group (the request log of the test before sits in the second).
  const body = await waitFor('the HTTP API’s 504 in a waterfall', async () => {
    const all = await wb.webviewTexts('body');
    return all.find((t) => /catalog-api-prod-search/.test(t) && /504 \(inferred from the budget\)/.test(t));
  }, 60_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-http-api-504-failed');
    throw e;
  });
  assert.match(body, /Timed out/);
  assert.match(body, /The HTTP API gave up at 30[.,]0/);
  assert.doesNotMatch(body, /Near the budget/);
  assert.doesNotMatch(body, /to spare/);
  assert.match(body, /HTTP API waits at most 30 s/);
  await wb.screenshot('vscode-http-api-504');
});

test('Trace 504 from the palette: choose the API and the window', async () => {
  const runs = (): number => (wb.outputChannelLog('Timeout Lens').match(/trace 504 orders-api[^\n]*: \d+ trace\(s\) of/g) ?? []).length;
  const runsBefore = runs();
  const opened = (): number => (wb.outputChannelLog('Timeout Lens').match(/waterfall opened: /g) ?? []).length;
  const openedBefore = opened();
  // The APIs and the functions load side by side: wait for both lists.
  await openTrace504Picker('the APIs in the list', /^\W*orders-api$/);
  const items = await waitFor('the APIs and the functions in the list', async () => {
    const l = await wb.quickPickItems();
    return l.some((x) => /^\W*orders-api$/.test(x)) && l.some((x) => /orders-api-reports/.test(x)) ? l : undefined;
  }, 30_000);
  assert.ok(items.some((l) => /catalog-api/.test(l)), `the HTTP API is listed too (${items.join(' | ')})`);
  assert.ok(items.some((l) => /catalog-api-prod-search/.test(l)), `every function of the account is listed (${items.join(' | ')})`);
  await wb.screenshot('vscode-trace504-picker');
  await wb.pickQuickItem('orders-api');
  await wb.pickQuickItem('Last hour');
  // Panels open in whichever editor group is active (the request log of the first test sits in a second one).
  await waitFor('the trace list', async () => (await wb.webviewTexts('body')).some((t) => /orders-api\/prod/.test(t)) || undefined, 60_000);
  await waitFor('a second Trace 504 run in the log', () => (runs() > runsBefore ? true : undefined), 60_000);
  assert.match(wb.outputChannelLog('Timeout Lens'), /trace 504 orders-api .*: \d+ trace\(s\) of \d+ slow request/);
  // The first answer opened (or re-focused) one panel, which then took the whole list: never a second panel.
  assert.match(wb.outputChannelLog('Timeout Lens'), /trace 504 orders-api .*: first answer 1-[0-9a-f]{8}-[0-9a-f]{24}, fetching the rest/);
  assert.ok(opened() - openedBefore <= 1, `at most one waterfall opened for the run (${opened() - openedBefore})`);
  const list = await waitFor('the whole trace list in the first answer’s panel', async () => {
    const all = await wb.webviewTexts('.tl-trace-table');
    return all.find((t) => t.split('\n').filter((l) => /\/prod\b/.test(l)).length >= 3);
  }, 30_000);
  assert.ok(list);
});

test('Enter a trace ID… opens that one request, pasted as OpenTelemetry writes it', async () => {
  const id = /waterfall opened: (1-[0-9a-f]{8}-[0-9a-f]{24})/.exec(wb.outputChannelLog('Timeout Lens'))?.[1];
  assert.ok(id, 'an earlier test opened a trace');
  // Both lists loaded first: a list that arrives later re-renders the rows under the pointer.
  await openTrace504Picker('the functions in the list', /orders-api-reports/);
  await waitFor('the APIs in the list too', async () => ((await wb.quickPickRows()).some((x) => /REST API/.test(x)) ? true : undefined), 20_000);
  await wb.pickQuickItem('Enter a trace ID…');
  await wb.waitForQuickInputTitle('trace ID').catch(async (e: unknown) => {
    await wb.screenshot('vscode-trace-id-box-failed');
    throw e;
  });
  const box = wb.page.locator('.quick-input-widget .quick-input-box input');
  await box.fill(id.slice(2).replace('-', ''));
  await box.press('Enter');
  await waitFor('the trace opened by its id', () => (new RegExp(`trace 504 trace ${id} \\(orders-api, REST API\\): opened`).test(wb.outputChannelLog('Timeout Lens')) ? true : undefined), 30_000);
  await waitFor('its waterfall', async () => ((await wb.webviewTexts('body')).some((t) => /orders-api\/prod/.test(t)) ? true : undefined), 30_000);
});

test('Trace 504 on a Lambda function chosen from the list', async () => {
  const runs = (): number => (wb.outputChannelLog('Timeout Lens').match(/trace 504 function orders-api-reports[^\n]*: \d+ trace\(s\) of/g) ?? []).length;
  await openTrace504Picker('the functions in the list', /orders-api-reports/);
  await wb.pickQuickItem('orders-api-reports');
  await wb.pickQuickItem('Last hour');
  await waitFor('a Trace 504 run on the function in the log', () => (runs() > 0 ? true : undefined), 60_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-trace504-function-run-failed');
    throw e;
  });
  const body = await waitFor('the function’s slow request in the waterfall', async () => {
    const all = await wb.webviewTexts('body');
    return all.find((t) => /orders-api-reports/.test(t) && /Timed out|504/.test(t));
  }, 60_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-trace504-function-failed');
    throw e;
  });
  assert.match(body, /DynamoDB/);
});

test('Toggle Live Updates keeps Slow Endpoints current from the living account', async () => {
  const log = (): string => wb.outputChannelLog('Timeout Lens');
  const polls = (): number => (log().match(/live update: \d+ new log event/g) ?? []).length;
  await wb.runCommand('Timeout Lens: Toggle Live Updates');
  // The last run traced the function orders-api-reports, and found the API in front of it: Live
  // Updates follow that API's access log.
  await waitFor('live updates on the function behind orders-api in the log', () => (/live updates on: function orders-api-reports \(behind orders-api, REST API\), every 5 s/.test(log()) ? true : undefined), 20_000);
  await waitFor('two live polls', () => (polls() >= 2 ? true : undefined), 60_000);
  await wb.openViewContainer('Timeout Lens');
  const pane = wb.viewPane('Slow Endpoints');
  const text = await waitFor('the live message above the endpoints', async () => {
    const t = await pane.innerText().catch(() => '');
    return /Live since .* — function orders-api-reports .* · last new request /.test(t) && /POST \/reports/.test(t) ? t : undefined;
  }, 30_000);
  assert.match(text, /GET \/orders\/\{id\}/);
  await wb.screenshot('vscode-live-updates');
  await wb.runCommand('Timeout Lens: Toggle Live Updates');
  await waitFor('live updates off', () => (/live updates off/.test(log()) ? true : undefined), 20_000);
  const after = polls();
  await new Promise((r) => setTimeout(r, 7_000));
  assert.equal(polls(), after, 'no poll after live updates were turned off');
});
