// A command link in a hover carries its arguments in the link's destination: a name with
// brackets, parentheses or quotes must neither end the link early nor reach the command changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLink } from '../../../src/code/hints';

test('a command link keeps a hostile function name whole: no bracket or parenthesis ends it', () => {
  const name = 'fn) [x](command:evil?%5B%5D) "q" `b` (';
  const link = commandLink('Open the worst request', 'timeoutLens.openWorstRequest', [name]);
  const m = /^\[Open the worst request\]\(command:timeoutLens\.openWorstRequest\?([^()\s]*)\)$/.exec(link);
  assert.ok(m, `one link whose destination holds no raw parenthesis: ${link}`);
  assert.deepEqual(JSON.parse(decodeURIComponent(m[1]!)), [name]);
});
