// Markdown built from trace and log data (the Slow Endpoints tooltips, the code hints' hovers):
// a route or a name holding a command link, an <img>, backticks or emphasis shows as that text.
// CommonMark reads a backslash-escaped ASCII punctuation character as a literal, so the proof is
// that the data adds no unescaped punctuation to the Markdown: a tooltip of hostile data has
// exactly the markup characters of the same tooltip of plain data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingTooltipMarkdown, mdText, routeTooltipMarkdown } from '../../../src/ui/tooltipMarkdown';
import type { EndpointStats } from '../../../src/core/report';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import { functionEvidence } from '../../../src/code/evidence';
import { callHoverMarkdown, handlerHoverMarkdown, matchCalls } from '../../../src/code/hints';
import { batchGetTraces, reportsTimeout } from '../../builders/traceBuilder';

const LINK = '[x](command:timeoutLens.trySampleAccount)';
const HOSTILE = [
  LINK,
  '![i](https://example.invalid/i.png)',
  '<img src=x onerror=alert(1)>',
  '`code`',
  '*em* **strong** _u_ ~~s~~',
  '&lt;b&gt; &#91;y&#93;',
  '$(alert) :smile:',
  '<command:timeoutLens.trace504>',
  'https://example.invalid/autolink',
  '| cell | \\',
  '\n# heading\n- item\n> quote\n',
].join(' ');

const PUNCT = /[!-/:-@[-`{-~]/;

/** The ASCII punctuation of `md` that is not backslash-escaped (what Markdown may read as markup), sorted. */
function markup(md: string): string {
  const out: string[] = [];
  for (let i = 0; i < md.length; i++) {
    const c = md[i]!;
    if (c === '\\' && i + 1 < md.length && PUNCT.test(md[i + 1]!)) {
      i++;
      continue;
    }
    if (PUNCT.test(c)) out.push(c);
  }
  return out.sort().join('');
}

/** What Markdown shows for escaped text: the escapes dropped. */
function shown(md: string): string {
  return md.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

test('mdText: every markup character escaped, whitespace one space, the text shown unchanged', () => {
  const md = mdText(HOSTILE);
  assert.equal(markup(md), '');
  assert.ok(!/[\n\r\t]/.test(md), 'one line: no block, no table row can start');
  assert.equal(shown(md), HOSTILE.replace(/\s+/g, ' '));
  for (let c = 0x21; c <= 0x7e; c++) {
    const ch = String.fromCharCode(c);
    assert.equal(mdText(ch), PUNCT.test(ch) ? `\\${ch}` : ch, ch);
  }
  assert.equal(mdText('GET /orders/{id}'), 'GET \\/orders\\/\\{id\\}');
});

const ROUTE: EndpointStats = {
  api: 'orders-api', stage: 'prod', method: 'POST', route: '/reports',
  count: 60, p50Ms: 27_942, p95Ms: 29_022, p99Ms: 24_800, maxMs: 29_023, timeouts: 7, errors5xx: 7, coldStarts: 16, budgetMs: 29_000,
};

test('the route tooltip: a hostile route, API, stage and method add no markup', () => {
  const plain = routeTooltipMarkdown({ ...ROUTE, method: 'M', route: 'r', api: 'a', stage: 's' }, 3);
  const hostile = routeTooltipMarkdown({ ...ROUTE, method: HOSTILE, route: HOSTILE, api: HOSTILE, stage: HOSTILE }, 3);
  assert.equal(markup(hostile), markup(plain));
  assert.ok(!hostile.includes(LINK) && !/(?<!\\)<img/.test(hostile) && !hostile.includes('`code`') && !hostile.includes('*em*'));
  assert.ok(hostile.includes(mdText(`${HOSTILE} ${HOSTILE}`)), 'the route shows whole, as text');
  // The table keeps its rows: the data's newlines and pipes do not end one.
  assert.equal(hostile.split('\n').length, plain.split('\n').length);
  assert.match(routeTooltipMarkdown(ROUTE, 0), /^\*\*POST \\\/reports\*\* — orders\\-api\\\/prod\n/);
});

test('the finding tooltip: hostile title, detail and fix add no markup', () => {
  const plain = findingTooltipMarkdown({ title: 't', detail: 'd', fix: 'f' });
  const hostile = findingTooltipMarkdown({ title: HOSTILE, detail: HOSTILE, fix: HOSTILE });
  assert.equal(markup(hostile), markup(plain));
  assert.equal(hostile.split('\n').length, plain.split('\n').length);
});

test('the code hints’ hovers: a hostile function name and route make no link, image, HTML or code span', () => {
  // A function name X-Ray would carry as is; the hover's only links are the extension's commands.
  const fn = `fn ${HOSTILE}`;
  const analyzed = analyze(parseTraceText(batchGetTraces(reportsTimeout({ functionName: fn })), 'built.json')).analyzed;
  const [ev] = functionEvidence(analyzed, [{ ...ROUTE, route: HOSTILE, api: HOSTILE }], { source: HOSTILE, capturedAtMs: 0 });
  assert.ok(ev, 'the hostile function has evidence');
  const handler = handlerHoverMarkdown(ev, { openWorst: 'timeoutLens.openWorstRequest', trace504: 'timeoutLens.trace504' });
  const get = matchCalls([{ kind: 'aws', library: 'aws-sdk-v3', service: 'DynamoDB', operation: 'GetItem', loops: [], text: 'ddb.send()', span: { file: 'f', line: 1, column: 0, endLine: 1, endColumn: 9 } }], ev.calls)[0];
  assert.ok(get);
  for (const full of [handler, callHoverMarkdown(get, 'javascript', ev)]) {
    // The hover's own command links carry the name percent-encoded in their destination (no space,
    // no bracket, no < or backtick there): the checks read the rest.
    const md = full.replace(/\]\((command:[\w.]+)\?\S*/g, ']($1)');
    assert.ok(!md.includes(LINK), 'no link from data');
    // Every link target in the Markdown: only the two command links the hover makes itself.
    const targets = [...md.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].map((m) => m[1]!);
    assert.ok(targets.every((t) => t === 'command:timeoutLens.openWorstRequest' || t === 'command:timeoutLens.trace504'), targets.join(', '));
    // No unescaped < (HTML, an autolink) outside the hover's own links.
    assert.ok(!/(?<!\\)<(?!\/?(?:br)?>)/.test(md.replace(/\[[^\]]*\]\(command:[^)]*\)/g, '')), 'no HTML and no autolink');
    assert.ok(!md.includes('`code`') && !md.includes('*em*') && !/(?<!\\)<img/.test(md));
  }
  const links = [...handler.matchAll(/\]\(command:([\w.]+)\?/g)].map((m) => m[1]);
  assert.deepEqual(links, ['timeoutLens.openWorstRequest', 'timeoutLens.trace504']);
});
