/**
 * One deployment, several sites (`SITES`): the whole reset flow on two sites with their own Supabase
 * projects side by side, isolation between them (sessions, CSRF, links, redirects, limits, logs),
 * branding, the unknown-host page, and a site mounted on paths of an existing site (every link and
 * redirect the Worker builds stays under /auth/ and /account/).
 */
import { createClient } from '@supabase/supabase-js'
import { describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { localAuthControl } from '../local-auth/client'
import { Browser, parseForms, parseSetCookie, type Fetcher } from './browser'
import { configuredLimiters, withBindings } from './deployment'
import { captureLogs, newUser, openLinkAndConfirm, requestRecovery, submitNewPassword } from './flow'

const A = 'https://auth.example.com'
const B = 'https://auth.brand-b.test'
const MOUNTED = 'https://www.example.com'

const sites = () => ({
  'auth.example.com': {
    SUPABASE_URL: inject('authUrl'),
    SUPABASE_PUBLISHABLE_KEY: inject('anonKey'),
    SITE_URL: 'https://www.example.com',
    ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com',
    APP_NAME: 'Brand A',
  },
  'auth.brand-b.test': {
    SUPABASE_URL: inject('siteBAuthUrl'),
    SUPABASE_PUBLISHABLE_KEY: inject('siteBAnonKey'),
    SITE_URL: 'https://www.brand-b.test',
    ALLOWED_REDIRECT_ORIGINS: '',
    APP_NAME: 'Brand B',
    PASSWORD_MIN_LENGTH: 12,
    BRANDING: {
      logo: 'https://cdn.brand-b.test/logo.svg',
      logoAlt: 'Brand B',
      accent: '#8a1c7c',
      background: '#fbf7fa',
      colorScheme: 'light',
      support: 'help@brand-b.test',
      privacyUrl: 'https://www.brand-b.test/privacy',
      termsUrl: 'https://www.brand-b.test/terms',
      footer: 'Brand B Ltd. Account service.',
    },
  },
  // The existing site, with the Worker routed on www.example.com/auth/* and /account/* only.
  'www.example.com': {
    SUPABASE_URL: inject('authUrl'),
    SUPABASE_PUBLISHABLE_KEY: inject('anonKey'),
    SITE_URL: 'https://www.example.com',
    BRANDING: { logo: `data:image/svg+xml;base64,${btoa('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')}` },
  },
})

/** The deployment with SITES (JSON text, as a `[vars]` string) and deterministic edge limits. */
function deployment(extra: Record<string, unknown> = {}): Fetcher {
  return withBindings({ SITES: JSON.stringify(sites()), ...configuredLimiters(), ...extra })
}

const controlA = () => localAuthControl(inject('authUrl'))
const controlB = () => localAuthControl(inject('siteBAuthUrl'))

async function userOn(control: ReturnType<typeof localAuthControl>) {
  const email = `site-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9)}@example.com`
  await control.createUser({ email, password: 'the-old-password-1' })
  return email
}

/** Request a reset on `browser`'s site and open the emailed link there: ends on the new-password form. */
async function resetUpToForm(browser: Browser, control: ReturnType<typeof localAuthControl>, email: string) {
  await requestRecovery(browser, email)
  const message = await control.latestMessageTo(email, { timeoutMs: 5000 })
  const link = /href="([^"]*\/auth\/confirm[^"]*)"/.exec(message.HTML)?.[1]?.replace(/&amp;/g, '&') ?? ''
  const confirmed = await openLinkAndConfirm(browser, link)
  return { link, confirmed }
}

describe('two sites, two Supabase projects, one Worker', () => {
  it('runs the whole reset on each, side by side, each with its own project and look', async () => {
    const fetcher = deployment()
    const [emailA, emailB] = await Promise.all([userOn(controlA()), userOn(controlB())])
    const a = new Browser({ fetcher, origin: A })
    const b = new Browser({ fetcher, origin: B })
    const [flowA, flowB] = await Promise.all([resetUpToForm(a, controlA(), emailA), resetUpToForm(b, controlB(), emailB)])
    expect(new URL(flowA.link).origin).toBe(A)
    expect(new URL(flowB.link).origin).toBe(B)
    expect(flowA.confirmed.headers.get('location')).toBe('/account/update-password')
    expect(flowB.confirmed.headers.get('location')).toBe('/account/update-password')

    const formA = await (await a.get('/account/update-password')).text()
    const formB = await (await b.get('/account/update-password')).text()
    expect(formA).toContain('<title>Choose a new password · Brand A</title>')
    expect(formB).toContain('<title>Choose a new password · Brand B</title>')
    expect(formB).toContain('At least 12 characters.') // site B's own minimum
    expect(formA).toContain('At least 8 characters.')

    expect((await submitNewPassword(a, 'brand-a-new-password')).status).toBe(200)
    expect((await submitNewPassword(b, 'brand-b-new-password')).status).toBe(200)
    // Each password landed in its own project only.
    const signIn = (url: string, key: string, email: string, password: string) =>
      createClient(url, key, { auth: { persistSession: false } }).auth.signInWithPassword({ email, password })
    expect((await signIn(inject('authUrl'), inject('anonKey'), emailA, 'brand-a-new-password')).error).toBeNull()
    expect((await signIn(inject('siteBAuthUrl'), inject('siteBAnonKey'), emailB, 'brand-b-new-password')).error).toBeNull()
    expect((await signIn(inject('authUrl'), inject('anonKey'), emailB, 'brand-b-new-password')).error).not.toBeNull()
  })
})

describe('isolation between sites', () => {
  it('a session from site A is no session on site B', async () => {
    const fetcher = deployment()
    const a = new Browser({ fetcher, origin: A })
    await resetUpToForm(a, controlA(), await userOn(controlA()))
    const b = new Browser({ fetcher, origin: B })
    for (const [name, value] of a.jar) b.jar.set(name, value) // even if the cookies were copied over
    const res = await b.get('/account/update-password')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/forgot-password?reason=session_missing')
  })

  it('a session from site A is no session on site B even right after site A checked it (one storage key, one isolate)', async () => {
    // Both test projects live on 127.0.0.1, so supabase-js gives them one storage key (sb-127-auth-token)
    // and auth-js one signing-key cache: site A's check leaves A's keys there for site B's next check.
    const fetcher = deployment()
    const a = new Browser({ fetcher, origin: A })
    await resetUpToForm(a, controlA(), await userOn(controlA()))
    expect((await a.get('/account/update-password')).status).toBe(200)
    const b = new Browser({ fetcher, origin: B })
    for (const [name, value] of a.jar) b.jar.set(name, value)
    const { result, lines } = await captureLogs(() => b.get('/account/update-password'))
    expect([result.status, result.headers.get('location')]).toEqual([303, '/account/forgot-password?reason=session_missing'])
    expect(lines.some((line) => line.includes('"session_invalid"'))).toBe(true)
    // And site A's session still works on site A after that.
    expect((await a.get('/account/update-password')).status).toBe(200)
  })

  it('a link from site A (its project’s token) spends nothing and fails on site B', async () => {
    const fetcher = deployment()
    const email = await userOn(controlA())
    const a = new Browser({ fetcher, origin: A })
    await requestRecovery(a, email)
    const message = await controlA().latestMessageTo(email, { timeoutMs: 5000 })
    const link = new URL(/href="([^"]*\/auth\/confirm[^"]*)"/.exec(message.HTML)?.[1]?.replace(/&amp;/g, '&') ?? '')
    const onB = new URL(`${B}${link.pathname}${link.search}`)
    const b = new Browser({ fetcher, origin: B })
    const res = await openLinkAndConfirm(b, onB.href)
    expect(res.headers.get('location')).toBe('/auth/auth-code-error?reason=link_expired')
    // …and it still works where it belongs.
    expect((await openLinkAndConfirm(a, link.href)).headers.get('location')).toBe('/account/update-password')
  })

  it('a form from site A posted to site B is refused (CSRF)', async () => {
    const fetcher = deployment()
    const a = new Browser({ fetcher, origin: A })
    const form = parseForms(await (await a.get('/account/forgot-password')).text())[0]
    const b = new Browser({ fetcher, origin: B })
    await b.get('/account/forgot-password')
    // Site A's page and token, sent to B: another origin (Origin check) and another token (double submit).
    const crossOrigin = await b.post('/account/forgot-password', { ...form?.fields, email: 'x@example.com' }, { origin: A, 'sec-fetch-site': 'same-site' })
    expect(crossOrigin.status).toBe(403)
    const wrongToken = await b.post('/account/forgot-password', { ...form?.fields, email: 'x@example.com' })
    expect(wrongToken.status).toBe(403)
  })

  it('next pointing at another site is refused unless that site allows it', async () => {
    const fetcher = deployment()
    const b = new Browser({ fetcher, origin: B })
    const page = await b.get(`/account/signed-in?next=${encodeURIComponent('https://www.example.com/')}`)
    expect(page.headers.get('location')).toBe('https://www.brand-b.test/')
    const a = new Browser({ fetcher, origin: A })
    const pageA = await a.get(`/account/signed-in?next=${encodeURIComponent('https://www.brand-b.test/')}`)
    expect(pageA.headers.get('location')).toBe('https://www.example.com/')
  })

  it('limits count per Supabase project: site A’s visitors never use up site B’s allowance', async () => {
    const limiters = configuredLimiters()
    const fetcher = withBindings({ SITES: JSON.stringify(sites()), ...limiters })
    const ip = '198.51.100.7'
    const a = new Browser({ fetcher, origin: A, ip })
    for (let i = 0; i < 10; i++) await requestRecovery(a, `limit-${i}-${Date.now()}@example.com`)
    expect((await requestRecovery(a, `limit-x-${Date.now()}@example.com`)).status).toBe(429)
    const b = new Browser({ fetcher, origin: B, ip })
    expect((await requestRecovery(b, `limit-b-${Date.now()}@example.com`)).status).toBe(200)
    const projects = [new URL(inject('authUrl')).host, new URL(inject('siteBAuthUrl')).host]
    expect(projects[0]).not.toBe(projects[1])
    expect(limiters.FORGOT_IP_LIMITER.calls.every((key) => projects.some((project) => key.startsWith(`${project}|`)))).toBe(true)
  })

  it('two hostnames on one project share its allowance: no more guesses at one address’s code', async () => {
    const limiters = configuredLimiters()
    const fetcher = withBindings({ SITES: JSON.stringify(sites()), ...limiters })
    const user = (await newUser()).email
    const statuses: number[] = []
    // 5 per address (CODE_EMAIL_LIMITER), split across auth.example.com and www.example.com (the same project).
    for (let i = 0; i < 6; i++) {
      const browser = new Browser({ fetcher, origin: i % 2 ? MOUNTED : A })
      const page = await browser.get('/account/verify-code')
      statuses.push((await browser.submit(await page.text(), { email: user, code: '000000' })).status)
    }
    expect(statuses.slice(0, 5).every((s) => s === 400)).toBe(true)
    expect(statuses[5]).toBe(429)
  })

  it('log lines name the site', async () => {
    const fetcher = deployment()
    const { lines } = await captureLogs(async () => {
      await new Browser({ fetcher, origin: A }).get('/account/forgot-password')
      await new Browser({ fetcher, origin: B }).get('/account/forgot-password')
    })
    expect(lines.some((line) => line.includes('"site":"auth.example.com"'))).toBe(true)
    expect(lines.some((line) => line.includes('"site":"auth.brand-b.test"'))).toBe(true)
  })
})

describe('a hostname no site is configured for', () => {
  it.each(['/', '/account/forgot-password', '/auth/confirm?token_hash=' + 'a'.repeat(56) + '&type=recovery', '/healthz'])(
    'gets a plain 404 page, never another site’s configuration (%s)',
    async (path) => {
      const res = await new Browser({ fetcher: deployment(), origin: 'https://auth.unknown.test' }).get(path)
      expect(res.status).toBe(404)
      const html = await res.text()
      expect(html).toContain('There is no account service at this address.')
      expect(html).not.toMatch(/Brand A|Brand B|stylesheet|csrf_token|example\.com/)
      expect(res.headers.get('content-security-policy')).toContain("form-action 'self';")
    },
  )
})

describe('a hostname no site is configured for, in the log', () => {
  it('logs the 404 with reason unknown_site and no site, so misrouted hostnames can be counted', async () => {
    const { lines } = await captureLogs(() => new Browser({ fetcher: deployment(), origin: 'https://auth.unknown.test' }).get('/account/forgot-password'))
    const requestLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request')
    expect(requestLines).toEqual([expect.objectContaining({ status: 404, reason: 'unknown_site' })])
    expect(requestLines[0]).not.toHaveProperty('site')
  })
})

describe('branding', () => {
  it('gives each site its name, logo, stylesheet, support and legal links, footer', async () => {
    const html = await (await new Browser({ fetcher: deployment(), origin: B }).get('/account/forgot-password')).text()
    expect(html).toContain('<img src="https://cdn.brand-b.test/logo.svg" alt="Brand B"/>')
    expect(html).toContain('Brand B Ltd. Account service.')
    expect(html).toContain('<a href="mailto:help@brand-b.test">help@brand-b.test</a>')
    expect(html).toContain('<a href="https://www.brand-b.test/privacy">Privacy</a>')
    expect(html).toContain('<a href="https://www.brand-b.test/terms">Terms</a>')
    const stylesheetB = /<link rel="stylesheet" href="(\/auth\/assets\/site-[0-9a-f]{12}\.css)"\/>/.exec(html)?.[1]
    const htmlA = await (await new Browser({ fetcher: deployment(), origin: A }).get('/account/forgot-password')).text()
    const stylesheetA = /<link rel="stylesheet" href="(\/auth\/assets\/site-[0-9a-f]{12}\.css)"\/>/.exec(htmlA)?.[1]
    expect(stylesheetB).toBeDefined()
    expect(stylesheetA).toBeDefined()
    expect(stylesheetA).not.toBe(stylesheetB)
    expect(htmlA).not.toContain('<img')
  })

  it('shows the site name beside the logo only when the logo’s alt does not already say it', async () => {
    const htmlB = await (await new Browser({ fetcher: deployment(), origin: B }).get('/account/forgot-password')).text()
    expect(htmlB).toContain('alt="Brand B"/>')
    expect(htmlB).not.toContain('<span translate="no">Brand B</span>')
    // A logo without a name is decorative (alt=""): the default name stands beside it.
    const mounted = await (await new Browser({ fetcher: deployment(), origin: MOUNTED }).get('/account/forgot-password')).text()
    expect(mounted).toMatch(/<img src="[^"]+" alt=""\/>/)
    expect(mounted).toContain('<span translate="no">Your account</span>')
  })

  it('offers the site’s support first where only a person can help (an account that cannot be used), and only there', async () => {
    const actions = async (origin: string, reason: string) => {
      const html = await (await new Browser({ fetcher: deployment(), origin }).get(`/auth/auth-code-error?reason=${reason}`)).text()
      return [...(/<ul class="actions">(.*?)<\/ul>/s.exec(html)?.[1] ?? '').matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => `${m[2]} → ${m[1]}`)
    }
    expect(await actions(B, 'account_unavailable')).toEqual(['Contact support → mailto:help@brand-b.test', 'Start again → /account/forgot-password'])
    expect(await actions(A, 'account_unavailable')).toEqual(['Start again → /account/forgot-password'])
    expect(await actions(B, 'link_expired')).toEqual(['Send me a new link → /account/forgot-password', 'I have a code from a newer email → /account/verify-code'])
  })

  it('serves the stylesheet cacheable under its content hash, with the site’s colours', async () => {
    const b = new Browser({ fetcher: deployment(), origin: B })
    const html = await (await b.get('/')).text()
    const path = /href="(\/auth\/assets\/site-[^"]+\.css)"/.exec(html)?.[1] ?? ''
    const css = await b.get(path)
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const text = await css.text()
    expect(text).toContain('--accent:#8a1c7c')
    expect(text).toContain('--bg:#fbf7fa')
    expect(text).toContain(':root{color-scheme:light;')
    expect(text).not.toContain('prefers-color-scheme:dark') // a light-only site
    // Site A's stylesheet path is not served on B.
    expect((await b.get('/auth/assets/site-000000000000.css')).status).toBe(404)
  })

  it('allows an external logo’s origin in img-src on that site only', async () => {
    const cspB = (await new Browser({ fetcher: deployment(), origin: B }).get('/')).headers.get('content-security-policy')
    const cspA = (await new Browser({ fetcher: deployment(), origin: A }).get('/')).headers.get('content-security-policy')
    expect(cspB).toContain("img-src 'self' https://cdn.brand-b.test;")
    expect(cspA).toContain("img-src 'self';")
    expect(cspB).toContain("form-action 'self' https://www.brand-b.test;")
    expect(cspA).toContain("form-action 'self' https://www.example.com https://app.example.com;")
  })

  it('serves an inline logo from the Worker itself', async () => {
    const browser = new Browser({ fetcher: deployment(), origin: MOUNTED })
    const html = await (await browser.get('/account/forgot-password')).text()
    const src = /<img src="(\/auth\/assets\/logo-[0-9a-f]{12}\.svg)"/.exec(html)?.[1] ?? ''
    const logo = await browser.get(src)
    expect(logo.status).toBe(200)
    expect(logo.headers.get('content-type')).toBe('image/svg+xml')
    expect(logo.headers.get('content-security-policy')).toContain("default-src 'none'") // no script in an SVG
    expect(await logo.text()).toContain('<svg')
  })
})

