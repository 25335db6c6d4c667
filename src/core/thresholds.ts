// Every threshold a finding or verdict rests on, named, in one place (REPORT_FORMAT.md).
export const THRESHOLDS = {
  /** A 504 whose request lasted at least this share of the budget was cut by the budget. */
  timeoutShareOfBudget: 0.95,
  /** A request (or an endpoint's p99) at or above this share of the budget is near it. */
  nearShareOfBudget: 0.8,
  /** One downstream target taking at least this share of the handler is the slow part. */
  slowDownstreamShareOfHandler: 0.5,
  /** This many calls to the same target, one after another… */
  sequentialMinCalls: 5,
  /** …taking together at least this share of the handler, should be batched or parallelized. */
  sequentialMinShareOfHandler: 0.3,
  /** Calls closer than this (ms) still count as "one after another" (clock skew between SDK timestamps). */
  sequentialOverlapToleranceMs: 1,
} as const;
