/**
 * Configuration: bindings parsed once into a typed Config; bad bindings named, never echoed.
 */
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { inject } from 'vitest'
import { ConfigError, parseConfig } from '../src/config'
import { loadDeployment } from '../src/sites'
import app from '../src/index'

const good = {
  SUPABASE_URL: 'https://abcd1234.supabase.co/',
  SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0123456789abcdefghij',
  SITE_URL: 'https://www.example.com',
}

describe('parseConfig', () => {
  it('applies defaults and normalises', () => {
    const config = parseConfig(good)
    expect(config).not.toBeInstanceOf(ConfigError)
    if (config instanceof ConfigError) return
    expect(config.supabaseUrl).toBe('https://abcd1234.supabase.co')
    expect(config.siteUrl).toBe('https://www.example.com/')
    expect(config.redirectOrigins).toEqual(['https://www.example.com'])
    expect(config.cookieDomain).toBeUndefined()
    expect(config.passwordMinLength).toBe(8)
    expect(config.confirmMode).toBe('interstitial')
    expect(config.upstreamTimeoutMs).toBe(5000)
    expect(config.recoveryMaxAgeSeconds).toBe(900)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads every optional binding, numbers given as strings', () => {
    const config = parseConfig({
      ...good,
      ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com, https://admin.example.com/',
      COOKIE_DOMAIN: '.example.com',
      PASSWORD_MIN_LENGTH: '12',
      CONFIRM_MODE: 'direct',
      UPSTREAM_TIMEOUT_MS: 2500,
      RECOVERY_MAX_AGE_SECONDS: '600',
      APP_NAME: 'Acme',
    })
    expect(config).toMatchObject({
      redirectOrigins: ['https://www.example.com', 'https://app.example.com', 'https://admin.example.com'],
      cookieDomain: '.example.com',
      passwordMinLength: 12,
      confirmMode: 'direct',
      upstreamTimeoutMs: 2500,
      recoveryMaxAgeSeconds: 600,
      appName: 'Acme',
    })
  })

  it('accepts the legacy anon JWT as the key', () => {
    const anon = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJlc2lnbmF0dXJl'
    expect(parseConfig({ ...good, SUPABASE_PUBLISHABLE_KEY: anon })).toMatchObject({ supabaseKey: anon })
  })

  it.each([
    ['SUPABASE_URL', { SUPABASE_URL: undefined }],
    ['SUPABASE_URL', { SUPABASE_URL: 'not a url' }],
    ['SUPABASE_URL', { SUPABASE_URL: 'ftp://abcd.supabase.co' }],
    ['SUPABASE_PUBLISHABLE_KEY', { SUPABASE_PUBLISHABLE_KEY: 'short' }],
    ['SITE_URL', { SITE_URL: 'javascript:alert(1)' }],
    ['SITE_URL', { SITE_URL: 'https://user:secret@www.example.com' }],
    ['ALLOWED_REDIRECT_ORIGINS', { ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com/path' }],
    ['ALLOWED_REDIRECT_ORIGINS', { ALLOWED_REDIRECT_ORIGINS: '*.example.com' }],
    ['COOKIE_DOMAIN', { COOKIE_DOMAIN: 'example.com; secure' }],
    ['PASSWORD_MIN_LENGTH', { PASSWORD_MIN_LENGTH: '4' }],
    ['CONFIRM_MODE', { CONFIRM_MODE: 'yolo' }],
    ['UPSTREAM_TIMEOUT_MS', { UPSTREAM_TIMEOUT_MS: 'soon' }],
    // A minimum no password can meet: new passwords are capped at 72 bytes (bcrypt).
    ['PASSWORD_MIN_LENGTH', { PASSWORD_MIN_LENGTH: '73' }],
    // Under 100 ms every call to Supabase would time out.
    ['UPSTREAM_TIMEOUT_MS', { UPSTREAM_TIMEOUT_MS: '99' }],
    ['APP_NAME', { APP_NAME: 'x'.repeat(81) }],
  ])('names %s when it is missing or malformed', (key, patch) => {
    const config = parseConfig({ ...good, ...patch })
    expect(config).toBeInstanceOf(ConfigError)
    expect((config as ConfigError).keys).toEqual([key])
  })

  it('treats empty bindings as not set, so the defaults apply', () => {
    const config = parseConfig({ ...good, APP_NAME: '', COOKIE_DOMAIN: '', PASSWORD_MIN_LENGTH: '', CONFIRM_MODE: '', ALLOWED_REDIRECT_ORIGINS: '' })
    expect(config).toMatchObject({ appName: undefined, cookieDomain: undefined, passwordMinLength: 8, confirmMode: 'interstitial', redirectOrigins: ['https://www.example.com'] })
  })

  it('defaults DEFAULT_LOCALE to en when LOCALES offers it, else to the first of LOCALES', () => {
    expect(parseConfig({ ...good, LOCALES: 'de,en' })).toMatchObject({ locales: ['de', 'en'], defaultLocale: 'en' })
    expect(parseConfig({ ...good, LOCALES: 'fr,de' })).toMatchObject({ locales: ['fr', 'de'], defaultLocale: 'fr' })
  })

  it('memoises per env object', () => {
    const env = { ...good }
    expect(loadDeployment(env)).toBe(loadDeployment(env))
  })
})

describe('a misconfigured deployment', () => {
  it('answers with a page and a log line that name the key but never its value', async () => {
    const secretish = 'sb_publishable_do-not-echo-me'
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    // A visitor opens the reset page of a Worker deployed without SUPABASE_URL.
    const res = await app.request('https://auth.example.com/account/forgot-password', {}, {
      SUPABASE_PUBLISHABLE_KEY: secretish,
      SITE_URL: 'https://www.example.com',
    })
    expect(res.status).toBe(500)
    const html = await res.text()
    expect(html).toContain('SUPABASE_URL')
    expect(html).toContain('not configured correctly')
    expect(html).not.toContain(secretish)
    expect(res.headers.get('cache-control')).toContain('no-store')
    expect(lines.join('\n')).toContain('"keys":["SUPABASE_URL"]')
    expect(lines.join('\n')).not.toContain(secretish)
  })

  it('gives the request line the reason config_invalid, so the 500s can be counted', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)))
    await app.request('https://auth.example.com/account/forgot-password', {}, { SITE_URL: 'https://www.example.com' })
    const request = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request')
    expect(request).toMatchObject({ status: 500, reason: 'config_invalid' })
  })

  it('reports itself unhealthy on /healthz', async () => {
    const res = await app.request('https://auth.example.com/healthz', {}, { SITE_URL: 'nope' })
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({
      status: 'error',
      config: 'invalid',
      keys: ['SITE_URL', 'SUPABASE_PUBLISHABLE_KEY', 'SUPABASE_URL'],
    })
  })
})

