import { describe, expect, it } from '@jest/globals';
import { plausibleResetMs, rateLimitWaitMs } from '../../../src/http/request.js';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('plausibleResetMs', () => {
  it('takes epoch seconds or ms up to a day ahead, and past times (the window is over)', () => {
    expect(plausibleResetMs(String(NOW / 1000 + 60), 's', NOW)).toBe(NOW + 60_000);
    expect(plausibleResetMs(NOW / 1000 + 3600, 's', NOW)).toBe(NOW + 3_600_000);
    expect(plausibleResetMs(NOW + 500, 'ms', NOW)).toBe(NOW + 500);
    expect(plausibleResetMs('0', 's', NOW)).toBe(0);
    expect(plausibleResetMs(String(NOW / 1000 - 10), 's', NOW)).toBe(NOW - 10_000);
  });

  it.each([
    ['99999999999999'],
    [99999999999999],
    ['1e400'],
    [1e300],
    ['-5'],
    [-5],
    ['soon'],
    [''],
    [undefined],
    [null],
    [Infinity],
    [NaN],
    [{}],
  ])('is undefined for %p', (value) => {
    expect(plausibleResetMs(value, 's', NOW)).toBeUndefined();
  });

  it('is undefined for a reset more than a day ahead', () => {
    expect(plausibleResetMs(String(NOW / 1000 + 2 * 24 * 3600), 's', NOW)).toBeUndefined();
    expect(plausibleResetMs(NOW + 2 * 24 * 3600_000, 'ms', NOW)).toBeUndefined();
  });
});

describe('rateLimitWaitMs', () => {
  const body = (limit: object) => JSON.stringify({ error: { code: 'rate_limited', limit } });
  it('ignores absurd resets in the header and in error.limit, falling through to the next hint', () => {
    expect(rateLimitWaitMs(429, { 'x-ratelimit-reset': '99999999999999' }, '', NOW)).toBeUndefined();
    expect(rateLimitWaitMs(429, { 'x-ratelimit-reset': '99999999999999' }, body({ resetMs: NOW + 2000 }), NOW)).toBe(2000);
    expect(rateLimitWaitMs(429, {}, body({ resetMs: 1e300, reset: NOW / 1000 + 3 }), NOW)).toBe(3000);
    expect(rateLimitWaitMs(429, {}, body({ resetMs: 'soon', reset: -1 }), NOW)).toBeUndefined();
  });
});