describe('a misconfigured site', () => {
  it('names its keys (contrast included) and does not take the other sites down', async () => {
    const broken = { ...sites(), 'auth.brand-b.test': { ...sites()['auth.brand-b.test'], BRANDING: { accent: '#ffe600' }, SITE_URL: 'not a url' } }
    const fetcher = withBindings({ SITES: JSON.stringify(broken) })
    const { result: res } = await captureLogs(() => new Browser({ fetcher, origin: B }).get('/account/forgot-password'))
    expect(res.status).toBe(500)
    const html = await res.text()
    expect(html).toContain('<code>SITES.auth.brand-b.test.SITE_URL</code>')
    expect((await new Browser({ fetcher, origin: A }).get('/account/forgot-password')).status).toBe(200)
  })

  it('a key that is no hostname does not take the other sites down, nor show on their pages; the log of an unknown hostname names it', async () => {
    const fetcher = withBindings({ SITES: JSON.stringify({ ...sites(), 'auth.secret-brand.test:8443': sites()['auth.brand-b.test'] }) })
    for (const origin of [A, B]) {
      for (const path of ['/account/forgot-password', '/healthz']) {
        const res = await new Browser({ fetcher, origin }).get(path)
        expect(res.status, `${origin}${path}`).toBe(200)
        expect(await res.text()).not.toContain('secret-brand')
      }
    }
    const { result: res, lines } = await captureLogs(() => new Browser({ fetcher, origin: 'https://auth.secret-brand.test:8443' }).get('/account/forgot-password'))
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain('secret-brand')
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual({ msg: 'config_invalid', keys: ['SITES.auth.secret-brand.test:8443'] })
  })
})

