/**
 * readHeldAccount reads a cookie anyone can write: whatever the cookie holds, it never throws, and any
 * account it names can be carried on (a user id the switch cookie accepts, an address a cookie can
 * hold). A session with its user and the same session written tokens-only name the same account.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readHeldAccount } from '../src/lib/held-account'

const KEY = 'sb-127-auth-token'

/** base64url without padding, of UTF-8 text, as @supabase/ssr writes it. */
function base64url(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const jwt = (payload: unknown) => `${base64url('{"alg":"ES256"}')}.${base64url(JSON.stringify(payload))}.c2ln`

/** Any UTF-16 text, lone surrogates included. */
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 40 })
const anyValue = fc.oneof(anyText, fc.integer(), fc.constant(null), fc.boolean(), fc.uuid())
const anySession = fc.record(
  {
    access_token: fc.oneof(anyText, fc.record({ sub: anyValue, email: anyValue }).map(jwt)),
    user: fc.oneof(fc.constant(null), fc.record({ id: anyValue, email: anyValue })),
  },
  { requiredKeys: [] },
)
const asCookie = (session: unknown, encoded: boolean) =>
  new Map([[KEY, encoded ? `base64-${base64url(JSON.stringify(session))}` : JSON.stringify(session)]])

describe('readHeldAccount', () => {
  it('never throws, and names only accounts a cookie can carry', () => {
    fc.assert(
      fc.property(anySession, fc.boolean(), (session, encoded) => {
        const held = readHeldAccount(asCookie(session, encoded), KEY)
        if (!held) return
        expect(held.userId).toMatch(/^[0-9a-f-]{16,64}$/)
        expect(() => encodeURIComponent(`${held.userId}|${held.email ?? ''}`)).not.toThrow()
      }),
      { numRuns: 1000 },
    )
  })

  it('reads the same account from a session with its user and from the same session tokens-only', () => {
    const address = fc.emailAddress()
    fc.assert(
      fc.property(fc.uuid(), address, fc.boolean(), (id, email, encoded) => {
        const withUser = readHeldAccount(asCookie({ access_token: jwt({ sub: id, email }), user: { id, email } }, encoded), KEY)
        const tokensOnly = readHeldAccount(asCookie({ access_token: jwt({ sub: id, email }) }, encoded), KEY)
        expect(withUser).toEqual({ userId: id.toLowerCase(), email })
        expect(tokensOnly).toEqual(withUser)
      }),
    )
  })
})
