// rateLimitDelay, the wait after a 429: pure, tested without sleeping.
import { describe, expect, it } from '@jest/globals';
import { rateLimitDelay } from '../../../src/http/request.js';
import { VERCEL_RATE_LIMIT_WINDOW_MS } from '../../../src/vercel/client.js';

const MINUTE = VERCEL_RATE_LIMIT_WINDOW_MS;
const roomy = { maxWaitMs: 60_000, budgetLeftMs: 300_000, attemptMs: 30_000 };

describe('rateLimitDelay', () => {
  it("adds a skew of up to half the window after the server's time, as Vercel's CLI adds up to 30 s to 1-minute buckets", () => {
    expect(MINUTE).toBe(60_000);
    expect(rateLimitDelay({ hintMs: 2000, windowMs: MINUTE, random: 0, ...roomy })).toEqual({ waitMs: 2000, skewMs: 0 });
    expect(rateLimitDelay({ hintMs: 2000, windowMs: MINUTE, random: 0.5, ...roomy })).toEqual({ waitMs: 17_000, skewMs: 15_000 });
    expect(rateLimitDelay({ hintMs: 2000, windowMs: MINUTE, random: 0.999, ...roomy }).skewMs).toBeCloseTo(29_970);
  });

  it('is proportional to the window: a 1 s window skews by up to 0.5 s', () => {
    expect(rateLimitDelay({ hintMs: 0, windowMs: 1000, random: 0.5, ...roomy })).toEqual({ waitMs: 250, skewMs: 250 });
  });

  it('without a known window, skews by up to 250 ms', () => {
    expect(rateLimitDelay({ hintMs: 1000, random: 0.999, ...roomy }).skewMs).toBeCloseTo(249.75);
  });

  it('never passes maxWaitMs, and a server time beyond it is cut to it with no skew', () => {
    expect(rateLimitDelay({ hintMs: 50_000, windowMs: MINUTE, random: 0.9, ...roomy })).toEqual({ waitMs: 60_000, skewMs: 10_000 });
    expect(rateLimitDelay({ hintMs: 3_600_000, windowMs: MINUTE, random: 0.9, ...roomy })).toEqual({ waitMs: 60_000, skewMs: 0 });
  });

  it('leaves the budget one full attempt after the wait: the skew shrinks, then vanishes', () => {
    const tight = { maxWaitMs: 60_000, attemptMs: 30_000 };
    expect(rateLimitDelay({ hintMs: 1000, windowMs: MINUTE, random: 0.9, budgetLeftMs: 41_000, ...tight })).toEqual({
      waitMs: 11_000,
      skewMs: 10_000,
    });
    expect(rateLimitDelay({ hintMs: 1000, windowMs: MINUTE, random: 0.9, budgetLeftMs: 20_000, ...tight })).toEqual({
      waitMs: 1000,
      skewMs: 0,
    });
  });

  it("never cuts the server's time: when that alone does not fit the budget, it is returned as it is (the caller gives up)", () => {
    expect(
      rateLimitDelay({ hintMs: 30_000, windowMs: MINUTE, random: 0.9, maxWaitMs: 60_000, budgetLeftMs: 10_000, attemptMs: 5000 }),
    ).toEqual({
      waitMs: 30_000,
      skewMs: 0,
    });
  });
});
