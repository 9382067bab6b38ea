/**
 * The other shipped templates (signup, magic link, invite, email change) also go through
 * /auth/confirm: each link, rendered by the stand-in from templates/, confirms and lands where it should.
 */
import { describe, expect, it } from 'vitest'
import { extractLinks } from '../local-auth/client'
import { Browser } from './browser'
import { control, newUser, openLinkAndConfirm } from './flow'

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

  // The app's own redirect (signUp's emailRedirectTo, signInWithOtp's, updateUser's), which Supabase
  // checked against its redirect URLs, reaches the email as {{ .RedirectTo }} and the Worker checks it
  // again; without one it is Supabase's Site URL, here this Worker, which means SITE_URL.
  it.each([
    ['signup', 'https://app.example.com/welcome?tab=new', 'https://app.example.com/welcome?tab=new'],
    ['magiclink', 'https://app.example.com/dashboard', 'https://app.example.com/dashboard'],
    ['email_change', 'https://www.example.com/settings', 'https://www.example.com/settings'],
    ['magiclink', 'https://auth.example.com', 'https://www.example.com/'],
    ['signup', 'https://evil.example/phish', 'https://www.example.com/'],
  ] as const)('%s email with the app’s redirect %s lands on %s', async (kind, redirectTo, landing) => {
    const user = await newUser()
    const minted = await control().mintToken({
      email: user.email,
      type: kind,
      redirect_to: redirectTo,
      ...(kind === 'email_change' ? { new_email: `new-${user.email}` } : {}),
    })
    const link = extractLinks((await control().message(minted.message_id)).HTML).find((href) => href.includes('/auth/confirm'))
    expect(new URL(link ?? '').searchParams.get('next')).toBe(redirectTo)
    const browser = new Browser()
    const res = await openLinkAndConfirm(browser, link ?? '')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(landing)
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
