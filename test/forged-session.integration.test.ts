/**
 * Forged session cookies are no session: a `sb-<ref>-auth-token` whose access token claims a fresh
 * recovery session but is signed with `alg: none`, an algorithm that does not match the project's key,
 * an unknown key id, or garbage, must never reach the new-password form, and never a 500
 * (supabase-js throws on some of these instead of returning an error). The outside security test found
 * `alg: none` and RS256/PS256-with-the-EC-kid answered 500 on GET /account/update-password.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { stringToBase64URL } from '@supabase/ssr'
import { sha256 } from '../src/lib/crypto'
import { Browser } from './browser'
import { withBindings } from './deployment'
import { captureLogs, control, newUser } from './flow'

const b64 = (value: unknown) => stringToBase64URL(typeof value === 'string' ? value : JSON.stringify(value))

let projectKid = ''
beforeAll(async () => {
  const jwks = (await (await fetch(`${inject('authUrl')}/auth/v1/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }
  projectKid = jwks.keys[0]?.kid ?? ''
  expect(projectKid).not.toBe('')
})

/** Claims of a fresh recovery session for `email`: what an attacker would want the Worker to accept. */
function recoveryClaims(email: string) {
  const now = Math.floor(Date.now() / 1000)
  return {
    sub: '0b1c9e5e-4a3a-4e7e-9d1f-1f6f2a3b4c5d',
    email,
    session_id: '5a0c7c1e-2b3d-4f5a-8b6c-7d8e9f0a1b2c',
    role: 'authenticated',
    aud: 'authenticated',
    iat: now,
    exp: now + 3600,
    amr: [{ method: 'recovery', timestamp: now }],
  }
}

function forgedTokens(email: string): [string, string][] {
  const claims = recoveryClaims(email)
  const sig = b64('not-a-signature')
  return [
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
    ['alg none with the project kid', `${b64({ alg: 'none', kid: projectKid, typ: 'JWT' })}.${b64(claims)}.${sig}`],
    ['RS256 with the project EC kid', `${b64({ alg: 'RS256', kid: projectKid, typ: 'JWT' })}.${b64(claims)}.${sig}`],
    ['PS256 with the project EC kid', `${b64({ alg: 'PS256', kid: projectKid, typ: 'JWT' })}.${b64(claims)}.${sig}`],
    ['EdDSA with the project EC kid', `${b64({ alg: 'EdDSA', kid: projectKid, typ: 'JWT' })}.${b64(claims)}.${sig}`],
    ['ES256 with the right kid, wrong signature', `${b64({ alg: 'ES256', kid: projectKid, typ: 'JWT' })}.${b64(claims)}.${sig}`],
    ['ES256 with an unknown kid', `${b64({ alg: 'ES256', kid: 'not-a-kid', typ: 'JWT' })}.${b64(claims)}.${sig}`],
    ['HS256 with a guessed secret', `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.${sig}`],
    ['an unknown alg', `${b64({ alg: 'XX999', kid: projectKid })}.${b64(claims)}.${sig}`],
    ['a header that is not JSON', `${b64('{{{')}.${b64(claims)}.${sig}`],
    ['a payload that is not JSON', `${b64({ alg: 'ES256', kid: projectKid })}.${b64('}}}')}.${sig}`],
    ['garbage segments', '@@@.###.$$$'],
    ['two segments', `${b64({ alg: 'none' })}.${b64(claims)}`],
    ['an array header', `${b64([1, 2])}.${b64(claims)}.${sig}`],
    ['an oversized token (several cookie chunks)', `${b64({ alg: 'ES256', kid: projectKid })}.${b64({ ...claims, pad: 'p'.repeat(9000) })}.${sig}`],
  ]
}

/** The session cookie(s) @supabase/ssr would read: one value, or `.0`/`.1` chunks when large. */
function sessionCookie(accessToken: string, email: string, chunked = false): string {
  const claims = recoveryClaims(email)
  const session = {
    access_token: accessToken,
    refresh_token: 'forged-refresh-token',
    token_type: 'bearer',
    expires_in: 3600,
    expires_at: claims.exp,
    user: { id: claims.sub, email, aud: 'authenticated', role: 'authenticated', app_metadata: {}, user_metadata: {} },
  }
  const value = `base64-${b64(session)}`
  if (!chunked) return `sb-127-auth-token=${value}`
  const half = Math.ceil(value.length / 2)
  return `sb-127-auth-token.0=${value.slice(0, half)}; sb-127-auth-token.1=${value.slice(half)}`
}

