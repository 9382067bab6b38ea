/**
 * The 6-digit code as people type it: with spaces or dashes between groups, and on a Japanese or
 * Chinese input method in full-width forms ("４２７　４３１", "427－431"). Pure. NFKC folds the
 * full-width digits, spaces and hyphen-minus into ASCII (Unicode UAX #15, compatibility decomposition);
 * the separators are then dropped. NFKC leaves other scripts' digits alone: the Arabic-Indic ones
 * (٠–٩, U+0660) and the Eastern ones Persian and Urdu keyboards give (۰–۹, U+06F0), which an Arabic
 * page's reader may type, are mapped to ASCII here; any other character is left for the format check.
 */

/**
 * Separators between groups of digits: any whitespace, any dash punctuation (hyphen-minus, U+2010–2015,
 * the full-width hyphen-minus NFKC has already folded), the minus sign, and the katakana long-vowel
 * mark "ー" that Japanese input methods give for the dash key.
 */
const codeSeparatorRe = /[\s\p{Pd}\u2212\u30fc]/gu

/**
 * Pure: the code with its digits in ASCII and its separators removed; anything else is left as it is
 * for the format check to refuse.
 * @example normaliseCode('４２７－４３１') // '427431'
 */
export function normaliseCode(typed: string): string {
  return typed
    .normalize('NFKC')
    .replace(codeSeparatorRe, '')
    .replace(arabicDigitRe, (digit) => String((digit.charCodeAt(0) - ARABIC_INDIC_ZERO) % 0x90))
}

const ARABIC_INDIC_ZERO = 0x0660
/** ٠–٩ (U+0660–0669) and ۰–۹ (U+06F0–06F9): 0x06F0 − 0x0660 is 0x90, so `% 0x90` gives both their value. */
const arabicDigitRe = /[\u0660-\u0669\u06f0-\u06f9]/g