describe('a site mounted on paths of an existing site', () => {
  it('builds every link, form, asset and redirect under /auth/ or /account/ (or off to the site)', async () => {
    const fetcher = deployment()
    const browser = new Browser({ fetcher, origin: MOUNTED })
    const seen: string[] = []
    const collect = async (res: Response) => {
      const location = res.headers.get('location')
      if (location) seen.push(location)
      if ((res.headers.get('content-type') ?? '').includes('text/html')) {
        const html = await res.clone().text()
        for (const match of html.matchAll(/(?:href|src|action)="([^"]*)"/g)) seen.push((match[1] ?? '').replace(/&amp;/g, '&'))
      }
      return res
    }
    const email = await userOn(controlA())
    await collect(await browser.get('/account/forgot-password'))
    await collect(await requestRecovery(browser, email))
    const minted = await controlA().mintToken({ email, type: 'recovery' })
    const opened = await collect(await browser.get(`/auth/confirm?token_hash=${minted.token_hash}&type=recovery&next=/account/update-password`))
    const confirmed = await collect(await browser.submit(await opened.text()))
    const form = await (await collect(await browser.follow(confirmed))).text()
    await collect(await browser.submit(form, { password: 'short', password_confirm: 'short' }))
    await collect(await browser.submit(form, { password: 'mounted-new-pass-1', password_confirm: 'mounted-new-pass-1' }))
    for (const path of ['/account/verify-code', '/auth/auth-code-error?reason=link_expired', '/account/sign-out', '/account/no-such-page', '/auth/confirm?token_hash=zz&type=recovery']) {
      await collect(await browser.get(path))
    }
    expect(seen.length).toBeGreaterThan(20)
    for (const target of seen) {
      if (target.startsWith('#')) continue // the skip link, within the page
      const url = new URL(target, MOUNTED)
      if (url.origin !== MOUNTED) {
        expect(['https://www.example.com'], target).toContain(url.origin)
        continue
      }
      if (target === 'https://www.example.com/') continue // SITE_URL: back to the site itself
      expect(url.pathname, target).toMatch(/^\/(auth|account)\//)
    }
  })

  it("sets only cookies named as its own or Supabase's, and leaves the site's `lang` and `__Host-csrf` alone", async () => {
    const browser = new Browser({ fetcher: deployment(), origin: MOUNTED })
    // The main site's own cookies on the same host.
    browser.jar.set('lang', 'de-DE')
    browser.jar.set('__Host-csrf', 's'.repeat(43))
    const set: string[] = []
    const keep = (res: Response) => {
      for (const line of res.headers.getSetCookie()) set.push(parseSetCookie(line).name)
      return res
    }
    const email = await userOn(controlA())
    keep(await browser.get('/account/forgot-password?lang=fr'))
    keep(await requestRecovery(browser, email))
    const minted = await controlA().mintToken({ email, type: 'recovery' })
    const opened = keep(await browser.get(`/auth/confirm?token_hash=${minted.token_hash}&type=recovery&next=/account/update-password`))
    const confirmed = keep(await browser.submit(await opened.text()))
    const form = await keep(await browser.follow(confirmed)).text()
    keep(await browser.submit(form, { password: 'mounted-new-pass-2', password_confirm: 'mounted-new-pass-2' }))
    expect(set).toContain('auth-lang')
    expect(set).toContain('__Host-auth-csrf')
    for (const name of set) expect(name).toMatch(/^(__Host-auth-|auth-|sb-)/)
    expect(browser.jar.get('lang')).toBe('de-DE')
    expect(browser.jar.get('__Host-csrf')).toBe('s'.repeat(43))
  })
})