function assertNoSession(res: Response, html: string, name: string) {
  expect(res.status, `${name}: status`).toBeLessThan(500)
  expect(html, name).not.toContain('Choose a new password')
  expect(html, name).not.toMatch(/TypeError|Error:|\bat [\w.]+ \(/)
}

describe('forged session cookies are no session', () => {
  it('never reach the new-password form, never a 5xx (GET and POST /account/update-password)', async () => {
    const { lines } = await captureLogs(async () => {
      for (const [name, token] of forgedTokens('victim@example.com')) {
        for (const chunked of [false, true]) {
          const browser = new Browser()
          const cookie = sessionCookie(token, 'victim@example.com', chunked)
          const page = await browser.get('/account/update-password', { cookie })
          assertNoSession(page, await page.text(), name)
          expect(page.status, name).toBe(303)
          expect(page.headers.get('location'), name).toMatch(/^\/account\/forgot-password\?reason=(session_missing|recovery_required|recovery_expired)$/)
          // Where it sends them starts with no address: a forged session's email is nobody's to show.
          for (const reason of ['recovery_required', 'recovery_expired']) {
            const forgot = await browser.get(`/account/forgot-password?reason=${reason}`, { cookie })
            const html = await forgot.text()
            assertNoSession(forgot, html, `${name} (forgot, ${reason})`)
            expect(html, name).not.toContain('victim@example.com')
          }

          await browser.get('/account/forgot-password')
          const post = await browser.request('/account/update-password', {
            method: 'POST',
            body: new URLSearchParams({ csrf_token: browser.jar.get('__Host-auth-csrf') ?? '', password: 'new-password-1', password_confirm: 'new-password-1' }).toString(),
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              origin: browser.origin,
              'sec-fetch-site': 'same-origin',
              cookie: `${cookie}; __Host-auth-csrf=${browser.jar.get('__Host-auth-csrf') ?? ''}`,
            },
          })
          assertNoSession(post, await post.text(), `${name} (POST)`)
          expect(post.status, name).toBe(303)
        }
      }
    })
    // A fixed reason is logged; the forged token itself never is.
    expect(lines.some((line) => line.includes('"session_invalid"'))).toBe(true)
    expect(lines.join('\n')).not.toContain(b64({ alg: 'none', typ: 'JWT' }))
  })

  it('do not make a second click on a confirmed link continue, and never 5xx', async () => {
    const tokenHash = 'pkce_' + 'a'.repeat(56)
    const remembered = await sha256(tokenHash)
    for (const [name, token] of forgedTokens('victim@example.com')) {
      const cookie = `${sessionCookie(token, 'victim@example.com')}; __Host-auth-confirmed-link=${remembered}`
      const res = await new Browser().get(`/auth/confirm?token_hash=${tokenHash}&type=recovery`, { cookie })
      expect(res.status, name).toBe(200) // the interstitial: nothing continued
      assertNoSession(res, await res.text(), name)
    }
  })

  it('are harmless on the other pages that read a session', async () => {
    for (const [name, token] of forgedTokens('victim@example.com')) {
      const browser = new Browser()
      const cookie = sessionCookie(token, 'victim@example.com')
      const signedIn = await browser.get('/account/signed-in?next=/account/forgot-password', { cookie })
      expect(signedIn.status, name).toBe(303)
      expect(signedIn.headers.get('location'), name).toBe('/account/forgot-password')
      await browser.get('/account/forgot-password')
      const signOut = await browser.request('/account/sign-out', {
        method: 'POST',
        body: new URLSearchParams({ csrf_token: browser.jar.get('__Host-auth-csrf') ?? '' }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: browser.origin,
          'sec-fetch-site': 'same-origin',
          cookie: `${cookie}; __Host-auth-csrf=${browser.jar.get('__Host-auth-csrf') ?? ''}`,
        },
      })
      expect(signOut.status, name).toBe(200)
      expect(await signOut.text(), name).toContain('You are signed out')
      // The forged cookie is cleared either way.
      expect(signOut.headers.getSetCookie().some((c) => /^sb-127-auth-token=;/.test(c)), name).toBe(true)
    }
  })

  it('each leave a session_invalid line with the request id, and nothing of the token', async () => {
    const unnoted: string[] = []
    for (const [name, token] of forgedTokens('victim@example.com')) {
      const { lines } = await captureLogs(() => new Browser().get('/account/signed-in', { cookie: sessionCookie(token, 'victim@example.com') }))
      const noted = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'session_invalid')
      if (!noted || typeof noted.id !== 'string' || noted.id === '') unnoted.push(name)
      expect(lines.join('\n'), name).not.toContain(token.split('.')[1] ?? token)
    }
    expect(unnoted).toEqual([])
    // No cookie, or a session that has ended (expired, and its refresh token unknown to Supabase), is
    // no warning: the line stays a signal. (The refresh token is well-formed: 12 of [a-z0-9], else Supabase's
    // own format check refuses it as malformed, which is a forgery.)
    const ended = `base64-${b64({ access_token: 'expired', refresh_token: 'endedsession', token_type: 'bearer', expires_in: 3600, expires_at: Math.floor(Date.now() / 1000) - 60, user: { id: recoveryClaims('x').sub } })}`
    for (const cookie of [undefined, `sb-127-auth-token=${ended}`]) {
      const { result, lines } = await captureLogs(() => new Browser().get('/account/update-password', cookie ? { cookie } : {}))
      expect(result.headers.get('location')).toBe('/account/forgot-password?reason=session_missing')
      expect(lines.join('\n'), cookie ?? 'no cookie').not.toContain('session_invalid')
    }
  })

  it('do not overwrite a reason already noted: a refused next stays the line’s reason, with session_invalid as its own line', async () => {
    const [, token] = forgedTokens('victim@example.com')[0] ?? []
    const { result, lines } = await captureLogs(() =>
      new Browser().get(`/account/signed-in?next=${encodeURIComponent('https://evil.example')}`, { cookie: sessionCookie(token ?? '', 'victim@example.com') }),
    )
    expect(result.status).toBe(303)
    expect(result.headers.get('location')).toBe('https://www.example.com/')
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(parsed.filter((line) => line.msg === 'session_invalid')).toHaveLength(1)
    expect(parsed.find((line) => line.msg === 'request')).toMatchObject({ route: '/account/signed-in', status: 303, reason: 'next_refused_origin_not_allowed' })
  })

  it('do not stop a real link from being confirmed in that browser', async () => {
    const user = await newUser()
    const browser = new Browser()
    const [, token] = forgedTokens(user.email)[0] ?? []
    await browser.get('/account/forgot-password')
    for (const part of sessionCookie(token ?? '', user.email).split('; ')) {
      const [key = '', ...rest] = part.split('=')
      browser.jar.set(key, rest.join('='))
    }
    const { requestRecovery, recoveryEmail, openLinkAndConfirm } = await import('./flow')
    await requestRecovery(browser, user.email)
    const { link } = await recoveryEmail(user.email)
    const confirmed = await openLinkAndConfirm(browser, link)
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toMatch(/^\/account\/update-password/)
    expect((await browser.follow(confirmed)).status).toBe(200)
  })
})

