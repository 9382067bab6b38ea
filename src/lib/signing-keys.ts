/**
 * Which signing keys a session's JWT is checked against: the site's own project's, from a cache per
 * project (its SUPABASE_URL) in this isolate. auth-js keeps its own cache per storage key
 * (`sb-<first label of the project host>-auth-token`), which two projects can share (`api.brand-a.com`,
 * `api.brand-b.com`): a token of one would then pass the other site's local check. Handing getClaims the
 * site's own keys, and only when they hold the token's `kid`, leaves auth-js's shared cache out of it.
 * Pure: the token's header, the cache and the clock in, a decision out.
 */

/** A JSON Web Key as the JWKS endpoint serves it (what getClaims takes as `jwks`). */
export interface Jwk {
  readonly kid?: string
  readonly [field: string]: unknown
}

export interface KeyCache {
  readonly keys: readonly Jwk[]
  /** Epoch ms of the fetch. */
  readonly fetchedAt: number
}

/** As auth-js (JWKS_TTL): a key found in a set older than this is fetched again (a revoked key stops verifying). */
export const KEYS_TTL_MS = 10 * 60 * 1000

/**
 * A `kid` the set lacks is fetched for only once the set is this old: otherwise a cookie naming a made-up
 * `kid` would cost a call to Supabase on every request. Supabase publishes a new key (standby) well before
 * it signs with it, so a real rotated key is in any set fetched since; a set fetched in the last minute
 * that lacks it means the token is not this project's.
 */
export const UNKNOWN_KID_REFETCH_MS = 60 * 1000

export type KeyDecision =
  /** A symmetric (HS*) token or one without a `kid`: getClaims asks the project itself (GET /user). */
  | { readonly kind: 'remote' }
  /** Check it against these keys, which hold its `kid`. */
  | { readonly kind: 'use'; readonly keys: readonly Jwk[] }
  /** Fetch the project's set first (none yet, too old, or no `kid` like this one in a set over a minute old: a rotated key), then `afterFetch`. */
  | { readonly kind: 'fetch' }
  /** No key of this project has that `kid`: not a session of this site. */
  | { readonly kind: 'unknown' }

/** Pure: the JWT's header (undefined when it is not a JWT with a JSON header). */
export function jwtHeader(token: string, decode: (segment: string) => string | undefined): { alg?: unknown; kid?: unknown } | undefined {
  const segment = token.split('.')[0] ?? ''
  const text = decode(segment)
  if (text === undefined) return undefined
  try {
    const header: unknown = JSON.parse(text)
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? (header as { alg?: unknown; kid?: unknown }) : undefined
  } catch {
    return undefined
  }
}

/** Pure: what to do for a token with `header`, given the project's cached keys at `now`. */
export function decideKeys(header: { alg?: unknown; kid?: unknown }, cache: KeyCache | undefined, now: number): KeyDecision {
  const { alg, kid } = header
  if (typeof alg !== 'string' || alg === '' || alg.startsWith('HS') || typeof kid !== 'string' || kid === '') return { kind: 'remote' }
  if (!cache) return { kind: 'fetch' }
  const age = now - cache.fetchedAt
  const holds = cache.keys.some((key) => key.kid === kid)
  if (holds) return age < KEYS_TTL_MS ? { kind: 'use', keys: cache.keys } : { kind: 'fetch' }
  return age < UNKNOWN_KID_REFETCH_MS ? { kind: 'unknown' } : { kind: 'fetch' }
}

/** Pure: the decision once the set has just been fetched. */
export function afterFetch(header: { kid?: unknown }, cache: KeyCache): KeyDecision {
  return cache.keys.some((key) => key.kid === header.kid) ? { kind: 'use', keys: cache.keys } : { kind: 'unknown' }
}

/** Pure: the keys of a JWKS answer body, or undefined when it is not one. */
export function keysOf(body: unknown): Jwk[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const keys = (body as { keys?: unknown }).keys
  if (!Array.isArray(keys)) return undefined
  return keys.filter((key): key is Jwk => typeof key === 'object' && key !== null && !Array.isArray(key))
}
