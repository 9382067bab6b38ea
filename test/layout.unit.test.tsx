/**
 * The layout is rendered once per configuration and language into static parts and filled per page
 * (views/layout.tsx): the result must be byte for byte what rendering the Layout component gives, and
 * the dynamic values (title, app name, the language menu) must be escaped wherever they land. The
 * language menu is cut the same way (views/language-menu-html.tsx) and must equal its component too.
 */
import { describe, expect, it } from 'vitest'
import app from '../src/index'
import { ConfigError, parseConfig } from '../src/config'
import { sourceTranslator as translatorFor } from '../scripts/catalogue-sources'
import { LanguageMenu } from '../src/views/language-menu'
import { Layout, layoutPage } from '../src/views/layout'
import { languageMenuHtml } from '../src/views/language-menu-html'
import { languageLinks } from '../src/views/render'
import { LANGUAGE_LINK_QUERY_BUDGET } from '../src/constants'
import fc from 'fast-check'
import type { Locale } from '../src/i18n/locales'

const offeredLocales = [['en', 'de', 'ar'], ['de', 'en'], ['en', 'fr', 'es', 'de', 'ja', 'ar']] as const

const HOSTILE = ['', 'Reset', 'Tom & Jerry', '<script>alert(1)</script>', `"'><img src=x onerror=1>`, '\u0001title\u0001', '\u0001menu\u0001', '\u0001body\u0001', '·', '&amp;', 'ünïcödé ✓']
const en = translatorFor('en')
const ar = translatorFor('ar')

function randomText(): string {
  const alphabet = `ab <>&"'\u0001·é`
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => alphabet[b % alphabet.length]).join('')
}

const menuFor = (t: typeof en, url: string) => {
  const links = languageLinks(new URL(url), ['en', 'de', 'ar'])
  return <LanguageMenu label={t.m.layout.languages} current={t.locale} links={links} />
}