describe('keys that must never be the publishable key', () => {
  it.each([
    ['a secret key', () => 'sb_secret_0123456789abcdefghijklmnop'],
    ['a secret key with spaces around it', () => '  sb_secret_0123456789abcdefghijklmnop '],
    ['the legacy service_role JWT', () => inject('serviceRoleKey')],
  ])('refuses %s in SUPABASE_PUBLISHABLE_KEY, naming the binding only', (_name, key) => {
    const result = parseConfig({ ...good, SUPABASE_PUBLISHABLE_KEY: key() })
    expect(result).toBeInstanceOf(ConfigError)
    if (!(result instanceof ConfigError)) return
    expect(result.keys).toEqual(['SUPABASE_PUBLISHABLE_KEY'])
    expect(result.message).not.toContain(key().trim())
  })

  it.each([
    ['a publishable key', () => 'sb_publishable_0123456789abcdefghij'],
    ['the legacy anon JWT', () => inject('anonKey')],
  ])('accepts %s', (_name, key) => {
    expect(parseConfig({ ...good, SUPABASE_PUBLISHABLE_KEY: key() })).not.toBeInstanceOf(ConfigError)
  })

  it('derives the session cookie name from the project URL as supabase-js does', () => {
    const config = parseConfig(good)
    expect(config instanceof ConfigError ? undefined : config.sessionCookieName).toBe('sb-abcd1234-auth-token')
  })
})

