// Text from a trace, a log or AWS, made safe to print in a terminal. A name, a URL or a message
// can hold escape sequences (ESC, CSI, OSC: set the window title, clear the screen, write the
// clipboard) and bidirectional controls that make text read other than it is: each becomes a
// visible escape (`\x1b`, `\u202e`) and a tab a space. A value is cut to a length a report can
// show before anything else is done with it, so a name of 200 MB costs what a short one does.

/**
 * C0 and C1 controls (with DEL), the bidirectional embeddings, overrides, isolates and marks
 * (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), and the Unicode line and paragraph
 * separators, which some terminals take as line breaks.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
/** The same, but a line break is kept (the report's own lines). */
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves as it is of those: DEL, C1, the bidi controls and U+2028/U+2029. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The longest value a terminal report shows whole (a finding's detail is a few hundred characters). */
export const MAX_SHOWN_LENGTH = 2000;

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

function visible(c: string): string {
  if (c === '\t') return ' ';
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/**
 * One value (a span name, a URL, a message) as a terminal may show it: at most `max` characters
 * (then how many more there were), every control character and bidi control a visible escape, a
 * line break included (`\n`), a tab a space.
 */
export function terminalSafe(text: string, max = MAX_SHOWN_LENGTH): string {
  let s = text;
  let more = 0;
  if (s.length > max) {
    // Cut first: the rest of the work is on what is shown. Never half a surrogate pair.
    let end = max;
    const last = s.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    more = s.length - end;
    s = s.slice(0, end);
  }
  if (UNSAFE.test(s)) s = s.replace(UNSAFE_ALL, visible);
  return more ? `${s}… (${more} more characters)` : s;
}

/** A whole text of lines: every control character a visible escape but the line breaks. */
export function terminalSafeLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, visible);
}

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes the C0 controls but writes DEL, the C1
 * controls (CSI is U+009B) and the bidi controls as they are; here they are `\u` escapes too.
 * They can only be inside strings, where the escape is the same value: the JSON parses the same.
 */
export function terminalSafeJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}
