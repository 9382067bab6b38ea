/**
 * lib/server-auth.ts builds only the auth part of @supabase/ssr's createServerClient. Differential
 * test against the library itself: both clients, on the same cookies and the same answers from a
 * recording fetch, must send the same requests to Supabase Auth (URL, method, headers, body shape)
 * and hand setAll the same cookies, for the calls this Worker makes.
 */
import { createServerClient, type CookieMethodsServer } from '@supabase/ssr'
import { describe, expect, it } from 'vitest'
import { createServerAuth } from '../src/lib/server-auth'

const URL_ = 'https://abcd1234.supabase.co'
const KEY = 'sb_publishable_0123456789abcdefghij'
const cookieOptions = { path: '/', sameSite: 'lax' as const, secure: true }

interface Recorded {
  readonly requests: { url: string; method: string; headers: Record<string, string>; body: unknown }[]
  readonly setAll: { name: string; value: string; options: unknown }[][]
}

/** A fixed session answer (expires_at given, so nothing depends on the clock). */
const SESSION = {
  access_token: 'header.payload.signature',
  token_type: 'bearer',
  expires_in: 3600,
  expires_at: 4102444800,
  refresh_token: 'refresh-1',
  user: { id: '8d0f6b5e-8c1e-4a43-9f0e-2f4a1b7c9d10', email: 'jane@example.com', aud: 'authenticated', app_metadata: {}, user_metadata: {}, created_at: '2026-01-01T00:00:00Z' },
}

function recorder(answer: (url: string) => unknown): { record: Recorded; fetch: typeof fetch; cookies: (header: string) => CookieMethodsServer } {
  const record: Recorded = { requests: [], setAll: [] }
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const headers = Object.fromEntries(new Headers(init?.headers).entries())
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : init?.body
    record.requests.push({ url, method: init?.method ?? 'GET', headers, body })
    return Response.json(answer(url))
  }
  const cookies = (header: string): CookieMethodsServer => ({
    getAll: () => header.split('; ').filter(Boolean).map((pair) => ({ name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1) })),
    setAll: (list) => void record.setAll.push(list.map(({ name, value, options }) => ({ name, value, options }))),
  })
  return { record, fetch, cookies }
}

/**
 * Random parts (PKCE verifier cookies, the code challenge, auth-js's 32-hex flow ids in cookie names
 * and URLs) replaced by markers; everything else as is.
 */
function shaped(raw: Recorded): Recorded {
  const record = JSON.parse(JSON.stringify(raw).replace(/[0-9a-f]{32}/g, '<flow id>')) as Recorded
  const isRandomCookie = (name: string) => name.includes('code-verifier') || name.includes('-flows')
  return {
    requests: record.requests.map((r) => {
      const body = r.body as Record<string, unknown> | undefined
      return { ...r, body: body && typeof body === 'object' && 'code_challenge' in body ? { ...body, code_challenge: typeof body.code_challenge } : body }
    }),
    setAll: record.setAll.map((list) => list.map((cookie) => (isRandomCookie(cookie.name) && cookie.value ? { ...cookie, value: `<${cookie.value.length} chars>` } : cookie))),
  }
}

async function both(header: string, answer: (url: string) => unknown, run: (auth: ReturnType<typeof createServerAuth>['auth']) => Promise<unknown>) {
  const a = recorder(answer)
  const b = recorder(answer)
  const library = createServerClient(URL_, KEY, { cookieOptions, cookies: a.cookies(header), global: { fetch: a.fetch } })
  const ours = createServerAuth(URL_, KEY, { cookieOptions, cookies: b.cookies(header), fetch: b.fetch })
  const results = [await run(library.auth as unknown as ReturnType<typeof createServerAuth>['auth']), await run(ours.auth)]
  return { library: shaped(a.record), ours: shaped(b.record), results }
}

describe('createServerAuth, against createServerClient', () => {
  it('asks for a reset email the same way (PKCE verifier cookie, request, headers)', async () => {
    const { library, ours } = await both('', () => ({}), (auth) => auth.resetPasswordForEmail('jane@example.com', { redirectTo: 'https://auth.example.com/auth/confirm' }))
    expect(library.requests).toHaveLength(1)
    expect(library.setAll.length).toBeGreaterThan(0)
    expect(ours).toEqual(library)
  })

  it('verifies a link and writes the same session cookies', async () => {
    const answer = (url: string) => (url.endsWith('/verify') ? SESSION : {})
    const { library, ours, results } = await both('', answer, (auth) => auth.verifyOtp({ type: 'recovery', token_hash: 'pkce_abc' }))
    expect(library.setAll.flat().map((c) => c.name)).toContain('sb-abcd1234-auth-token')
    expect(ours).toEqual(library)
    expect(results[1]).toEqual(results[0])
  })

  it('reads the session from the same cookies and updates the password the same way', async () => {
    const cookie = `sb-abcd1234-auth-token=base64-${btoa(JSON.stringify(SESSION)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`
    const answer = (url: string) => (url.endsWith('/user') ? SESSION.user : {})
    const { library, ours, results } = await both(cookie, answer, (auth) => auth.updateUser({ password: 'a new password' }))
    expect(library.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`PUT ${URL_}/auth/v1/user`])
    expect(ours).toEqual(library)
    expect(results[1]).toEqual(results[0])
  })
})