describe('BRANDING', () => {
  const branded = (branding: unknown) => parseConfig({ ...good, BRANDING: branding })

  it('is optional: the default palette and no logo', () => {
    const config = parseConfig(good)
    if (config instanceof ConfigError) throw config
    expect(config.branding.logo).toBeUndefined()
    expect(config.branding.stylesheet.path).toMatch(/^\/auth\/assets\/site-[0-9a-f]{12}\.css$/)
    expect(config.branding.imageOrigins).toEqual([])
  })

  it('accepts a JSON string (a [vars] string) as well as an object (a [vars] table)', () => {
    const fromText = branded(JSON.stringify({ accent: '#8a1c7c' }))
    const fromObject = branded({ accent: '#8a1c7c' })
    if (fromText instanceof ConfigError || fromObject instanceof ConfigError) throw new Error('refused')
    expect(fromText.branding.stylesheet.path).toBe(fromObject.branding.stylesheet.path)
  })

  it.each([
    ['an accent too light for links and buttons', { accent: '#ffe600' }, 'BRANDING.accent'],
    ['a background the muted text cannot be read on', { background: '#6b6b6b' }, 'BRANDING.background'],
    ['a dark-mode accent too dark on the dark card', { accentDark: '#1f2a44' }, 'BRANDING.accentDark'],
    ['a dark-mode background too light for the dark muted text', { backgroundDark: '#c8c8c8' }, 'BRANDING.backgroundDark'],
    // Dark text reads on it (10.5:1); the muted site name and footer do not (4.16:1).
    ['a background only the muted text falls short on', { background: '#cccccc' }, 'BRANDING.background'],
    ['an accent just short of AA on the white card (4.48:1)', { accent: '#777777' }, 'BRANDING.accent'],
    ['a short-hex accent too light', { accent: '#ff0' }, 'BRANDING.accent'],
  ])('refuses %s (WCAG AA), naming the key', (_name, branding, key) => {
    const result = branded(branding)
    expect(result).toBeInstanceOf(ConfigError)
    expect(result instanceof ConfigError ? result.keys : []).toEqual([key])
  })

  it.each([
    ['a colour that is not #rrggbb', { accent: 'red' }, 'BRANDING.accent'],
    ['a logo over http', { logo: 'http://cdn.example.com/logo.png' }, 'BRANDING.logo'],
    ['a logo of another type', { logo: 'data:text/html;base64,PGgxPg==' }, 'BRANDING.logo'],
    ['a javascript: support link', { support: 'javascript:alert(1)' }, 'BRANDING.support'],
    ['an unknown colour scheme', { colorScheme: 'sepia' }, 'BRANDING.colorScheme'],
    ['a colour with more after it (it goes into the stylesheet)', { accent: '#8a1c7c;}body{display:none' }, 'BRANDING.accent'],
    ['a javascript: privacy link', { privacyUrl: 'javascript:alert(1)' }, 'BRANDING.privacyUrl'],
    ['a terms link over http', { termsUrl: 'http://www.example.com/terms' }, 'BRANDING.termsUrl'],
    ['text that is not JSON', '{accent:', 'BRANDING'],
  ])('refuses %s', (_name, branding, key) => {
    const result = branded(branding)
    expect(result instanceof ConfigError ? result.keys : []).toEqual([key])
  })

  it('takes an inline logo exactly when atob decodes it, and never throws on one it does not', () => {
    // Payloads over base64's alphabet and "=", so most are near misses: 4n+1 characters, "=" mid-text, extra padding.
    const payload = fc.string({ unit: fc.constantFrom(...'AQgw+/z9=='.split('')), maxLength: 14 })
    fc.assert(
      fc.property(payload, (text) => {
        let expected: Uint8Array | undefined
        try {
          expected = Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0))
        } catch {
          expected = undefined
        }
        const result = branded({ logo: `data:image/png;base64,${text}` })
        if (!expected || text === '') {
          expect(result instanceof ConfigError ? result.keys : 'accepted').toEqual(['BRANDING.logo'])
          return
        }
        if (result instanceof ConfigError) throw new Error(`refused a payload atob decodes: ${text}`)
        const served = result.branding.logo && result.branding.assets.get(result.branding.logo.src)
        expect(served && [...served.body as Uint8Array]).toEqual([...expected])
      }),
      { numRuns: 500 },
    )
  })

  it('names an inline logo after all of its content: one changed in its last byte gets a new address (it is served immutable)', () => {
    const logoEndingIn = (last: string) => branded({ logo: `data:image/png;base64,${btoa('\0'.repeat(8) + last)}` })
    const a = logoEndingIn('\x01')
    const b = logoEndingIn('\x02')
    if (a instanceof ConfigError || b instanceof ConfigError) throw new Error('refused')
    expect(a.branding.logo?.src).toMatch(/^\/auth\/assets\/logo-[0-9a-f]{12}\.png$/)
    expect(a.branding.logo?.src).not.toBe(b.branding.logo?.src)
  })

  it('takes an inline logo up to 64 KiB, and refuses one a byte larger', () => {
    const logoOf = (bytes: number) => `data:image/png;base64,${btoa('\0'.repeat(bytes))}`
    const largest = branded({ logo: logoOf(64 * 1024) })
    if (largest instanceof ConfigError) throw largest
    expect(largest.branding.logo?.src).toMatch(/^\/auth\/assets\/logo-[0-9a-f]{12}\.png$/)
    const tooLarge = branded({ logo: logoOf(64 * 1024 + 1) })
    expect(tooLarge instanceof ConfigError ? tooLarge.keys : 'accepted').toEqual(['BRANDING.logo'])
  })

  it('links support by mailto: (given bare or as a mailto: URL) or https, and names a logo after APP_NAME when it has no alt', () => {
    const supportOf = (support: string) => {
      const config = branded({ support })
      if (config instanceof ConfigError) throw config
      return config.branding.support
    }
    expect(supportOf('help@example.com')).toEqual({ href: 'mailto:help@example.com', label: 'help@example.com' })
    expect(supportOf('mailto:help@example.com')).toEqual({ href: 'mailto:help@example.com', label: 'help@example.com' })
    expect(supportOf('https://www.example.com/help')).toEqual({ href: 'https://www.example.com/help', label: undefined })
    const named = parseConfig({ ...good, APP_NAME: 'Acme', BRANDING: { logo: 'https://cdn.example.com/logo.svg' } })
    if (named instanceof ConfigError) throw named
    expect(named.branding.logo).toEqual({ src: 'https://cdn.example.com/logo.svg', alt: 'Acme' })
  })

  it('refuses a broken inline logo for that site alone; the other sites still load', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const deployment = parseDeployment({
      ...good,
      SITES: { 'auth.brand-a.com': { BRANDING: { logo: 'data:image/png;base64,A' } }, 'auth.brand-b.com': { APP_NAME: 'B' } },
    })
    const a = siteFor(deployment, 'auth.brand-a.com')
    expect(a instanceof ConfigError ? a.keys : a).toEqual(['SITES.auth.brand-a.com.BRANDING.logo'])
    expect(siteFor(deployment, 'auth.brand-b.com')).not.toBeInstanceOf(ConfigError)
  })

  it('passes AA with readable colours, and picks the button text colour that reads best', async () => {
    const result = branded({ accent: '#f0c000' })
    // Yellow fails as link text on white: refused even though dark button text would read on it.
    expect(result instanceof ConfigError ? result.keys : []).toEqual(['BRANDING.accent'])
    const { contrastRatio, bestTextOn } = await import('../src/lib/contrast')
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5)
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2)
    // Colours, not only greys: red on white is 4.00:1 (the channels weigh differently), dark grey 12.63:1 (the sRGB curve).
    expect(contrastRatio('#ff0000', '#ffffff')).toBeCloseTo(4.0, 2)
    expect(contrastRatio('#333333', '#ffffff')).toBeCloseTo(12.63, 2)
    expect(contrastRatio('#fff', '#000')).toBeCloseTo(21, 5)
    expect(bestTextOn('#8a1c7c', ['#ffffff', '#0b1220'])).toBe('#ffffff')
    expect(bestTextOn('#7aa7ff', ['#ffffff', '#0b1220'])).toBe('#0b1220')
  })
})

