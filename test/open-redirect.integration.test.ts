/**
 * The open redirect the outside security test found, through every route that builds a target:
 * `next=https://auth.example.com//evil.example/phish` (our own origin, a path with two slashes) came out
 * as `Location: //evil.example/phish`. Each place is checked with that payload, and the second-click
 * route (which needs no token per request) with generated hostile values against the browser oracle.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Browser } from './browser'
import { withBindings } from './deployment'
import { codeLinkFor, newUser, openLinkAndConfirm, recoveryEmail, requestRecovery } from './flow'
import { anyNext, SEED, violation } from './redirect-oracle'

const PAYLOADS = [
  'https://auth.example.com//evil.example/phish',
  'https://auth.example.com///evil.example',
  'https://auth.example.com/\\evil.example',
  '//evil.example/phish',
  '/\\evil.example',
]

/** A browser that confirmed a fresh recovery link, and that link. */
async function confirmedBrowser(bindings?: Record<string, unknown>) {
  const user = await newUser()
  const browser = new Browser(bindings ? { fetcher: withBindings(bindings) } : {})
  await requestRecovery(browser, user.email)
  const { link } = await recoveryEmail(user.email)
  const confirmed = await openLinkAndConfirm(browser, link)
  expect(confirmed.headers.get('location')).toBe('/account/update-password')
  return { browser, link, user }
}

function withNext(link: string, next: string): string {
  const url = new URL(link)
  url.searchParams.set('next', next)
  return url.href
}

describe('no open redirect through next', () => {
  it.each(PAYLOADS)('the button press (recovery) with next=%s goes to the form only', async (payload) => {
    const user = await newUser()
    const browser = new Browser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    const res = await openLinkAndConfirm(browser, withNext(link, payload))
    expect(res.headers.get('location')).toBe('/account/update-password')
  })

  it.each([
    ['with ALLOWED_REDIRECT_ORIGINS', {}],
    ['without ALLOWED_REDIRECT_ORIGINS', { ALLOWED_REDIRECT_ORIGINS: '' }],
  ])('the second click, GET and POST, %s', async (_name, bindings) => {
    const { browser, link } = await confirmedBrowser(bindings)
    for (const payload of PAYLOADS) {
      const again = await browser.get(withNext(link, payload))
      expect(again.status).toBe(303)
      expect(again.headers.get('location')).toBe('/account/update-password')
      const url = new URL(link)
      const post = await browser.post('/auth/confirm', {
        csrf_token: browser.jar.get('__Host-auth-csrf') ?? '',
        token_hash: url.searchParams.get('token_hash') ?? '',
        type: 'recovery',
        next: payload,
      })
      expect(post.headers.get('location')).toBe('/account/update-password')
    }
  })

  it('the ?code= path', async () => {
    const user = await newUser()
    const browser = new Browser()
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    const location = new URL(await codeLinkFor(link, 'https://auth.example.com/auth/confirm'))
    location.searchParams.set('next', PAYLOADS[0] ?? '')
    const res = await browser.get(location.href)
    expect(res.headers.get('location')).toBe('/account/update-password')
    // And its reload (the second-click path of codes).
    location.searchParams.set('next', 'https://evil.example/')
    expect((await browser.get(location.href)).headers.get('location')).toBe('/account/update-password')
  })

  it.each(PAYLOADS)('the "Continue" link after the password change, next=%s', async (payload) => {
    const { browser } = await confirmedBrowser()
    const form = await browser.get(`/account/update-password?next=${encodeURIComponent(payload)}`)
    const done = await browser.submit(await form.text(), { password: 'a-new-password-123', password_confirm: 'a-new-password-123' })
    expect(done.status).toBe(200)
    expect(await done.text()).toContain('<a class="button" href="https://www.example.com/">Continue</a>')
  })
})

describe('every redirect the second click builds, for generated hostile next values', () => {
  it('lands on this origin or an allowed one, with no tokens (300 values, GET and POST)', async () => {
    // No edge limit here: this test is about targets, and sends a few hundred confirmations.
    const { browser, link } = await confirmedBrowser({ CONFIRM_IP_LIMITER: undefined })
    const tokenHash = new URL(link).searchParams.get('token_hash') ?? ''
    for (const raw of fc.sample(anyNext, { numRuns: 300, seed: SEED })) {
      const url = new URL(link)
      url.search = ''
      const query = `token_hash=${tokenHash}&type=magiclink&next=${encodeURIComponent(raw)}`
      for (const res of [
        await browser.get(`${url.href}?${query}`),
        await browser.post('/auth/confirm', { csrf_token: browser.jar.get('__Host-auth-csrf') ?? '', token_hash: tokenHash, type: 'magiclink', next: raw }),
      ]) {
        const location = res.headers.get('location')
        // A refused or odd `next` may still show the interstitial (GET), never a redirect elsewhere.
        if (location === null) continue
        expect(violation(location), `next=${JSON.stringify(raw)} → ${location}`).toBeUndefined()
      }
    }
  })
})
