/**
 * Language negotiation (src/i18n/negotiate.ts): the explicit choice, then Accept-Language by quality
 * with fallbacks to the primary subtag, then the site's default; and the result is always a language
 * the site offers, whatever the header says.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LOCALES, type Locale } from '../src/i18n/locales'
import { negotiateLocale, parseAcceptLanguage } from '../src/i18n/negotiate'

const ALL = { allowed: LOCALES, fallback: 'en' as Locale }
const EN_DE = { allowed: ['en', 'de'] as Locale[], fallback: 'en' as Locale }

describe('negotiateLocale', () => {
  it.each([
    ['no header (test requests, curl): the default', undefined, undefined, ALL, 'en'],
    ['an empty header', '', undefined, ALL, 'en'],
    ['a regional German browser falls back to German', 'de-AT', undefined, ALL, 'de'],
    ['a typical Chrome header', 'fr-CH,fr;q=0.9,en-US;q=0.8,en;q=0.7', undefined, ALL, 'fr'],
    ['quality values, not order, decide', 'es;q=0.4,ja;q=0.8', undefined, ALL, 'ja'],
    ['equal qualities keep the header order', 'ar;q=0.5,de;q=0.5', undefined, ALL, 'ar'],
    ['q=0 means "not this one"', 'de;q=0,fr', undefined, ALL, 'fr'],
    ['a language we do not ship is skipped', 'pt-BR,es;q=0.3', undefined, ALL, 'es'],
    ['only unshipped languages: the default', 'zh-CN,ko', undefined, ALL, 'en'],
    ['"*" is the default', '*', undefined, ALL, 'en'],
    ['"*" is the site default, not its first language', '*', undefined, { allowed: ['de', 'en'] as Locale[], fallback: 'en' as Locale }, 'en'],
    ['a language the site does not offer is skipped', 'fr,de;q=0.5', undefined, EN_DE, 'de'],
    ['upper case and spaces', ' DE-de ; q=0.9 , en;q=0.1', undefined, ALL, 'de'],
    ['a malformed weight drops the range', 'ja;q=high,es;q=0.2', undefined, ALL, 'es'],
    ['a weight above 1 drops the range', 'ja;q=2,es;q=0.2', undefined, ALL, 'es'],
    ['junk', '";<script>,,;;q=', undefined, ALL, 'en'],
    ['the menu choice wins over the header', 'de', 'ja', ALL, 'ja'],
    ['a choice the site does not offer is ignored', 'de', 'ar', EN_DE, 'de'],
    ['a junk choice is ignored', 'fr', '../../etc', ALL, 'fr'],
    ['the site default when it is not English', undefined, undefined, { allowed: ['de', 'fr'] as Locale[], fallback: 'fr' as Locale }, 'fr'],
  ] as const)('%s', (_name, header, choice, options, want) => {
    expect(negotiateLocale(header, choice, options)).toBe(want)
  })

  it('always answers with a language the site offers (any header, any choice)', () => {
    const site = fc.uniqueArray(fc.constantFrom(...LOCALES), { minLength: 1 }).chain((allowed) =>
      fc.record({ allowed: fc.constant(allowed), fallback: fc.constantFrom(...allowed) }),
    )
    const header = fc.oneof(fc.string(), fc.array(fc.tuple(fc.constantFrom(...LOCALES, 'zz', '*', 'de-AT'), fc.double({ min: 0, max: 1 })), { maxLength: 6 }).map((items) => items.map(([tag, q]) => `${tag};q=${q.toFixed(2)}`).join(',')))
    fc.assert(
      fc.property(site, fc.option(header, { nil: undefined }), fc.option(fc.string(), { nil: undefined }), (options, h, choice) => {
        expect(options.allowed).toContain(negotiateLocale(h, choice, options))
      }),
    )
  })
})

describe('parseAcceptLanguage', () => {
  it('orders ranges by quality, drops q=0, lower-cases', () => {
    expect(parseAcceptLanguage('en;q=0.1, DE-at, fr;q=0.5, ja;q=0')).toEqual(['de-at', 'fr', 'en'])
  })

  it('reads at most 1 KiB of a header', () => {
    expect(parseAcceptLanguage(`${'x,'.repeat(600)}de`)).not.toContain('de')
  })
})
