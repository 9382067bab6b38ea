/**
 * WCAG 2.x contrast between two sRGB colours. Pure. Used when the configuration is loaded, so a site
 * cannot be branded with a palette people cannot read (AA: 4.5:1 for text, buttons included).
 * https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio
 */

/** `#rrggbb` (or `#rgb`), case-insensitive. */
export const hexColourRe = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i

/** WCAG AA for normal text, and for the text of buttons. */
export const AA_TEXT_CONTRAST = 4.5

function channels(hex: string): [number, number, number] {
  const digits = hex.slice(1)
  const full = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits
  return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255) as [number, number, number]
}

function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** Pure: the contrast ratio of two colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (light + 0.05) / (dark + 0.05)
}

/** Pure: of the candidates, the colour that contrasts most with `background`. */
export function bestTextOn(background: string, candidates: readonly string[]): string {
  return [...candidates].sort((a, b) => contrastRatio(b, background) - contrastRatio(a, background))[0] ?? '#000000'
}
