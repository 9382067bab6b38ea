/**
 * Pages in the person's language through the Worker's entrypoint: Accept-Language negotiation, the
 * language menu's choice remembered in the `lang` cookie, `Vary`, `<html lang dir>`, a site's own
 * LOCALES/DEFAULT_LOCALE, and a whole reset in German and in Arabic.
 */
import { describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { Browser, parseSetCookie } from './browser'
import { withBindings } from './deployment'
import { newUser, recoveryEmail, signInWith } from './flow'

const htmlTag = (html: string) => /<html[^>]*>/.exec(html)?.[0] ?? ''
const h1 = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1]

describe('negotiation', () => {
  it.each([
    ['no Accept-Language: English, as before', undefined, 'en', 'ltr', 'Reset your password'],
    ['a German browser in Austria', 'de-AT,de;q=0.9,en;q=0.5', 'de', 'ltr', 'Passwort zurücksetzen'],
    ['a French browser', 'fr-FR,fr;q=0.9', 'fr', 'ltr', 'Réinitialiser votre mot de passe'],
    ['a Spanish browser', 'es-MX', 'es', 'ltr', 'Restablezca su contraseña'],
    ['a Japanese browser', 'ja,en-US;q=0.5', 'ja', 'ltr', 'パスワードの再設定'],
    ['an Arabic browser: right to left', 'ar-EG', 'ar', 'rtl', 'إعادة تعيين كلمة المرور'],
    ['a language we do not ship', 'pt-BR', 'en', 'ltr', 'Reset your password'],
  ])('%s', async (_name, acceptLanguage, lang, dir, title) => {
    const res = await new Browser().get('/account/forgot-password', acceptLanguage ? { 'accept-language': acceptLanguage } : {})
    const html = await res.text()
    expect(res.status).toBe(200)
    expect(htmlTag(html)).toBe(`<html lang="${lang}" dir="${dir}">`)
    expect(h1(html)).toBe(title)
    expect(res.headers.get('vary')).toMatch(/\bCookie\b/)
    expect(res.headers.get('vary')).toMatch(/\bAccept-Language\b/)
  })

  it('speaks the language on error pages too (404, a refused form, a link reason)', async () => {
    const browser = new Browser()
    const missing = await browser.get('/nope', { 'accept-language': 'de' })
    expect(missing.status).toBe(404)
    expect(h1(await missing.text())).toBe('Seite nicht gefunden')
    const refused = await browser.post('/account/forgot-password', { email: 'a@example.com' }, { 'accept-language': 'ja' })
    expect(refused.status).toBe(403)
    expect(h1(await refused.text())).toBe('フォームを受け付けられませんでした')
    const expired = await browser.get('/auth/auth-code-error?reason=rate_limited', { 'accept-language': 'fr' })
    expect(expired.status).toBe(200) // the refused request was the 429; this page explains it
    expect(await expired.text()).toContain('Patientez une minute, puis réessayez.')
  })
})