describe('SITES', () => {
  it('maps hostnames to sites that inherit the top-level bindings', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const deployment = parseDeployment({
      ...good,
      PASSWORD_MIN_LENGTH: '10',
      SITES: { 'Auth.Brand-A.com': { APP_NAME: 'A' }, 'auth.brand-b.com': { APP_NAME: 'B', PASSWORD_MIN_LENGTH: 14 } },
    })
    const a = siteFor(deployment, 'auth.brand-a.com')
    const b = siteFor(deployment, 'AUTH.BRAND-B.COM')
    if (!a || !b || a instanceof ConfigError || b instanceof ConfigError) throw new Error('missing site')
    expect([a.siteId, a.appName, a.passwordMinLength]).toEqual(['auth.brand-a.com', 'A', 10])
    expect([b.siteId, b.appName, b.passwordMinLength]).toEqual(['auth.brand-b.com', 'B', 14])
    expect(siteFor(deployment, 'auth.brand-c.com')).toBeUndefined()
  })

  it('takes an internationalised hostname as written (auth.bücher.test) and finds it under the ASCII form browsers send', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const deployment = parseDeployment({ ...good, SITES: { 'auth.bücher.test': { APP_NAME: 'Bücher' }, 'auth.brand-a.com': { APP_NAME: 'A' } } })
    const site = siteFor(deployment, new URL('https://auth.bücher.test/').hostname)
    if (!site || site instanceof ConfigError) throw new Error(`missing site: ${String(site instanceof ConfigError ? site.keys : site)}`)
    expect([site.siteId, site.appName]).toEqual(['auth.xn--bcher-kva.test', 'Bücher'])
    // The same hostname twice, once in each form, is one hostname.
    const twice = siteFor(parseDeployment({ ...good, SITES: { 'auth.bücher.test': {}, 'auth.xn--bcher-kva.test': {} } }), 'auth.xn--bcher-kva.test')
    expect(twice instanceof ConfigError ? twice.keys : twice).toEqual(['SITES.auth.xn--bcher-kva.test'])
  })

  it('whatever one site’s settings hold, parsing never throws (as a site or as the single site) and the other sites still load', async () => {
    const { parseDeployment, siteFor, SITE_KEYS } = await import('../src/sites')
    // Mostly known keys (so parsing goes deep), with any JSON value, BRANDING fields included.
    const value = fc.oneof(fc.jsonValue(), fc.string(), fc.constantFrom('data:image/png;base64,A', 'https://x', '.example.com', '0', '-1', '1e400'))
    const anyBranding = fc.dictionary(fc.constantFrom('logo', 'logoAlt', 'accent', 'background', 'accentDark', 'backgroundDark', 'colorScheme', 'support', 'privacyUrl', 'termsUrl', 'footer'), value)
    // Values that pass the schema, so that deriving the branding (logo decoding, contrast) runs too.
    const base64ish = fc.string({ unit: fc.constantFrom(...'Aw+/='.split('')), maxLength: 9 })
    const validBranding = fc.record(
      {
        logo: fc.oneof(base64ish.map((b) => `data:image/png;base64,${b}`), fc.constant('https://cdn.example.com/logo.svg')),
        accent: fc.constantFrom('#0b5cad', '#ffe600'),
        colorScheme: fc.constantFrom('auto', 'light', 'dark'),
        footer: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: [] },
    )
    const branding = fc.oneof(anyBranding, validBranding)
    const settings = fc.dictionary(fc.constantFrom(...SITE_KEYS), fc.oneof(value, branding, branding.map((b) => JSON.stringify(b))))
    fc.assert(
      fc.property(fc.oneof(settings, fc.record({ BRANDING: branding }), fc.jsonValue()), (entry) => {
        const deployment = parseDeployment({ ...good, SITES: { 'auth.bad.example': entry, 'auth.good.example': {} } })
        expect(siteFor(deployment, 'auth.good.example')).not.toBeInstanceOf(ConfigError)
        const bad = siteFor(deployment, 'auth.bad.example')
        if (bad instanceof ConfigError) for (const key of bad.keys) expect(key.startsWith('SITES.auth.bad.example')).toBe(true)
        // The same settings as a single site's bindings: refused by key, never a throw (which would 500 every request).
        if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) expect(() => parseConfig({ ...good, ...entry })).not.toThrow()
      }),
      { numRuns: 2000, seed: 20261129 },
    )
  })

  it('a site whose settings throw when read (any bug not foreseen) is refused by name; the others load', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const throwing = Object.defineProperty({}, 'APP_NAME', { enumerable: true, get: () => { throw new Error('boom') } })
    const deployment = parseDeployment({ ...good, SITES: { 'auth.bad.example': throwing, 'auth.good.example': {} } })
    const bad = siteFor(deployment, 'auth.bad.example')
    expect(bad instanceof ConfigError ? bad.keys : bad).toEqual(['SITES.auth.bad.example'])
    expect(siteFor(deployment, 'auth.good.example')).not.toBeInstanceOf(ConfigError)
  })

  it('refuses a COOKIE_DOMAIN a site’s hostname is not within (inherited or its own), naming that site’s key', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const deployment = parseDeployment({
      ...good,
      COOKIE_DOMAIN: '.brand-a.com',
      SITES: {
        'auth.brand-a.com': {},
        'brand-a.com': {},
        'auth.brand-b.com': {},
        'auth.brand-c.com': { COOKIE_DOMAIN: 'brand-c.com' },
        'auth.notbrand-c.com': { COOKIE_DOMAIN: '.brand-c.com' },
      },
    })
    const keysOf = (host: string) => {
      const site = siteFor(deployment, host)
      return site instanceof ConfigError ? site.keys : site?.cookieDomain
    }
    expect(keysOf('auth.brand-a.com')).toBe('.brand-a.com')
    expect(keysOf('brand-a.com')).toBe('.brand-a.com')
    expect(keysOf('auth.brand-b.com')).toEqual(['SITES.auth.brand-b.com.COOKIE_DOMAIN'])
    expect(keysOf('auth.brand-c.com')).toBe('brand-c.com')
    expect(keysOf('auth.notbrand-c.com')).toEqual(['SITES.auth.notbrand-c.com.COOKIE_DOMAIN'])
  })

  it.each([
    ['not JSON', '{', ['SITES']],
    ['an empty object', '{}', ['SITES']],
    ['an array', '[]', ['SITES']],
    ['a hostname with a path', JSON.stringify({ 'auth.example.com/x': {} }), ['SITES.auth.example.com/x']],
    ['a hostname with a port', JSON.stringify({ 'auth.example.com:8443': {} }), ['SITES.auth.example.com:8443']],
    ['a URL, not a hostname', JSON.stringify({ 'https://auth.example.com': {} }), ['SITES.https://auth.example.com']],
    ['a hostname with userinfo', JSON.stringify({ 'evil@auth.example.com': {} }), ['SITES.evil@auth.example.com']],
    ['a hostname with a trailing dot', JSON.stringify({ 'auth.example.com.': {} }), ['SITES.auth.example.com.']],
    ['nothing but keys that are no hostname', JSON.stringify({ 'auth.a.com:1': {}, 'https://auth.b.com': {} }), ['SITES.auth.a.com:1', 'SITES.https://auth.b.com']],
  ])('refuses SITES that is %s', async (_name, sites, keys) => {
    const { parseDeployment } = await import('../src/sites')
    const result = parseDeployment({ ...good, SITES: sites })
    expect(result instanceof ConfigError ? result.keys : []).toEqual(keys)
  })

  it('keeps the other sites up when one key is no hostname, and names it only as an invalid key', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const result = parseDeployment({ ...good, SITES: JSON.stringify({ 'auth.brand-a.com': {}, 'auth.secret-brand.com:8443': {}, 'https://auth.brand-c.com': {} }) })
    if (result instanceof ConfigError || result.kind !== 'sites') throw new Error('expected a deployment of sites')
    expect(result.invalidKeys).toEqual(['SITES.auth.secret-brand.com:8443', 'SITES.https://auth.brand-c.com'])
    const site = siteFor(result, 'auth.brand-a.com')
    expect(site instanceof ConfigError).toBe(false)
    expect(JSON.stringify(site)).not.toContain('secret-brand')
    expect(siteFor(result, 'auth.secret-brand.com')).toBeUndefined()
  })

  it('makes a hostname with two entries (in two spellings) the error, and only that one', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const result = parseDeployment({ ...good, SITES: JSON.stringify({ 'auth.example.com': {}, 'Auth.Example.com': { APP_NAME: 'B' }, 'auth.other.com': {} }) })
    const twice = siteFor(result, 'auth.example.com')
    expect(twice instanceof ConfigError ? twice.keys : twice).toEqual(['SITES.Auth.Example.com'])
    expect(siteFor(result, 'auth.other.com') instanceof ConfigError).toBe(false)
  })

  it('refuses a misspelt BRANDING field, naming it as written, at the top level and per site', async () => {
    const top = parseConfig({ ...good, BRANDING: JSON.stringify({ accentColour: '#8a1c7c', accent: '#8a1c7c' }) })
    expect(top instanceof ConfigError ? top.keys : top).toEqual(['BRANDING.accentColour'])
    const { parseDeployment, siteFor } = await import('../src/sites')
    const site = siteFor(parseDeployment({ ...good, SITES: { 'a.example.com': { BRANDING: { colourScheme: 'dark' } } } }), 'a.example.com')
    expect(site instanceof ConfigError ? site.keys : site).toEqual(['SITES.a.example.com.BRANDING.colourScheme'])
  })

  it('names a site’s unknown keys (typos) and bad values, per site', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const deployment = parseDeployment({ ...good, SITES: { 'a.example.com': { SITE_URL: 'nope', CONFIRM_MOD: 'direct' }, 'b.example.com': {} } })
    const a = siteFor(deployment, 'a.example.com')
    expect(a instanceof ConfigError ? a.keys : []).toEqual(['SITES.a.example.com.CONFIRM_MOD'])
    expect(siteFor(deployment, 'b.example.com')).not.toBeInstanceOf(ConfigError)
  })
})

