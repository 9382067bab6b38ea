/**
 * The catalogues as written (src/i18n/messages/*.ts), for the build script, the tests and the browser
 * tests; the Worker itself bundles only English and reads the others from assets/i18n/ at run time.
 */
import { createTranslator, type Messages, type Plural, type Translator } from '../src/i18n/catalogue'
import { DIRECTION, type Locale } from '../src/i18n/locales'
import { ar } from '../src/i18n/messages/ar'
import { de } from '../src/i18n/messages/de'
import { en } from '../src/i18n/messages/en'
import { es } from '../src/i18n/messages/es'
import { fr } from '../src/i18n/messages/fr'
import { ja } from '../src/i18n/messages/ja'

export const TRANSLATIONS: Readonly<Record<Exclude<Locale, 'en'>, Messages>> = { de, fr, es, ja, ar }
export const SOURCES: Readonly<Record<Locale, Messages>> = { en, ...TRANSLATIONS }

/** A Translator straight from the written catalogue (no assets needed). */
export function sourceTranslator(locale: Locale): Translator {
  return createTranslator(locale, DIRECTION[locale], SOURCES[locale])
}

/** Every text of a catalogue as [key path, value]; plural objects are single texts. */
export function leaves(node: unknown, path = ''): [string, string | Plural][] {
  if (typeof node === 'string' || (node && typeof node === 'object' && 'other' in node)) return [[path, node as string | Plural]]
  return Object.entries(node as object).flatMap(([key, value]) => leaves(value, path ? `${path}.${key}` : key))
}
