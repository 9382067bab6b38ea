/**
 * The other shipped templates (signup, magic link, invite, email change) also go through
 * /auth/confirm: each link, rendered by the stand-in from templates/, confirms and lands where it should.
 */
import { describe, expect, inject, it } from 'vitest'
import { extractLinks } from '../local-auth/client'
import { Browser } from './browser'
import { captureLogs, confirmCurrentAddress, control, management, newUser, openLinkAndConfirm } from './flow'

const projectConfig = () => management('GET')
const setTemplate = (name: string, content: string | null) => management('PATCH', { [`mailer_templates_${name}_content`]: content })

describe('every shipped template links to a working /auth/confirm', () => {
  it.each([
    ['signup', 'email', 'https://www.example.com/'],
    ['magiclink', 'magiclink', 'https://www.example.com/'],
    ['invite', 'invite', '/account/update-password'],
    ['email_change', 'email_change', 'https://www.example.com/'],
  ] as const)('%s email → type=%s → %s', async (kind, type, landing) => {
    const user = await newUser()
    const minted = await control().mintToken({
      email: user.email,
      type: kind,
      ...(kind === 'email_change' ? { new_email: `new-${user.email}` } : {}),
    })
    await confirmCurrentAddress(minted) // email_change: the other of its two links, so this one completes it
    const message = await control().message(minted.message_id)
    const link = extractLinks(message.HTML).find((href) => href.includes('/auth/confirm'))
    expect(link).toBeDefined()
    const url = new URL(link ?? '')
    expect(url.origin).toBe('https://auth.example.com')
    expect(url.searchParams.get('type')).toBe(type)
    expect(url.searchParams.get('token_hash')).toBe(minted.token_hash)

    const browser = new Browser()
    const opened = await browser.get(link ?? '')
    expect(opened.status).toBe(200) // the interstitial, for every type
    const res = await browser.submit(await opened.text())
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(landing)
    expect(res.headers.getSetCookie().some((c) => c.startsWith('sb-127-auth-token'))).toBe(true)
  })

  it.each([
    ['signup', ['Back to the site']],
    ['magiclink', ['Back to the site']],
    ['email_change', ['Back to the site']],
    ['invite', ['Send me a new link', 'I have a code from a newer email']],
  ] as const)('%s link used already: the error page offers %j, never a password reset for a link that was none', async (kind, offered) => {
    const user = await newUser()
    const minted = await control().mintToken({ email: user.email, type: kind, ...(kind === 'email_change' ? { new_email: `new-${user.email}` } : {}) })
    await confirmCurrentAddress(minted)
    const link = extractLinks((await control().message(minted.message_id)).HTML).find((href) => href.includes('/auth/confirm')) ?? ''
    expect((await openLinkAndConfirm(new Browser(), link)).status).toBe(303)
    // The same link again, from another browser (a second device, or the mail app's own browser).
    const other = new Browser()
    const refused = await openLinkAndConfirm(other, link)
    const page = await other.follow(refused)
    expect(page.status).toBe(410)
    const html = await page.text()
    expect(html).toContain('This link has expired or was already used')
    const list = /<ul class="actions">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? ''
    const actions = [...list.matchAll(/<a [^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => ({ href: m[1], label: m[2] }))
    expect(actions.map((a) => a.label)).toEqual([...offered])
    if (kind !== 'invite') expect(actions[0]?.href).toBe('https://www.example.com/')
  })

  it('email_change under secure email change: the first of the two links says to open the other one too, and signs no one in', async () => {
    const user = await newUser()
    const minted = await control().mintToken({ email: user.email, type: 'email_change', new_email: `new-${user.email}` })
    const link = extractLinks((await control().message(minted.message_id)).HTML).find((href) => href.includes('/auth/confirm')) ?? ''
    // The first of the two links opened (the stand-in answers as GoTrue: 200 with a message, no session;
    // supabase/auth internal/api/verify.go:294-299).
    const browser = new Browser()
    const opened = await browser.get(link)
    const { result: res, lines } = await captureLogs(async () => browser.submit(await opened.text()))
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>One of two links confirmed</h1>')
    expect(html).toContain('To finish changing your email address, also open the link we sent to your other address.')
    expect(html).toContain('<a class="button" href="https://www.example.com/">Continue</a>')
    expect(res.headers.getSetCookie().filter((c) => c.startsWith('sb-127-auth-token'))).toEqual([])
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.route === '/auth/confirm')
    expect(line).toMatchObject({ reason: 'confirmed_email_change_half', status: 200 })
    // The other link then completes the change and signs in.
    const other = extractLinks((await control().message(minted.current_message_id ?? '')).HTML).find((href) => href.includes('/auth/confirm')) ?? ''
    const done = await openLinkAndConfirm(new Browser(), other)
    expect(done.status).toBe(303)
    expect(done.headers.getSetCookie().some((c) => c.startsWith('sb-127-auth-token'))).toBe(true)
  })

  it('email_change through {{ .ConfirmationURL }} (PKCE): the first of two arrives as ?message=, and the page says to open the other link, not that the link is broken', async () => {
    const user = await newUser()
    const redirectTo = 'https://auth.example.com/auth/confirm?next=https://www.example.com/settings'
    const minted = await control().mintToken({ email: user.email, type: 'email_change', new_email: `new-${user.email}`, pkce: true, redirect_to: redirectTo })
    // Supabase's GET /verify, as the emailed {{ .ConfirmationURL }} opens it.
    const verify = new URL(`${inject('authUrl')}/auth/v1/verify`)
    verify.search = new URLSearchParams({ token: minted.token_hash, type: 'email_change', redirect_to: redirectTo }).toString()
    const location = (await fetch(verify, { redirect: 'manual' })).headers.get('location') ?? ''
    expect(new URL(location).searchParams.get('message')).toBe('Confirmation link accepted. Please proceed to confirm link sent to the other email')
    const browser = new Browser()
    const { result: res, lines } = await captureLogs(() => browser.get(location))
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>One of two links confirmed</h1>')
    expect(html).toContain('<a class="button" href="https://www.example.com/settings">Continue</a>')
    expect(res.headers.getSetCookie().filter((c) => c.startsWith('sb-127-auth-token'))).toEqual([])
    // Logged apart from a half Supabase answered this Worker: anyone can type this URL.
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.route === '/auth/confirm')).toMatchObject({ reason: 'email_change_half_redirect' })
    // A next that is not allowed goes where every refused next goes: the site.
    const refused = await browser.get(`/auth/confirm?${new URLSearchParams({ message: 'Confirmation link accepted. Please proceed to confirm link sent to the other email', next: 'https://evil.example/x' })}`)
    expect(await refused.text()).toContain('<a class="button" href="https://www.example.com/">Continue</a>')
    // Only Supabase's exact message counts; any other is still a link that carries nothing.
    const other = await browser.get('/auth/confirm?message=Password+changed&next=/settings')
    expect(other.status).toBe(303)
    expect(other.headers.get('location')).toContain('/auth/auth-code-error')
  })

  // The opt-in variant of these templates (README): `&next={{ .RedirectTo }}` on the link, for apps whose
  // emailRedirectTo is a page. Supabase checked it against its redirect URLs; the Worker checks it again,
  // and this Worker's own front page (Site URL, when the app asked for nothing) counts as no next.
  it.each([
    ['signup', 'confirmation', 'https://app.example.com/welcome?tab=new', 'https://app.example.com/welcome?tab=new'],
    ['magiclink', 'magic_link', 'https://app.example.com/dashboard', 'https://app.example.com/dashboard'],
    ['email_change', 'email_change', 'https://www.example.com/settings', 'https://www.example.com/settings'],
    ['magiclink', 'magic_link', 'https://auth.example.com', 'https://www.example.com/'],
    ['signup', 'confirmation', 'https://evil.example/phish', 'https://www.example.com/'],
  ] as const)('%s email (%s) with next={{ .RedirectTo }} and the app’s redirect %s lands on %s', async (kind, template, redirectTo, landing) => {
    const shipped = String((await projectConfig())[`mailer_templates_${template}_content`])
    const variant = shipped.replace(/(href="\{\{ \.SiteURL \}\}\/auth\/confirm\?token_hash=\{\{ \.TokenHash \}\}&type=[a-z_]+)"/, '$1&next={{ .RedirectTo }}"')
    expect(variant).not.toBe(shipped)
    await setTemplate(template, variant)
    try {
      const user = await newUser()
      const minted = await control().mintToken({
        email: user.email,
        type: kind,
        redirect_to: redirectTo,
        ...(kind === 'email_change' ? { new_email: `new-${user.email}` } : {}),
      })
      await confirmCurrentAddress(minted)
      const link = extractLinks((await control().message(minted.message_id)).HTML).find((href) => href.includes('/auth/confirm'))
      expect(new URL(link ?? '').searchParams.get('next')).toBe(redirectTo)
      const res = await openLinkAndConfirm(new Browser(), link ?? '')
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe(landing)
    } finally {
      await setTemplate(template, null)
    }
  })

  it('lets an invited person set their first password', async () => {
    const user = await newUser()
    const minted = await control().mintToken({ email: user.email, type: 'invite' })
    const link = extractLinks((await control().message(minted.message_id)).HTML).find((h) => h.includes('/auth/confirm'))
    const browser = new Browser()
    const form = await browser.follow(await openLinkAndConfirm(browser, link ?? ''))
    expect(await form.text()).toContain('Choose a new password')
  })
})
