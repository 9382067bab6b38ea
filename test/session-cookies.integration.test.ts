/**
 * The session cookies @supabase/ssr writes through our setAll: attributes, the no-cache headers it
 * hands us, COOKIE_DOMAIN for sharing with the main site, and chunking of large sessions.
 */
import { describe, expect, it } from 'vitest'
import { Browser, parseSetCookie } from './browser'
import { withBindings } from './deployment'
import { newUser, openLinkAndConfirm, recoveryEmail, requestRecovery, submitNewPassword } from './flow'

async function confirmRecovery(browser: Browser, metadata?: Record<string, unknown>) {
  const user = await newUser(metadata ? { user_metadata: metadata } : {})
  await requestRecovery(browser, user.email)
  const { link } = await recoveryEmail(user.email)
  return { user, confirmed: await openLinkAndConfirm(browser, link) }
}

describe('session cookies', () => {
  it('are set with the attributes the main site needs, plus no-cache headers from setAll', async () => {
    const { confirmed } = await confirmRecovery(new Browser())
    const cookie = confirmed.headers.getSetCookie().map(parseSetCookie).find((c) => c.name === 'sb-127-auth-token')
    expect(cookie).toBeDefined()
    expect(cookie?.attributes).toMatchObject({ path: '/', samesite: 'Lax', secure: true, 'max-age': '34560000' })
    expect(cookie?.attributes.domain).toBeUndefined()
    expect(cookie?.attributes.httponly).toBeUndefined() // the main site's browser client must read it
    // @supabase/ssr's own cache headers reach the response.
    expect(confirmed.headers.get('cache-control')).toBe('private, no-cache, no-store, must-revalidate, max-age=0')
    expect(confirmed.headers.get('expires')).toBe('0')
    expect(confirmed.headers.get('pragma')).toBe('no-cache')
  })

  it('carry COOKIE_DOMAIN so the session reaches sibling subdomains', async () => {
    const browser = new Browser({ fetcher: withBindings({ COOKIE_DOMAIN: '.example.com' }) })
    const { confirmed } = await confirmRecovery(browser)
    const cookie = confirmed.headers.getSetCookie().map(parseSetCookie).find((c) => c.name === 'sb-127-auth-token')
    expect(cookie?.attributes.domain).toBe('.example.com')
    expect(confirmed.headers.get('location')).toBe('/account/update-password')
  })

  it('are chunked for a large session, and the chunks are read back', async () => {
    const browser = new Browser()
    const { confirmed } = await confirmRecovery(browser, { bio: 'x'.repeat(5000) })
    const names = confirmed.headers.getSetCookie().map((line) => parseSetCookie(line).name)
    expect(names).toContain('sb-127-auth-token.0')
    expect(names).toContain('sb-127-auth-token.1')
    // The update page reads the chunks back into one session, and the password change works.
    expect((await browser.follow(confirmed)).status).toBe(200)
    expect((await submitNewPassword(browser, 'chunky new password')).status).toBe(200)
  })

  it('are read exactly as @supabase/ssr reads them: a value encoded twice is decoded once, and is no session', async () => {
    const browser = new Browser()
    await confirmRecovery(browser)
    const sent = browser.jar.get('sb-127-auth-token')
    expect(sent?.startsWith('base64-')).toBe(true)
    // The same cookie read as sent: the new-password form.
    const once = new Browser()
    once.jar.set('sb-127-auth-token', sent!)
    expect((await once.get('/account/update-password')).status).toBe(200)
    // Encoded once more: ssr's one decode leaves `base64-…`, which is not a session.
    const twice = new Browser()
    twice.jar.set('sb-127-auth-token', `base64-${btoa(sent!).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`)
    const res = await twice.get('/account/update-password')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/forgot-password?reason=session_missing')
  })

  it('are never set on a response that could be cached', async () => {
    const { confirmed } = await confirmRecovery(new Browser())
    expect(confirmed.headers.getSetCookie().length).toBeGreaterThan(0)
    expect(confirmed.headers.get('cache-control')).toMatch(/no-store/)
    expect(confirmed.headers.get('vary')).toMatch(/Cookie/)
  })
})

describe('CONFIRM_MODE=direct', () => {
  it('verifies on GET, like Supabase examples, but never on HEAD', async () => {
    const fetcher = withBindings({ CONFIRM_MODE: 'direct' })
    const user = await newUser()
    await requestRecovery(new Browser({ fetcher }), user.email)
    const { link } = await recoveryEmail(user.email)
    // A scanner's HEAD leaves the token alone.
    const head = await new Browser({ fetcher }).request(link, { method: 'HEAD' })
    expect(head.status).toBe(200)
    const res = await new Browser({ fetcher }).get(link)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/account/update-password')
  })
})