describe('the language menu', () => {
  it('links every language from every page, keeping the page and its query', async () => {
    const html = await (await new Browser().get('/account/forgot-password?reason=session_missing')).text()
    const links = [...html.matchAll(/<a href="([^"]*)" lang="(\w+)" hreflang="\w+" dir="(\w+)"/g)].map((m) => [m[1]?.replace(/&amp;/g, '&'), m[2], m[3]])
    expect(links).toEqual([
      ['/account/forgot-password?reason=session_missing&lang=en', 'en', 'ltr'],
      ['/account/forgot-password?reason=session_missing&lang=de', 'de', 'ltr'],
      ['/account/forgot-password?reason=session_missing&lang=fr', 'fr', 'ltr'],
      ['/account/forgot-password?reason=session_missing&lang=es', 'es', 'ltr'],
      ['/account/forgot-password?reason=session_missing&lang=ja', 'ja', 'ltr'],
      ['/account/forgot-password?reason=session_missing&lang=ar', 'ar', 'rtl'],
    ])
    expect(html).toMatch(/<a href="[^"]*lang=en"[^>]*aria-current="true"/)
  })

  it('is not on answers to a form (a link there would show another page: the form again, not its answer)', async () => {
    const browser = new Browser()
    const form = await (await browser.get('/account/forgot-password')).text()
    expect(form).toContain('<nav class="languages"')
    const answer = await browser.submit(form, { email: `menu-${Date.now()}@example.com` })
    expect(answer.status).toBe(200)
    const html = await answer.text()
    expect(html).toContain('Check your email')
    expect(html).not.toContain('<nav class="languages"')
    expect(html).not.toMatch(/[?&]lang=/)
  })

  it('remembers a choice in the lang cookie, over Accept-Language, on later pages', async () => {
    const browser = new Browser()
    // The person reads German headers but picks Japanese from the menu.
    const chosen = await browser.get('/account/verify-code?lang=ja', { 'accept-language': 'de' })
    expect(h1(await chosen.text())).toBe('コードの入力')
    const line = chosen.headers.getSetCookie().find((l) => l.startsWith('auth-lang='))
    expect(line).toBeDefined()
    const cookie = parseSetCookie(line as string)
    expect(cookie.value).toBe('ja')
    expect(line).toMatch(/Path=\//)
    expect(line).toMatch(/SameSite=Lax/)
    expect(line).toMatch(/Secure/)
    expect(line).not.toMatch(/HttpOnly/)
    expect(line).toMatch(/Max-Age=31536000/)
    const later = await browser.get('/', { 'accept-language': 'de' })
    expect(htmlTag(await later.text())).toBe('<html lang="ja" dir="ltr">')
    expect(later.headers.getSetCookie().some((l) => l.startsWith('auth-lang='))).toBe(false)
    // Choosing it again sets nothing: a Set-Cookie would make even a content-hashed asset uncacheable.
    const again = await browser.get('/account/verify-code?lang=ja')
    expect(h1(await again.text())).toBe('コードの入力')
    expect(again.headers.getSetCookie().some((l) => l.startsWith('auth-lang='))).toBe(false)
  })

  it('takes a choice only from a GET (the menu’s links), never from a form post, even one from another site', async () => {
    const browser = new Browser()
    const res = await browser.request('/account/forgot-password?lang=ar', {
      method: 'POST',
      body: 'email=a%40example.com',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'accept-language': 'de' },
    })
    expect(res.status).toBe(403)
    expect(htmlTag(await res.text())).toBe('<html lang="de" dir="ltr">')
    expect(res.headers.getSetCookie().some((l) => l.startsWith('auth-lang='))).toBe(false)
  })

  it('ignores a choice the site does not offer, and sets no cookie for it', async () => {
    const res = await new Browser().get('/?lang=xx', { 'accept-language': 'es' })
    expect(htmlTag(await res.text())).toBe('<html lang="es" dir="ltr">')
    expect(res.headers.getSetCookie().some((l) => l.startsWith('auth-lang='))).toBe(false)
  })

  it('keeps the saved choice when the query asks for a language the site does not offer', async () => {
    const browser = new Browser()
    browser.jar.set('auth-lang', 'de')
    const res = await browser.get('/?lang=pt', { 'accept-language': 'fr' })
    expect(htmlTag(await res.text())).toBe('<html lang="de" dir="ltr">')
    expect(res.headers.getSetCookie().some((l) => l.startsWith('auth-lang='))).toBe(false)
  })
})

describe('per-site languages (LOCALES, DEFAULT_LOCALE)', () => {
  const site = (locales: unknown, defaultLocale?: string) =>
    withBindings({
      SITES: JSON.stringify({
        'auth.example.com': {
          SUPABASE_URL: inject('authUrl'),
          SUPABASE_PUBLISHABLE_KEY: inject('anonKey'),
          SITE_URL: 'https://www.example.com',
          LOCALES: locales,
          ...(defaultLocale ? { DEFAULT_LOCALE: defaultLocale } : {}),
        },
      }),
    })

  it('serves only the offered languages, the default when nothing matches, and a menu of those', async () => {
    const browser = new Browser({ fetcher: site(['de', 'fr'], 'fr'), origin: 'https://auth.example.com' })
    const ja = await browser.get('/', { 'accept-language': 'ja,de;q=0.5' })
    const html = await ja.text()
    expect(htmlTag(html)).toBe('<html lang="de" dir="ltr">')
    expect([...html.matchAll(/hreflang="(\w+)"/g)].map((m) => m[1])).toEqual(['de', 'fr'])
    expect(htmlTag(await (await browser.get('/')).text())).toBe('<html lang="fr" dir="ltr">')
    expect(htmlTag(await (await browser.get('/?lang=ar')).text())).toBe('<html lang="fr" dir="ltr">')
  })

  it('shows no menu for a site with one language', async () => {
    const html = await (await new Browser({ fetcher: site('en'), origin: 'https://auth.example.com' }).get('/', { 'accept-language': 'de' })).text()
    expect(htmlTag(html)).toBe('<html lang="en" dir="ltr">')
    expect(html).not.toContain('hreflang')
  })

  it.each([
    ['an unknown locale', ['en', 'pt'], undefined, 'SITES.auth.example.com.LOCALES'],
    ['an empty list', '', 'xx', 'SITES.auth.example.com.DEFAULT_LOCALE'],
    ['a default the site does not offer', ['en', 'de'], 'ja', 'SITES.auth.example.com.DEFAULT_LOCALE'],
  ])('refuses %s, naming the key', async (_name, locales, defaultLocale, key) => {
    const res = await new Browser({ fetcher: site(locales, defaultLocale), origin: 'https://auth.example.com' }).get('/')
    expect(res.status).toBe(500)
    expect(await res.text()).toContain(key)
  })
})

