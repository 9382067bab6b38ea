/**
 * Which account a browser's Supabase session cookie names, read without a network call and without
 * verifying it. Pure. Used only to notice that confirming a link would switch accounts (login CSRF),
 * never to grant anything: a forged cookie can at most make us show one more warning.
 * Mirrors @supabase/ssr's storage format: the value, or `.0`, `.1`, … chunks, optionally `base64-`
 * prefixed base64url of the JSON session auth-js stores (contract §12). A site whose ssr client sets
 * `cookies.encode: 'tokens-only'` stores the session without its `user`; the account is then read
 * from the access token's payload (`sub`, `email`), just as unverified.
 */
import { stringFromBase64URL } from '@supabase/ssr'
import { textFromBase64Url } from './base64url-text'

/** The account a session cookie names. */
export interface HeldAccount {
  readonly userId: string
  readonly email: string | undefined
}

const BASE64_PREFIX = 'base64-'
/** auth-js's user id is a UUID; anything else is not a session we wrote. */
const userIdRe = /^[0-9a-f-]{16,64}$/i
/** More chunks than any real session needs; bounds the work on a hostile Cookie header. */
const MAX_CHUNKS = 8

/** Pure: the account named by the session cookie `storageKey` among `cookies`, if any can be read. */
export function readHeldAccount(cookies: ReadonlyMap<string, string>, storageKey: string): HeldAccount | undefined {
  const raw = joinChunks(cookies, storageKey)
  if (!raw) return undefined
  try {
    const encoded = raw.startsWith(BASE64_PREFIX) ? raw.slice(BASE64_PREFIX.length) : undefined
    const json = encoded === undefined ? raw : decodeText(encoded)
    const session: unknown = JSON.parse(json)
    if (typeof session !== 'object' || session === null) return undefined
    const { user, access_token: accessToken } = session as { user?: unknown; access_token?: unknown }
    if (typeof user === 'object' && user !== null) {
      const { id, email } = user as { id?: unknown; email?: unknown }
      return account(id, email)
    }
    // tokens-only: no user in the cookie, so the access token names the account.
    const claims = typeof accessToken === 'string' ? payloadOf(accessToken) : undefined
    return claims ? account(claims.sub, claims.email) : undefined
  } catch {
    return undefined
  }
}

function account(id: unknown, email: unknown): HeldAccount | undefined {
  if (typeof id !== 'string' || !userIdRe.test(id)) return undefined
  return { userId: id.toLowerCase(), email: isAddress(email) ? email : undefined }
}

/** Lone surrogates (a JSON `\ud800`) are refused: no cookie or page could carry them. */
const loneSurrogateRe = /\p{Cs}/u

function isAddress(email: unknown): email is string {
  return typeof email === 'string' && email.length <= 320 && !loneSurrogateRe.test(email)
}

/** base64url → text: the fast decoder where it applies (the same text), ssr's own for anything else. */
function decodeText(encoded: string): string {
  return textFromBase64Url(encoded) ?? stringFromBase64URL(encoded)
}

/** The JSON payload of a JWT, unverified; undefined when it is not one. */
function payloadOf(jwt: string): { sub?: unknown; email?: unknown } | undefined {
  const parts = jwt.split('.')
  if (parts.length !== 3 || !parts[1]) return undefined
  const payload: unknown = JSON.parse(decodeText(parts[1]))
  return typeof payload === 'object' && payload !== null ? (payload as { sub?: unknown; email?: unknown }) : undefined
}

function joinChunks(cookies: ReadonlyMap<string, string>, key: string): string | undefined {
  const whole = cookies.get(key)
  if (whole) return whole
  let joined = ''
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const chunk = cookies.get(`${key}.${i}`)
    if (chunk === undefined) break
    joined += chunk
  }
  return joined || undefined
}
