/**
 * The catalogues beyond what the typecheck enforces (same keys): every translation keeps English's
 * placeholders, has a sentence for every plural category its language uses, is not left in English,
 * and the Translator formats numbers and isolates values in right-to-left text.
 */
import { describe, expect, it } from 'vitest'
import { createTranslator, fill, placeholdersOf, type Plural } from '../src/i18n/catalogue'
import { leaves, SOURCES as CATALOGUES, sourceTranslator as translatorFor } from '../scripts/catalogue-sources'
import { LOCALES } from '../src/i18n/locales'

const english = new Map(leaves(CATALOGUES.en))
const sentences = (value: string | Plural) => (typeof value === 'string' ? [value] : Object.values(value).filter((v): v is string => typeof v === 'string'))

/** Words that are the same in English and in these languages (and so not "left in English"). */
const SAME_AS_ENGLISH: Record<string, readonly string[]> = { de: ['verify.code'], fr: ['verify.code'] }

describe.each(LOCALES.filter((l) => l !== 'en'))('%s catalogue', (locale) => {
  const entries = leaves(CATALOGUES[locale])

  it('has exactly the English keys', () => {
    expect(entries.map(([path]) => path).sort()).toEqual([...english.keys()].sort())
  })

  it('keeps every placeholder of the English text, and adds none', () => {
    for (const [path, value] of entries) {
      const want = new Set(sentences(english.get(path) as string | Plural).flatMap(placeholdersOf))
      for (const sentence of sentences(value)) {
        // A plural form may spell its number out ("a minute"), so {n} may be missing there.
        const got = new Set(placeholdersOf(sentence))
        expect([...got].filter((p) => !want.has(p)), `${locale} ${path}: unknown placeholder`).toEqual([])
        expect([...want].filter((p) => p !== 'n' && !got.has(p)), `${locale} ${path}: missing placeholder`).toEqual([])
      }
    }
  })

  it('has a sentence for every plural category of the language (for the counts we show: 0 to 1000)', () => {
    // fr/es also have `many`, but only for exact millions ("1 million de minutes").
    const rules = new Intl.PluralRules(locale)
    const categories = new Set(Array.from({ length: 1001 }, (_, n) => rules.select(n)))
    for (const [path, value] of entries) {
      if (typeof value === 'string') continue
      for (const category of categories) expect(value[category], `${locale} ${path} ${category}`).toBeTruthy()
    }
  })

  it('shows example addresses only at domains reserved for examples (RFC 2606), never at someone\'s real domain', () => {
    for (const [path, value] of entries) {
      for (const sentence of sentences(value)) {
        for (const [, domain] of sentence.matchAll(/@([\p{L}\p{N}.-]+[\p{L}\p{N}])/gu)) {
          expect(domain, `${locale} ${path}`).toMatch(/^(?:[\w-]+\.)*example\.(?:com|net|org)$|\.(?:example|test|invalid)$/)
        }
      }
    }
  })

  it('is not left in English', () => {
    for (const [path, value] of entries) {
      if (SAME_AS_ENGLISH[locale]?.includes(path) || path === 'titled' || path === 'update.weakSeparator') continue
      expect(JSON.stringify(value), `${locale} ${path}`).not.toBe(JSON.stringify(english.get(path)))
    }
  })
})

describe('Translator', () => {
  it('picks the plural form by Intl.PluralRules (Arabic has six)', () => {
    const ar = translatorFor('ar')
    const forms = { zero: 'z{n}', one: 'o', two: 't', few: 'f{n}', many: 'm{n}', other: 'x{n}' }
    expect([0, 1, 2, 3, 11, 100].map((n) => ar.count(forms, n).replace(/[\u2068\u2069]/g, ''))).toEqual(['z0', 'o', 't', 'f3', 'm11', 'x100'])
    expect(translatorFor('en').count(translatorFor('en').m.update.tooShort, 8)).toBe('Use at least 8 characters.')
    expect(translatorFor('en').count(translatorFor('en').m.update.tooShort, 1)).toBe('Use at least 1 character.')
  })

  it('writes numbers in Latin digits and isolates values in right-to-left text only', () => {
    expect(translatorFor('ar').count(translatorFor('ar').m.update.tooShort, 8)).toContain('\u20688\u2069')
    expect(translatorFor('ar').text('{email}', { email: 'a@b.c' })).toBe('\u2068a@b.c\u2069')
    expect(translatorFor('de').text('Nicht {email}?', { email: 'a@b.c' })).toBe('Nicht a@b.c?')
    expect(createTranslator('ja', 'ltr', CATALOGUES.ja).count({ other: '{n}分' }, 1234)).toBe('1,234分')
  })

  it('fills markup into a sentence wherever the language puts it', () => {
    expect(fill('{link} danach', { link: 'L' })).toEqual(['', 'L', ' danach'])
    expect(fill('vor {a} und {b}.', { a: 'A', b: 'B' })).toEqual(['vor ', 'A', ' und ', 'B', '.'])
  })
})

describe('French typography', () => {
  it('puts a no-break space before : ; ? ! and inside « », so punctuation never starts a line', () => {
    for (const [path, value] of leaves(CATALOGUES.fr)) {
      for (const sentence of sentences(value)) {
        // A colon in a URL (https:) is not punctuation; one followed by a space or the end is.
        expect(sentence.match(/(?<![\u00a0\u202f])[:;?!](?=\s|$)/g), `fr ${path}: ${sentence}`).toBeNull()
        expect(sentence.match(/« |(?<![\u00a0\u202f])»/g), `fr ${path}: ${sentence}`).toBeNull()
      }
    }
  })
})