describe('a whole reset in another language', () => {
  it('German: every page of the flow in German, the address kept left to right', async () => {
    const user = await newUser()
    const browser = new Browser()
    const de = { 'accept-language': 'de-DE,de;q=0.9' }
    const form = await browser.get('/account/forgot-password', de)
    const sent = await browser.post('/account/forgot-password', { email: user.email, csrf_token: /name="csrf_token" value="([^"]+)"/.exec(await form.text())?.[1] ?? '' }, de)
    expect(h1(await sent.text())).toBe('Prüfen Sie Ihr Postfach')
    const { link } = await recoveryEmail(user.email)
    const confirm = await browser.get(link, de)
    const confirmHtml = await confirm.text()
    expect(confirmHtml).toContain('Weiter zur Wahl eines neuen Passworts')
    const token = /name="token_hash" value="([^"]+)"/.exec(confirmHtml)?.[1] ?? ''
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(confirmHtml)?.[1] ?? ''
    const confirmed = await browser.post('/auth/confirm', { csrf_token: csrf, token_hash: token, type: 'recovery' }, de)
    const update = await browser.get(confirmed.headers.get('location') ?? '', de)
    const updateHtml = await update.text()
    const account = /name="account_id" value="([^"]+)"/.exec(updateHtml)?.[1] ?? ''
    expect(h1(updateHtml)).toBe('Neues Passwort wählen')
    expect(updateHtml).toContain(`<strong class="address">${user.email}</strong>`)
    expect(updateHtml).toContain('Mindestens 8 Zeichen.')
    const short = await browser.post('/account/update-password', { csrf_token: csrf, account_id: account, password: 'kurz', password_confirm: 'kurz' }, de)
    expect(short.status).toBe(400)
    expect(await short.text()).toContain('Verwenden Sie mindestens 8 Zeichen.')
    const done = await browser.post('/account/update-password', { csrf_token: csrf, account_id: account, password: 'ein neues langes Passwort', password_confirm: 'ein neues langes Passwort' }, de)
    expect(h1(await done.text())).toBe('Ihr Passwort wurde geändert')
    expect((await signInWith(user.email, 'ein neues langes Passwort')).error).toBeNull()
  })

  it('an emailed link carrying lang (a localised template) opens the confirm page in that language, and remembers it', async () => {
    const user = await newUser()
    const browser = new Browser()
    const form = await (await browser.get('/account/forgot-password')).text()
    await browser.post('/account/forgot-password', { email: user.email, csrf_token: /name="csrf_token" value="([^"]+)"/.exec(form)?.[1] ?? '' })
    const { link } = await recoveryEmail(user.email)
    const page = await browser.get(`${link}&lang=ar`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(htmlTag(html)).toBe('<html lang="ar" dir="rtl">')
    expect(html).toContain('متابعة لاختيار كلمة مرور جديدة')
    expect(browser.jar.get('auth-lang')).toBe('ar')
  })

  it('Arabic: right to left, numbers in Latin digits, the address isolated', async () => {
    const browser = new Browser()
    const ar = { 'accept-language': 'ar' }
    const page = await browser.post('/account/verify-code', { csrf_token: 'x' }, ar)
    expect(page.status).toBe(403) // no CSRF cookie yet: the refusal, in Arabic
    expect(htmlTag(await page.text())).toBe('<html lang="ar" dir="rtl">')
    const form = await (await browser.get('/account/verify-code', ar)).text()
    expect(form).toContain('الرمز المكوّن من 6 أرقام')
    expect(form).toMatch(/<input[^>]*type="email"[^>]*dir="ltr"/)
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(form)?.[1] ?? ''
    const wrong = await browser.post('/account/verify-code', { csrf_token: csrf, email: 'nobody@example.com', code: '000000' }, ar)
    expect(await wrong.text()).toContain('لم يعمل هذا الرمز')
  })
})

describe('the site name', () => {
  it('defaults to "Your account" in the page’s language; a configured APP_NAME is a name and stays as it is', async () => {
    const german = await (await new Browser().get('/account/forgot-password', { 'accept-language': 'de' })).text()
    expect(german).toContain('<span translate="no">Ihr Konto</span>')
    const english = await (await new Browser().get('/account/forgot-password')).text()
    expect(english).toContain('<span translate="no">Your account</span>')
    const named = await (await new Browser({ fetcher: withBindings({ APP_NAME: 'Acme' }) }).get('/account/forgot-password', { 'accept-language': 'de' })).text()
    expect(named).toContain('<span translate="no">Acme</span>')
    expect(named).toContain('· Acme</title>')
  })
})
