// The waterfall page: CSP, nonce'd script, the initial snapshot inlined as JSON.
// Pure (no vscode import) so the browser tests and the benchmark load exactly the page the
// panel serves, under exactly its Content-Security-Policy.
import { randomBytes } from 'node:crypto';
import { INITIAL_STATE_ELEMENT_ID } from '../protocol';
import type { WaterfallSnapshot } from '../protocol';

export interface WaterfallPageInput {
  /** `webview.cspSource`: the origin the webview's own resources come from. */
  cspSource: string;
  /** URL of dist/webview.js as the webview may load it (`asWebviewUri`). */
  scriptUri: string;
  nonce: string;
  snapshot: WaterfallSnapshot | null;
}

/** A fresh nonce per render: 16 random bytes, base64 (never Math.random). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The policy of the page. Styles come only from CSSOM (constructed sheet) and cspSource; the page
 * loads no image and no font, so `default-src 'none'` covers them. `base-uri` and `form-action`
 * do not fall back to `default-src`, so they are closed by name: no injected `<base>` can move the
 * script's URL, and no form can post anywhere.
 */
export function waterfallCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * JSON safe inside `<script type="application/json">`: `<` cannot open `</script>` or `<!--`,
 * and U+2028/2029 are escaped for good measure. JSON.parse reads the escapes back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function waterfallHtml(input: WaterfallPageInput): string {
  const csp = waterfallCsp(input.cspSource, input.nonce);
  const title = input.snapshot ? `Trace ${input.snapshot.traceId}` : 'Trace';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${attr(title)}</title>
</head>
<body>
<main id="tl-root" aria-label="Trace waterfall"></main>
<script type="application/json" id="${INITIAL_STATE_ELEMENT_ID}">${jsonForScript(input.snapshot)}</script>
<script nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</body>
</html>`;
}