describe('layoutPage', () => {
  it('matches rendering the Layout component, for hostile and random titles and app names, in two directions', () => {
    const cases = [...HOSTILE.flatMap((t) => HOSTILE.map((a) => [t, a] as const)), ...Array.from({ length: 200 }, () => [randomText(), randomText()] as const)]
    for (const t of [en, ar]) {
      for (const [title, appName] of cases) {
        const body = <p>{`body of ${title}`}</p>
        const menu = menuFor(t, `https://auth.example.com/account/forgot-password?x=${encodeURIComponent(title)}`)
        const want = `<!DOCTYPE html>${(<Layout title={title} appName={appName} t={t} menu={menu}>{body}</Layout>).toString()}`
        // A fresh config object each time, as each deployment (or site) has its own.
        expect(layoutPage({ appName }, t, title, String(menu), String(body))).toBe(want)
      }
    }
  })

  it('matches rendering the Layout component with a site’s branding (logo, footer, links, stylesheet)', () => {
    const config = parseConfig({
      SUPABASE_URL: 'https://abcd1234.supabase.co',
      SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghij',
      SITE_URL: 'https://www.example.com',
      APP_NAME: 'Brand & Co',
      BRANDING: { logo: 'https://cdn.example.com/l.svg', support: 'help@example.com', privacyUrl: 'https://www.example.com/p', footer: '<Brand> & Co' },
    })
    if (config instanceof ConfigError) throw config
    for (const t of [en, ar]) {
      for (const title of HOSTILE) {
        const want = `<!DOCTYPE html>${(<Layout title={title} appName={config.appName ?? t.m.layout.appName} branding={config.branding} t={t}><p>x</p></Layout>).toString()}`
        expect(layoutPage(config, t, title, '', '<p>x</p>')).toBe(want)
      }
    }
    expect(layoutPage(config, en, 'T', '', '')).toContain('<footer>&lt;Brand&gt; &amp; Co<ul>')
    expect(layoutPage(config, ar, 'T', '', '')).toContain('<html lang="ar" dir="rtl">')
  })

  it('renders the same page for the same config twice (the cut parts are reused) and without a config', () => {
    const config = { appName: 'Acme & Co' }
    const first = layoutPage(config, en, 'One <1>', '', '<p>x</p>')
    expect(layoutPage(config, en, 'One <1>', '', '<p>x</p>')).toBe(first)
    expect(layoutPage(config, en, 'Two', '', '<p>y</p>')).toBe(`<!DOCTYPE html>${(<Layout title="Two" appName="Acme & Co" t={en}><p>y</p></Layout>).toString()}`)
    expect(layoutPage(undefined, en, 'T', '', '')).toBe(`<!DOCTYPE html>${(<Layout title="T" appName={en.m.layout.appName} t={en}>{''}</Layout>).toString()}`)
  })

  it('builds language links that stay on this page, never scheme-relative', () => {
    for (const link of languageLinks(new URL('https://auth.example.com//evil.example/phish?a=1'), ['en', 'de'])) {
      expect(link.href.startsWith('/') && !link.href.startsWith('//')).toBe(true)
    }
    expect(languageLinks(new URL('https://auth.example.com/account/forgot-password?a=1'), ['en', 'de']).map((l) => l.href)).toEqual([
      '/account/forgot-password?a=1&lang=en',
      '/account/forgot-password?a=1&lang=de',
    ])
  })

  it('writes the links URLSearchParams would write, for any path, with or without a query', () => {
    const oracle = (href: string, locales: readonly Locale[]) => {
      const url = new URL(href)
      const params = new URLSearchParams(url.search)
      return locales.map((locale) => {
        params.set('lang', locale)
        return { locale, href: `${url.pathname.replace(/^\/+/, '/')}?${params}` }
      })
    }
    fc.assert(
      fc.property(fc.webPath(), fc.constantFrom('', '?', '?a=1', '?lang=de', '?x=%20&lang=fr&y'), fc.constantFrom(...offeredLocales), (path, query, locales) => {
        const href = `https://auth.example.com/${path}${query}`
        expect(languageLinks(new URL(href), locales)).toEqual(oracle(href, locales))
      }),
      { numRuns: 300 },
    )
    expect(languageLinks(new URL('https://auth.example.com/account/forgot-password'), ['en'])).toEqual([])
  })

  it('carries at most LANGUAGE_LINK_QUERY_BUDGET characters of any query as written, in order, and a query within it whole', () => {
    const text = (max: number) => fc.string({ unit: fc.constantFrom('a', 'é', '&', '=', '%', '+', ' ', '/', '😀', 'あ'), maxLength: max })
    const pair = fc.tuple(fc.oneof(fc.constant('next'), fc.constant('token_hash'), fc.constant('lang'), text(8)), fc.oneof(text(40), text(3_000)))
    // What the link writes for these parameters (lang aside): `name=value&` each.
    const writtenSize = (params: URLSearchParams) => [...params].reduce((sum, pair) => sum + new URLSearchParams([pair]).toString().length + 1, 0)
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 8 }), fc.constantFrom(...offeredLocales), (pairs, locales) => {
        const sent = new URLSearchParams(pairs)
        const href = `https://auth.example.com/auth/confirm?${sent}`
        const links = languageLinks(new URL(href), locales)
        const original = [...new URLSearchParams(new URL(href).search)].filter(([name]) => name !== 'lang')
        for (const link of links) {
          const params = new URLSearchParams(link.href.slice(link.href.indexOf('?')))
          expect(params.get('lang')).toBe(link.locale)
          params.delete('lang')
          expect(writtenSize(params)).toBeLessThanOrEqual(LANGUAGE_LINK_QUERY_BUDGET)
          // What a link carries is the page's own parameters, in their order, some left out.
          let at = 0
          for (const [name, value] of params) {
            while (at < original.length && (original[at]![0] !== name || original[at]![1] !== value)) at++
            expect(at, `${name} kept out of order or invented`).toBeLessThan(original.length)
            at++
          }
          if (writtenSize(new URLSearchParams(original)) <= LANGUAGE_LINK_QUERY_BUDGET) expect([...params]).toEqual(original)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('escapes the app name from the config in the title and the header of a served page', async () => {
    const res = await app.request('https://auth.example.com/account/forgot-password', {}, {
      SUPABASE_URL: 'https://abcd1234.supabase.co',
      SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghij',
      SITE_URL: 'https://www.example.com',
      APP_NAME: '<b>Tom & Jerry</b>',
    })
    const html = await res.text()
    expect(res.status).toBe(200)
    expect(html).toContain('<title>Reset your password · &lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</title>')
    expect(html).toContain('<span translate="no">&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;</span>')
    expect(html).not.toContain('<b>')
  })
})

describe('languageMenuHtml', () => {
  const offered = [['en', 'de', 'ar'], ['de', 'en'], ['en', 'fr', 'es', 'de', 'ja', 'ar']] as const

  it('matches rendering the LanguageMenu component, for any address and query, hostile ones included', () => {
    fc.assert(
      fc.property(fc.webPath(), fc.oneof(fc.string(), fc.constantFrom(...HOSTILE)), fc.constantFrom(...offered), fc.constantFrom(en, ar), (path, query, locales, t) => {
        const url = `https://auth.example.com/${path}?q=${encodeURIComponent(query)}&raw=${query.replace(/[#&\s]/g, '')}`
        const links = languageLinks(new URL(url), locales)
        const want = String(<LanguageMenu label={t.m.layout.languages} current={t.locale} links={links} />)
        expect(languageMenuHtml(t.m.layout.languages, t.locale, links)).toBe(want)
        expect(languageMenuHtml(t.m.layout.languages, t.locale, links)).toBe(want) // from the cut parts
      }),
      { numRuns: 300 },
    )
  })

  it('matches the component for hostile labels, a marker in one included (rendered the slow way)', () => {
    const links = languageLinks(new URL('https://auth.example.com/account/forgot-password?a=%22%3E%3Cscript%3E'), ['en', 'de'])
    for (const label of [...HOSTILE, '\u0001href\u0001', '\u00010\u0001', '\u00011\u0001', '\u0001']) {
      // The same words with another language current (a site whose catalogues share the label).
      for (const current of ['de', 'en'] as const) {
        expect(languageMenuHtml(label, current, links)).toBe(String(<LanguageMenu label={label} current={current} links={links} />))
      }
    }
  })
})
