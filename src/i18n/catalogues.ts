/**
 * Every shipped catalogue, by locale, and a Translator per locale built on first use. All six are in
 * the bundle (a Worker has no lazy loading without a network hop); bench/bundle-i18n.ts measures the cost.
 */
import { createTranslator, type Messages, type Translator } from './catalogue'
import { DIRECTION, type Locale } from './locales'
import { ar } from './messages/ar'
import { de } from './messages/de'
import { en } from './messages/en'
import { es } from './messages/es'
import { fr } from './messages/fr'
import { ja } from './messages/ja'

export const CATALOGUES: Readonly<Record<Locale, Messages>> = { en, de, fr, es, ja, ar }

const translators = new Map<Locale, Translator>()

/** The Translator for `locale`, memoised per isolate. */
export function translatorFor(locale: Locale): Translator {
  let translator = translators.get(locale)
  if (!translator) translators.set(locale, (translator = createTranslator(locale, DIRECTION[locale], CATALOGUES[locale])))
  return translator
}
