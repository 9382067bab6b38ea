/**
 * Translations as static assets: what the Worker reads through ASSETS is exactly what messages/*.ts say
 * (a catalogue edited without `npm run i18n:build` fails here), the assets are never served to the
 * public, a catalogue that cannot be read leaves the page in English instead of failing it, and a
 * catalogue older than the code fills its gaps in English (never an empty text).
 */
import { env } from 'cloudflare:workers'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { catalogueAssetPath, catalogueFrom, CATALOGUE_TIMEOUT_MS, ENGLISH, readyTranslator, translatorFor, type AssetReader } from '../src/i18n/catalogues'
import type { Plural } from '../src/i18n/catalogue'
import { LOCALES } from '../src/i18n/locales'
import { leaves, SOURCES, TRANSLATIONS } from '../scripts/catalogue-sources'
import { Browser } from './browser'
import { withBindings } from './deployment'

const TRANSLATED = Object.keys(TRANSLATIONS) as (keyof typeof TRANSLATIONS)[]

const reader = (answer: (path: string) => Promise<Response>): AssetReader & { paths: string[] } => {
  const paths: string[] = []
  return {
    paths,
    fetch: (input) => {
      const path = new URL(typeof input === 'string' ? input : input.url).pathname
      paths.push(path)
      return answer(path)
    },
  }
}

describe('the shipped assets', () => {
  it.each(TRANSLATED)('%s: the asset is what the catalogue in messages/ says (run `npm run i18n:build` if not)', async (locale) => {
    const res = await env.ASSETS.fetch(`https://assets.invalid${catalogueAssetPath(locale)}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(SOURCES[locale])
  })

  it('are not served to the public: the Worker answers every path (404 page, security headers)', async () => {
    for (const locale of TRANSLATED) {
      const res = await new Browser().get(`/i18n/${locale}.json`)
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(res.headers.get('content-security-policy')).toBeTruthy()
    }
  })
})

describe('when a catalogue cannot be read, the page is English and says so in the log', () => {
  // Each case uses its own locale: a catalogue read successfully is memoised for the isolate.
  it('no ASSETS binding (a deployment without the [assets] block)', async () => {
    const errors = vi.spyOn(console, 'error')
    const res = await withBindings({ ASSETS: undefined })(new Request('https://auth.example.com/account/forgot-password', { headers: { 'accept-language': 'es' } }))
    const html = await res.text()
    expect(res.status).toBe(200)
    expect(html).toContain('<html lang="en" dir="ltr">')
    expect(html).toContain('<h1>Reset your password</h1>')
    expect(errors.mock.calls.flat().join('\n')).toContain('"msg":"catalogue_unavailable","locale":"es"')
  })

  it.each([
    ['a 404', () => Promise.resolve(new Response('Not found', { status: 404 }))],
    ['a body that is not JSON', () => Promise.resolve(new Response('<html>'))],
    ['a throwing binding', () => Promise.reject(new Error('boom'))],
  ])('%s: English, and the next request tries again', async (_name, answer) => {
    const failing = reader(answer)
    expect(await translatorFor('fr', failing)).toBe(ENGLISH)
    expect(await translatorFor('fr', failing)).toBe(ENGLISH)
    expect(failing.paths).toEqual(['/i18n/fr.json', '/i18n/fr.json'])
  })

  it('too slow: English after the timeout, not a hung page', async () => {
    vi.useFakeTimers()
    try {
      const pending = translatorFor('ja', reader(() => new Promise<Response>(() => {})))
      await vi.advanceTimersByTimeAsync(CATALOGUE_TIMEOUT_MS)
      expect(await pending).toBe(ENGLISH)
    } finally {
      vi.useRealTimers()
    }
  })

  it('once read, a catalogue is kept: one asset read per isolate and language, shared by concurrent requests', async () => {
    const working = reader(async () => Response.json(SOURCES.ar))
    const [a, b] = await Promise.all([translatorFor('ar', working), translatorFor('ar', working)])
    expect(a).toBe(b)
    expect(await translatorFor('ar', working)).toBe(a)
    expect(working.paths).toEqual(['/i18n/ar.json'])
    expect(readyTranslator('ar')).toBe(a)
    expect(readyTranslator('fr')).toBeUndefined() // never read successfully above
    expect(a.locale).toBe('ar')
    expect(a.dir).toBe('rtl')
    expect(a.m).toEqual(SOURCES.ar)
  })
})

describe('a catalogue older than the code', () => {
  it('is used, its missing texts in English, and the log says how many are missing', async () => {
    const warnings = vi.spyOn(console, 'warn')
    const old = structuredClone(SOURCES.es) as unknown as { landing: Record<string, unknown> }
    delete old.landing.title
    const t = await translatorFor('es', reader(async () => Response.json(old)))
    expect(t.locale).toBe('es')
    expect(t.m.landing.title).toBe(SOURCES.en.landing.title)
    expect(t.m.landing.intro).toBe(SOURCES.es.landing.intro)
    expect(warnings.mock.calls.flat().join('\n')).toContain('"msg":"catalogue_incomplete","locale":"es","missing":1')
  })
})

describe('catalogueFrom: whatever the asset holds, every text a page needs is there', () => {
  const english = leaves(SOURCES.en)

  it('a complete catalogue comes back unchanged, nothing missing', () => {
    for (const locale of LOCALES) expect(catalogueFrom(SOURCES[locale])).toEqual({ messages: SOURCES[locale], missing: 0 })
  })

  it('an older catalogue (a text missing, a string where a plural belongs) keeps English for just those texts', () => {
    const old = structuredClone(SOURCES.de) as unknown as { forgot: Record<string, unknown>; update: Record<string, unknown> }
    delete old.forgot.title
    old.update.tooShort = 'nicht pluralisiert'
    const { messages, missing } = catalogueFrom(old)
    expect(missing).toBe(2)
    expect(messages.forgot.title).toBe(SOURCES.en.forgot.title)
    expect(messages.update.tooShort).toEqual(SOURCES.en.update.tooShort)
    expect(messages.forgot.intro).toBe(SOURCES.de.forgot.intro)
  })

  it('property: for any JSON value, the result has exactly English keys, each a string or a plural with `other`', () => {
    const valid = (value: unknown) =>
      typeof value === 'string' || (typeof value === 'object' && value !== null && Object.values(value as Plural).every((v) => typeof v === 'string') && typeof (value as Plural).other === 'string')
    // Mostly real catalogues with random damage, plus arbitrary JSON.
    const damaged = fc
      .tuple(fc.constantFrom(...TRANSLATED), fc.array(fc.tuple(fc.nat(english.length - 1), fc.jsonValue()), { maxLength: 8 }))
      .map(([locale, edits]) => {
        const copy = structuredClone(SOURCES[locale]) as unknown as Record<string, Record<string, unknown>>
        for (const [i, value] of edits) {
          const keys = (english[i] as [string, unknown])[0].split('.')
          let node: Record<string, unknown> = copy as unknown as Record<string, unknown>
          for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>
          node[keys.at(-1) as string] = value
        }
        return copy as unknown
      })
    fc.assert(
      fc.property(fc.oneof(damaged, fc.jsonValue()), (json) => {
        const { messages } = catalogueFrom(json)
        const got = leaves(messages)
        expect(got.map(([path]) => path)).toEqual(english.map(([path]) => path))
        for (const [path, value] of got) expect(valid(value), path).toBe(true)
      }),
      { seed: 20261129, numRuns: 500 },
    )
  })
})
