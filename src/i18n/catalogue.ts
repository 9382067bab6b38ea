/**
 * The shape every catalogue must have (English's, with strings widened), and the two ways text is
 * put together: `fill` puts values (an address, a link) into a whole-sentence template, and `count`
 * picks a whole-sentence plural form with Intl.PluralRules. Sentences are never glued from parts.
 * Numbers use Latin digits in every locale (the code in the email is written in them too).
 */
import type { Child } from 'hono/jsx'
import type { Locale } from './locales'

/** A sentence in each plural category the language distinguishes (CLDR); `{n}` is the number. */
export interface Plural {
  readonly zero?: string
  readonly one?: string
  readonly two?: string
  readonly few?: string
  readonly many?: string
  readonly other: string
}

type Widen<T> = T extends string ? string : T extends { readonly other: string } ? Plural : { readonly [K in keyof T]: Widen<T[K]> }

/** A catalogue: the English one's keys, each translated (a missing or extra key fails the typecheck). */
export type Messages<Source = typeof import('./messages/en').en> = Widen<Source>

const placeholderRe = /\{(\w+)\}/g
/** First-strong isolate … pop directional isolate: keeps an inserted address or number in its own direction. */
const FSI = '\u2068'
const PDI = '\u2069'

/** Pure: the names of a template's `{placeholders}`, in order (tests compare them across locales). */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(placeholderRe)].map((m) => m[1] as string)
}

/** Pure: a template with markup in its placeholders, as children for JSX (text stays escaped). */
export function fill(template: string, values: Readonly<Record<string, Child>>): Child[] {
  return template.split(placeholderRe).map((part, i) => (i % 2 === 1 ? (values[part] ?? '') : part))
}

/** Everything a page needs to speak one language. */
export interface Translator {
  readonly locale: Locale
  readonly dir: 'ltr' | 'rtl'
  readonly m: Messages
  /** A template with plain-text values; in right-to-left pages each value is bidi-isolated. */
  text(template: string, values: Readonly<Record<string, string | number>>): string
  /** The plural form for `n`, with `{n}` (and any other values) filled in. */
  count(forms: Plural, n: number, values?: Readonly<Record<string, string>>): string
}

/** Pure: a Translator over a catalogue. Intl objects are built once per Translator, when first needed. */
export function createTranslator(locale: Locale, dir: 'ltr' | 'rtl', m: Messages): Translator {
  // Built on first use: constructing Intl objects loads locale data, costly at isolate start-up.
  let rules: Intl.PluralRules | undefined
  let numbers: Intl.NumberFormat | undefined
  const text = (template: string, values: Readonly<Record<string, string | number>>) =>
    template.replace(placeholderRe, (whole, name: string) => {
      const value = values[name]
      if (value === undefined) return whole
      const shown = typeof value === 'number' ? (numbers ??= new Intl.NumberFormat(locale, { numberingSystem: 'latn' } as Intl.NumberFormatOptions)).format(value) : value
      return dir === 'rtl' ? `${FSI}${shown}${PDI}` : shown
    })
  return {
    locale,
    dir,
    m,
    text,
    count: (forms, n, values = {}) => text(forms[(rules ??= new Intl.PluralRules(locale)).select(n)] ?? forms.other, { ...values, n }),
  }
}