describe('made-up key ids', () => {
  it('cost at most one call to Supabase a minute, however many requests name them', async () => {
    // The project's set is in this isolate's cache (fetched by the tests above, or by the first request here).
    const { lines } = await captureLogs(async () => {
      for (let i = 0; i < 6; i++) {
        const token = `${b64({ alg: 'ES256', kid: `made-up-${i}-${Math.random()}`, typ: 'JWT' })}.${b64(recoveryClaims('victim@example.com'))}.${b64('sig')}`
        const page = await new Browser().get('/account/update-password', { cookie: sessionCookie(token, 'victim@example.com') })
        expect(page.status).toBe(303)
        expect(page.headers.get('location')).toBe('/account/forgot-password?reason=session_missing')
      }
    })
    const calls = lines
      .map((line) => JSON.parse(line) as { msg: string; upstream_calls?: number })
      .filter((line) => line.msg === 'request')
      .reduce((sum, line) => sum + (line.upstream_calls ?? 0), 0)
    expect(calls).toBeLessThanOrEqual(1)
  })
})

describe('a session whose signing key must be fetched while Supabase is down', () => {
  // After Supabase rotates its signing key, sessions carry a kid this isolate has not cached; reading
  // one fetches the JWKS. If that fetch fails, the honest answer is "trouble", not "ask for a new link".
  // The project is reached through the test proxy: another SUPABASE_URL, so nothing is cached for it yet
  // (a set fetched in the last minute would answer a kid it lacks without fetching).
  const fetcher = withBindings({ SUPABASE_URL: inject('lossyAuthUrl') })
  it.each([
    ['answers 503', { status: 503, body: '<html>maintenance</html>' }],
    ['drops the connection', { drop: true }],
    // A read changes nothing at Supabase: even a lost body after a 200 is "trouble", never "could not tell".
    ['answers 200 with a body that cannot be read', { status: 200, body: 'malformed' }],
  ])('%s: the trouble page (502) on the new-password form, and nothing is claimed about the session', async (_name, fault) => {
    const token = `${b64({ alg: 'ES256', kid: `rotated-${Date.now()}`, typ: 'JWT' })}.${b64(recoveryClaims('victim@example.com'))}.${b64('sig')}`
    await control().injectFault({ path: '/auth/v1/.well-known/jwks.json', method: 'GET', times: 1, ...fault })
    try {
      const page = await new Browser({ fetcher }).get('/account/update-password', { cookie: sessionCookie(token, 'victim@example.com') })
      expect(page.status).toBe(502)
      expect(page.headers.get('location')).toBeNull()
      const html = await page.text()
      expect(html).toContain('The sign-in service is having trouble')
      expect(html).not.toContain('Choose a new password')
    } finally {
      await control().clearFaults()
    }
  })
})
