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
    // Upper or lower case: the same account either way (the switch check compares lower-case ids).
    const anyCaseId = fc.tuple(fc.uuid(), fc.boolean()).map(([id, upper]) => (upper ? id.toUpperCase() : id))
    fc.assert(
      fc.property(anyCaseId, address, fc.boolean(), (id, email, encoded) => {
        const withUser = readHeldAccount(asCookie({ access_token: jwt({ sub: id, email }), user: { id, email } }, encoded), KEY)
        const tokensOnly = readHeldAccount(asCookie({ access_token: jwt({ sub: id, email }) }, encoded), KEY)
        expect(withUser).toEqual({ userId: id.toLowerCase(), email })
        expect(tokensOnly).toEqual(withUser)
      }),
    )
  })

  it('reads a session @supabase/ssr split into chunks (.0, .1, …), up to 8 of them', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.emailAddress(), fc.integer({ min: 2, max: 8 }), (id, email, count) => {
        // A session with a large user (identities, metadata) takes several cookies.
        const whole = `base64-${base64url(JSON.stringify({ access_token: jwt({ sub: id, email }), user: { id, email, user_metadata: { pad: 'x'.repeat(400 * count) } } }))}`
        const size = Math.ceil(whole.length / count)
        const chunks = new Map(Array.from({ length: count }, (_, i) => [`${KEY}.${i}`, whole.slice(i * size, (i + 1) * size)] as const))
        expect(chunks.size).toBe(count)
        expect(readHeldAccount(chunks, KEY)).toEqual({ userId: id, email })
      }),
      { numRuns: 200 },
    )
  })
})
