// The rule alone: whether a retried cancel's refusal hides this run's own cancel, on Vercel's clock.
import { describe, expect, it } from '@jest/globals';
import { earlierAttemptWentThrough, VERCEL_CLOCKS_SLACK_MS, type RefusedRetry } from '../../src/earlier-attempt.js';

// Vercel's clock; this machine's clock never enters the rule, so a skew has no value to put here.
const REFUSED_AT = Date.UTC(2026, 11, 2, 12, 0, 7, 0); // a Date header: whole seconds
const retried = (fields: Partial<RefusedRetry>): RefusedRetry => ({
  attempts: 2,
  readyState: 'CANCELED',
  canceledAt: REFUSED_AT - 500,
  refusedAtServer: REFUSED_AT,
  sinceFirstAttemptMs: 1200,
  ...fields,
});

describe('earlierAttemptWentThrough', () => {
  it("a cancel recorded after the first attempt left is this run's, however far this machine's clock is off", () => {
    expect(earlierAttemptWentThrough(retried({}))).toBe('this-run');
    // The first attempt timed out after 30 s; Vercel applied it late in that time.
    expect(earlierAttemptWentThrough(retried({ canceledAt: REFUSED_AT - 29_000, sinceFirstAttemptMs: 31_000 }))).toBe('this-run');
  });

  it('a cancel recorded before the first attempt left is not', () => {
    expect(earlierAttemptWentThrough(retried({ canceledAt: REFUSED_AT - 60_000 }))).toBe('before-this-run');
    expect(earlierAttemptWentThrough(retried({ canceledAt: REFUSED_AT - 1200 - VERCEL_CLOCKS_SLACK_MS - 1 }))).toBe('before-this-run');
  });

  it('the edge: the Date header is truncated to the second, so the refusal may have left up to 999 ms after it', () => {
    // The first attempt reached Vercel at true server time REFUSED_AT + 999 - 1200 = REFUSED_AT - 201
    // and was applied at once: still this run's.
    expect(earlierAttemptWentThrough(retried({ canceledAt: REFUSED_AT - 201 }))).toBe('this-run');
    // The bound itself counts as this run's (canceledAt >= bound), one ms before does not.
    const bound = REFUSED_AT - 1200 - VERCEL_CLOCKS_SLACK_MS;
    expect(earlierAttemptWentThrough(retried({ canceledAt: bound }))).toBe('this-run');
    expect(earlierAttemptWentThrough(retried({ canceledAt: bound - 1 }))).toBe('before-this-run');
  });

  it("a cancel stamped after the refusal (another of Vercel's machines, its clock a little ahead) is this run's", () => {
    expect(earlierAttemptWentThrough(retried({ canceledAt: REFUSED_AT + 800 }))).toBe('this-run');
  });

  it('one attempt only: its 400 means the deployment was finished before this run', () => {
    expect(earlierAttemptWentThrough(retried({ attempts: 1, canceledAt: REFUSED_AT }))).toBe('before-this-run');
  });

  it('not CANCELED: nothing this run did', () => {
    expect(earlierAttemptWentThrough(retried({ readyState: 'READY' }))).toBe('before-this-run');
    expect(earlierAttemptWentThrough(retried({ readyState: 'ERROR' }))).toBe('before-this-run');
  });

  it('without a Date header or a canceledAt, it cannot be told', () => {
    expect(earlierAttemptWentThrough(retried({ refusedAtServer: undefined }))).toBe('unknown');
    expect(earlierAttemptWentThrough(retried({ refusedAtServer: NaN }))).toBe('unknown');
    expect(earlierAttemptWentThrough(retried({ canceledAt: null }))).toBe('unknown');
    expect(earlierAttemptWentThrough(retried({ canceledAt: undefined }))).toBe('unknown');
  });
});
