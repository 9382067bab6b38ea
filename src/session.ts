/**
 * Reading the person's session, safely. Any failure to read or verify it (a forged JWT with
 * `alg: none`, a key the JWKS does not hold, garbage segments, a corrupt cookie) means "no valid
 * session", logged as the fixed reason `session_invalid`, never a 500: supabase-js throws on some of
 * these instead of returning an error. Only an upstream outage is reported as such, so the page can
 * say so honestly.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from './app-env'
import { readHeldAccount, type HeldAccount } from './lib/held-account'
import { textFromBase64Url } from './lib/base64url-text'
import { classifyAuthError, isUnverifiable, outageReason } from './lib/reasons'
import { unlessUpstreamFails, UPSTREAM_FAILED } from './middleware/supabase'
import { afterFetch, decideKeys, jwtHeader, keysOf, type KeyCache, type KeyDecision } from './lib/signing-keys'
import type { SessionClaims } from './lib/recovery-session'

export type ClaimsResult =
  | { readonly kind: 'session'; readonly claims: SessionClaims }
  | { readonly kind: 'none' }
  | { readonly kind: 'upstream'; readonly reason: 'upstream_timeout' | 'upstream_unavailable' }

/**
 * The verified claims of this request's session: getClaims, a local JWT check with asymmetric keys,
 * against this site's own project's keys (lib/signing-keys.ts), never auth-js's cache shared by storage key.
 */
export async function readClaims(c: Context<AppEnv>): Promise<ClaimsResult> {
  const auth = c.get('supabase')().auth
  let result: Awaited<ReturnType<typeof auth.getClaims>>
  try {
    // The stored session, refreshed first when it has expired (as getClaims() does without a token);
    // a refresh that fails is not waited out while auth-js retries it.
    const session = await unlessUpstreamFails(c, auth.getSession())
    if (session === UPSTREAM_FAILED) return { kind: 'upstream', reason: outageReason(c.get('upstream')) }
    if (session.error) return refused(c, session.error)
    const token = session.data.session?.access_token
    if (!token) return { kind: 'none' }
    const keys = await keysFor(c, token)
    if (keys.kind === 'upstream') return keys
    if (keys.kind === 'unknown') {
      noteInvalidSession(c)
      return { kind: 'none' }
    }
    // The set as the project served it: getClaims takes it in preference to its own cache (its `jwks` option).
    result = await auth.getClaims(token, keys.kind === 'use' ? { jwks: { keys: keys.keys as unknown as ServedKeys } } : {})
  } catch {
    noteInvalidSession(c)
    return { kind: 'none' }
  }
  const { data, error } = result
  if (error) return refused(c, error)
  return data?.claims ? { kind: 'session', claims: data.claims } : { kind: 'none' }
}

function refused(c: Context<AppEnv>, error: Parameters<typeof classifyAuthError>[0] & Parameters<typeof isUnverifiable>[0]): ClaimsResult {
  const reason = classifyAuthError(error, c.get('upstream'))
  if (reason === 'upstream_timeout' || reason === 'upstream_unavailable') return { kind: 'upstream', reason }
  if (reason !== 'session_missing' || isUnverifiable(error)) noteInvalidSession(c)
  return { kind: 'none' }
}

type ServedKeys = NonNullable<NonNullable<Parameters<SupabaseClient['auth']['getClaims']>[1]>['jwks']>['keys']

/** This isolate's signing keys per project (SUPABASE_URL). */
const keyCaches = new Map<string, KeyCache>()

/** The keys to check `token` with: the site's project's, fetched (through the client's fetch) when the cache says so. */
async function keysFor(c: Context<AppEnv>, token: string): Promise<KeyDecision | { kind: 'upstream'; reason: 'upstream_timeout' | 'upstream_unavailable' }> {
  const header = jwtHeader(token, textFromBase64Url)
  if (!header) return { kind: 'remote' } // not a JWT: getClaims says what it is
  const { supabaseUrl, supabaseKey } = c.get('config')
  const decision = decideKeys(header, keyCaches.get(supabaseUrl), Date.now())
  if (decision.kind !== 'fetch') return decision
  // A read that changes nothing: only our own timeout makes it "taking too long", anything else "having trouble".
  const outage = () => ({ kind: 'upstream', reason: c.get('upstream').timedOut ? 'upstream_timeout' : 'upstream_unavailable' }) as const
  try {
    const response = await c.get('upstreamFetch')(`${supabaseUrl}/auth/v1/.well-known/jwks.json`, { headers: { apikey: supabaseKey } })
    const keys = response.ok ? keysOf(await response.json().catch(() => undefined)) : undefined
    if (!keys) return outage()
    const cache: KeyCache = { keys, fetchedAt: Date.now() }
    keyCaches.set(supabaseUrl, cache)
    return afterFetch(header, cache)
  } catch {
    return outage()
  }
}

/** The account this browser's session cookie names, read locally (no network, not verified). */
export function heldAccount(c: Context<AppEnv>): HeldAccount | undefined {
  const cookies = getCookie(c)
  return readHeldAccount(new Map(Object.entries(cookies)), c.get('config').sessionCookieName)
}

function noteInvalidSession(c: Context<AppEnv>): void {
  console.warn(JSON.stringify({ msg: 'session_invalid', id: c.get('requestId') }))
  if (!c.get('reason')) c.set('reason', 'session_invalid')
}
