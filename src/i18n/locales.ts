/**
 * The languages pages are written in, their writing direction and their own names (autonyms, as the
 * language menu shows them). Adding a locale: add it here, add messages/<locale>.ts, list it in
 * catalogues.ts; TypeScript then refuses the build until every key is translated.
 */

export const LOCALES = ['en', 'de', 'fr', 'es', 'ja', 'ar'] as const
export type Locale = (typeof LOCALES)[number]

/** The language a page falls back to when nothing else is configured or asked for. */
export const SOURCE_LOCALE: Locale = 'en'

/** Scripts written right to left among ours. */
export const DIRECTION: Readonly<Record<Locale, 'ltr' | 'rtl'>> = { en: 'ltr', de: 'ltr', fr: 'ltr', es: 'ltr', ja: 'ltr', ar: 'rtl' }

/** Each language's name for itself: a person looking for their language reads it in that language. */
export const AUTONYM: Readonly<Record<Locale, string>> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  ja: '日本語',
  ar: 'العربية',
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}
