/**
 * The 6-digit code as people type it: with spaces or dashes between groups, and on a Japanese or
 * Chinese input method in full-width forms ("４２７　４３１", "427－431"). Pure. NFKC folds the
 * full-width digits, spaces and hyphen-minus into ASCII (Unicode UAX #15, compatibility decomposition);
 * the separators are then dropped. Other scripts' digits (Arabic-Indic, …) are not folded by NFKC and
 * are left to the form's "enter the 6 digits" message.
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
  return typed.normalize('NFKC').replace(codeSeparatorRe, '')
}
