import { randomInt } from 'node:crypto';
import { isValidBsn } from '../../src/schema/validators';

/** The elfproef written out independently: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11). */
function elfproef(bsn: string): boolean {
  const weights = [9, 8, 7, 6, 5, 4, 3, 2, -1];
  return weights.reduce((sum, w, i) => sum + w * Number(bsn[i]), 0) % 11 === 0;
}

describe('isValidBsn (elfproef)', () => {
  it.each(['999990007', '111222333', '123456782', '999999990', '010000008'])('should accept the valid BSN %s', (bsn) => {
    expect(isValidBsn(bsn)).toBe(true);
  });

  it.each(['999990008', '111222334', '123456789', '999990070', '211222333'])('should reject %s, whose checksum is wrong', (bsn) => {
    expect(isValidBsn(bsn)).toBe(false);
  });

  it('should reject 000000000 although its checksum works out', () => {
    expect(elfproef('000000000')).toBe(true);
    expect(isValidBsn('000000000')).toBe(false);
  });

  it.each([
    ['8 digits', '99999000'],
    ['10 digits', '9999900070'],
    ['the empty string', ''],
    ['a letter', '99999000a'],
    ['a leading space', ' 999990007'],
    ['a trailing newline', '999990007\n'],
    ['dots', '9999.9000.7'],
    ['a sign', '+99999007'],
    ['non-ASCII digits', '٩٩٩٩٩٠٠٠٧'],
    ['full-width digits', '９９９９９０００７'],
  ])('should reject a value with %s', (_name, value) => {
    expect(isValidBsn(value)).toBe(false);
  });

  it('should agree with an independent elfproef on many random nine-digit numbers', () => {
    let valid = 0;
    for (let i = 0; i < 5000; i += 1) {
      const s = String(randomInt(1, 1_000_000_000)).padStart(9, '0');
      expect(isValidBsn(s)).toBe(elfproef(s));
      if (isValidBsn(s)) valid += 1;
    }
    // Roughly one number in eleven passes; make sure both outcomes were exercised.
    expect(valid).toBeGreaterThan(200);
    expect(valid).toBeLessThan(800);
  });
});
