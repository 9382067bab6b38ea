/**
 * Pure: which of a site's languages a request gets. An explicit choice (the `lang` query parameter or
 * cookie set by the language menu) wins when the site offers it; then the Accept-Language header by
 * quality value (RFC 9110 §12.5.4), each range falling back to its primary subtag (`de-AT` → `de`);
 * then the site's default. No I/O, no clock; malformed headers simply match nothing.
 */
import type { Locale } from './locales'

export interface LocaleOptions {
  /** The languages this site offers, in its order of preference. */
  readonly allowed: readonly Locale[]
  /** Served when nothing else matches; one of `allowed`. */
  readonly fallback: Locale
}

/** Headers longer than this are cut: a real browser sends a few dozen bytes. */
const MAX_HEADER_LENGTH = 1024
const rangeRe = /^([a-z]{1,8})(?:-[a-z0-9]{1,8})*$|^\*$/i
const qRe = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i

interface WeightedRange {
  readonly range: string
  readonly q: number
  readonly order: number
}

/** Pure: Accept-Language as language ranges, best first (ties keep the header's order); q=0 dropped. */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return []
  const ranges: WeightedRange[] = []
  header
    .slice(0, MAX_HEADER_LENGTH)
    .split(',')
    .forEach((item, order) => {
      const [tag = '', ...params] = item.split(';').map((part) => part.trim())
      if (!rangeRe.test(tag)) return
      let q = 1
      for (const param of params) {
        const match = qRe.exec(param)
        if (match) q = Number(match[1])
        else if (param.toLowerCase().startsWith('q=')) q = 0 // an unreadable weight: ignore the range
      }
      if (q > 0) ranges.push({ range: tag.toLowerCase(), q, order })
    })
  return ranges.sort((a, b) => b.q - a.q || a.order - b.order).map((r) => r.range)
}

/** Pure: the first allowed locale a range names, by its primary subtag (`*` = the fallback). */
function matchRange(range: string, options: LocaleOptions): Locale | undefined {
  if (range === '*') return options.fallback
  const primary = range.split('-')[0]
  return options.allowed.find((locale) => locale === primary)
}

/**
 * Pure: the locale to serve. `choice` is the explicit choice (query parameter, then cookie), used
 * only when the site offers it.
 * @example negotiateLocale('de-AT,de;q=0.9,en;q=0.5', undefined, { allowed: ['en', 'de'], fallback: 'en' }) // 'de'
 */
export function negotiateLocale(acceptLanguage: string | undefined, choice: string | undefined, options: LocaleOptions): Locale {
  const chosen = options.allowed.find((locale) => locale === choice)
  if (chosen) return chosen
  for (const range of parseAcceptLanguage(acceptLanguage)) {
    const locale = matchRange(range, options)
    if (locale) return locale
  }
  return options.fallback
}
