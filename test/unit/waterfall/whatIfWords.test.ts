// The what-if strip's words: the predicted total against the budget (strip and summary), what the
// live region says, and a row's accessible name under a prediction. Pure strings, checked word for word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictionAnnouncement, predictionText, spanAccessibleName } from '../../../webview/waterfall/accessibleNames';
import { SpanFlag } from '../../../src/protocol';

test('the predicted total in words: under the budget with or without the headroom, over it, or no budget', () => {
  assert.equal(predictionText(1_190, 27_810, true, 29_000, 0.2), 'Predicted: 1.19 s · 27.8 s under the 29.0 s budget (≥ 20 % headroom ✓)');
  assert.equal(predictionText(25_000, 4_000, false, 29_000, 0.2), 'Predicted: 25.0 s · 4.00 s under the 29.0 s budget (less than 20 % headroom ✗)');
  assert.equal(predictionText(31_240, -2_240, false, 29_000, 0.2), 'Predicted: 31.2 s · 2.24 s over the 29.0 s budget ✗');
  assert.equal(predictionText(800, null, null, null, 0.2), 'Predicted: 800 ms (no budget known)');
  assert.equal(
    predictionAnnouncement(['Batch the 380 DynamoDB GetItem calls with BatchGetItem'], 1_190, 27_810),
    'Predicted with Batch the 380 DynamoDB GetItem calls with BatchGetItem: 1.19 s, 27.8 s under the budget',
  );
  assert.equal(predictionAnnouncement(['A', 'B'], 31_240, -2_240), 'Predicted with A and B: 31.2 s, 2.24 s over the budget');
});

test('a row under a prediction says so in its name', () => {
  const base = { name: 'DynamoDB GetItem × 380', sub: 'one after another · orders', kind: 'downstream', flags: SpanFlag.group, startMs: 2_300, endMs: 2_780, budgetMs: 29_000, cutAtMs: null, highlighted: false };
  assert.equal(spanAccessibleName({ ...base, predicted: true }), 'DynamoDB GetItem × 380, one after another, orders, predicted 480 ms, 1.7 % of budget');
  assert.equal(spanAccessibleName(base), 'DynamoDB GetItem × 380, one after another, orders, 480 ms, 1.7 % of budget');
});
