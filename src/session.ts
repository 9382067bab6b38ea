/**
 * Reading the person's session, safely. Any failure to read or verify it (a forged JWT with
 * `alg: none`, a key the JWKS does not hold, garbage segments, a corrupt cookie) means "no valid
 * session", logged as the fixed reason `session_invalid`, never a 500: supabase-js throws on some of
 * these instead of returning an error. Only an upstream outage is reported as such, so the page can
 * say so honestly.
 */
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from './app-env'
import { readHeldAccount, type HeldAccount } from './lib/held-account'
import { classifyAuthError, isUnverifiable } from './lib/reasons'
import type { SessionClaims } from './lib/recovery-session'

export type ClaimsResult =
  | { readonly kind: 'session'; readonly claims: SessionClaims }
  | { readonly kind: 'none' }
  | { readonly kind: 'upstream'; readonly reason: 'upstream_timeout' | 'upstream_unavailable' }

/** The verified claims of this request's session (getClaims: a local JWT check with asymmetric keys). */
export async function readClaims(c: Context<AppEnv>): Promise<ClaimsResult> {
  let result: Awaited<ReturnType<ReturnType<AppEnv['Variables']['supabase']>['auth']['getClaims']>>
  try {
    result = await c.get('supabase')().auth.getClaims()
  } catch {
    noteInvalidSession(c)
    return { kind: 'none' }
  }
  const { data, error } = result
  if (error) {
    const reason = classifyAuthError(error, c.get('upstream'))
    if (reason === 'upstream_timeout' || reason === 'upstream_unavailable') return { kind: 'upstream', reason }
    if (reason !== 'session_missing' || isUnverifiable(error)) noteInvalidSession(c)
    return { kind: 'none' }
  }
  return data?.claims ? { kind: 'session', claims: data.claims } : { kind: 'none' }
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