describe('SITES and secret keys', () => {
  it('gives a site the secret key of the binding it names, and never the top-level one', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const deployment = parseDeployment({
      ...good,
      SUPABASE_SECRET_KEY: 'sb_secret_top_level_0000000000000',
      BRAND_A_SECRET: 'sb_secret_brand_a_111111111111111',
      SITES: { 'a.example.com': { SUPABASE_SECRET_KEY_BINDING: 'BRAND_A_SECRET' }, 'b.example.com': {}, 'c.example.com': { SUPABASE_SECRET_KEY_BINDING: 'NO_SUCH_BINDING' } },
    })
    const a = siteFor(deployment, 'a.example.com')
    const b = siteFor(deployment, 'b.example.com')
    const c = siteFor(deployment, 'c.example.com')
    expect(a instanceof ConfigError ? a.keys : a?.secretKey).toBe('sb_secret_brand_a_111111111111111')
    expect(b instanceof ConfigError ? b.keys : b?.secretKey).toBeUndefined()
    expect(c instanceof ConfigError ? c.keys : []).toEqual(['SITES.c.example.com.SUPABASE_SECRET_KEY_BINDING'])
  })

  it('refuses a secret key written into SITES itself', async () => {
    const { parseDeployment, siteFor } = await import('../src/sites')
    const deployment = parseDeployment({ ...good, SITES: { 'a.example.com': { SUPABASE_SECRET_KEY: 'sb_secret_in_plain_vars_000000000' } } })
    const a = siteFor(deployment, 'a.example.com')
    expect(a instanceof ConfigError ? a.keys : []).toEqual(['SITES.a.example.com.SUPABASE_SECRET_KEY'])
    expect(a instanceof ConfigError ? a.message : '').not.toContain('sb_secret_in_plain')
  })
})
