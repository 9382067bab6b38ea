/**
 * The code as people type it (src/lib/otp-code.ts), checked with generated input (fast-check): any
 * code written with full-width digits and separators, as a Japanese input method gives them, or with
 * Arabic-Indic digits, is its ASCII digits. The seed is fixed (reproducible in CI); fast-check prints it and the failing value.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normaliseCode } from '../src/lib/otp-code'

const SEED = 20_260_427
/** Where each script's 0 is: ASCII, full-width (Japanese input), Arabic-Indic, Eastern Arabic-Indic (Persian, Urdu). */
const ZEROS = [0x30, 0xff10, 0x0660, 0x06f0]

/** Separators people put between groups: ASCII and full-width spaces and hyphens, dashes, the IME's long-vowel mark. */
const SEPARATORS = ['', '', ' ', '\u3000', '-', '\uff0d', '\u2010', '\u2013', '\u2212', '\u30fc', '\uff70', '\t']

/** A code (6 to 10 ASCII digits) and how someone typed it: each digit in any of those scripts, separators anywhere. */
const typedCode = fc
  .array(fc.record({ digit: fc.integer({ min: 0, max: 9 }), zero: fc.constantFrom(...ZEROS), before: fc.constantFrom(...SEPARATORS) }), { minLength: 6, maxLength: 10 })
  .chain((digits) => fc.constantFrom(...SEPARATORS).map((after) => ({ digits, after })))
  .map(({ digits, after }) => ({
    code: digits.map((d) => String(d.digit)).join(''),
    typed: digits.map((d) => d.before + String.fromCharCode(d.zero + d.digit)).join('') + after,
  }))

describe('normaliseCode', () => {
  it.each([
    ['ASCII', '427431', '427431'],
    ['full-width digits', '４２７４３１', '427431'],
    ['a full-width space between groups', '４２７\u3000４３１', '427431'],
    ['an ASCII space between full-width groups', '４２７ ４３１', '427431'],
    ['a full-width hyphen', '427－431', '427431'],
    ['the long-vowel mark an IME gives for the dash key', '４２７ー４３１', '427431'],
    ['Arabic-Indic digits', '٤٢٧٤٣١', '427431'],
    ['Eastern Arabic-Indic digits (Persian, Urdu keyboards)', '۴۲۷ ۴۳۱', '427431'],
    ['letters stay for the format check to refuse', '42a431', '42a431'],
  ])('%s', (_name, typed, want) => {
    expect(normaliseCode(typed)).toBe(want)
  })

  it('gives the ASCII digits of any code typed with full-width or Arabic-Indic digits and separators (2,000 generated)', () => {
    fc.assert(
      fc.property(typedCode, ({ code, typed }) => {
        expect(normaliseCode(typed)).toBe(code)
      }),
      { numRuns: 2_000, seed: SEED },
    )
  })
})
