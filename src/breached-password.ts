/**
 * The breached-password check's I/O: one GET `<api>/range/<5-hex prefix>` with `Add-Padding: true`,
 * answers cached per prefix with the Cache API for a day, and the hook the new-password route calls
 * before `updateUser`. Only the prefix leaves the Worker; the decision is in lib/breached-password.ts.
 * It fails open, visibly: a timeout, a network error, a non-200 or a malformed answer lets the reset
 * continue and logs `breach_check_failed_*`, because a third-party outage must not lock people out.
 * The Cache API is per data centre, and works only on custom domains (on workers.dev every check costs
 * a call): https://developers.cloudflare.com/workers/runtime-apis/cache/
 */
import type { Context } from 'hono'
import type { AppEnv } from './app-env'
import type { BreachedPasswordConfig } from './config'
import {
  breachCheckReason,
  hashForRange,
  isBreached,
  lookUpSuffix,
  MAX_RANGE_BYTES,
  type BreachCheckOutcome,
  type RangeLookup,
} from './lib/breached-password'
import type { UpdatePasswordErrors } from './lib/password-form'
import { copyFor } from './views/reason-copy'
import { translatorOf } from './views/render'

/** How long a range answer is reused: Pwned Passwords itself changes a few times a year. */
export const RANGE_CACHE_SECONDS = 24 * 60 * 60

/** What one check did: its outcome and whether the answer came from the cache. */
export interface BreachCheckResult {
  readonly outcome: BreachCheckOutcome
  readonly cache: 'hit' | 'miss'
}

/** The Cache API key for a prefix: the range URL itself (so a different mirror never shares entries). */
export function rangeCacheKey(apiUrl: string, prefix: string): Request {
  return new Request(`${apiUrl}/range/${prefix}`, { method: 'GET' })
}

/**
 * Checks `password` against the range API at `config.apiUrl`. Never throws. `waitUntil` keeps the
 * cache write off the response's critical path.
 */
export async function checkPassword(
  password: string,
  config: Pick<BreachedPasswordConfig, 'apiUrl' | 'timeoutMs' | 'minCount'>,
  waitUntil: (work: Promise<unknown>) => void = () => {},
): Promise<BreachCheckResult> {
  const { prefix, suffix } = await hashForRange(password)
  const key = rangeCacheKey(config.apiUrl, prefix)
  const cached = await readCached(key)
  if (cached !== undefined) {
    const lookup = lookUpSuffix(cached, suffix)
    if (lookup.ok) return { outcome: decide(lookup, config.minCount), cache: 'hit' }
  }
  const fetched = await fetchRange(key, config.timeoutMs)
  if (typeof fetched !== 'string') return { outcome: fetched.failed, cache: 'miss' }
  const lookup = lookUpSuffix(fetched, suffix)
  if (!lookup.ok) return { outcome: 'failed_malformed', cache: 'miss' }
  waitUntil(writeCached(key, fetched))
  return { outcome: decide(lookup, config.minCount), cache: 'miss' }
}

function decide(lookup: RangeLookup & { ok: true }, minCount: number): BreachCheckOutcome {
  return isBreached(lookup.count, minCount) ? 'breached' : 'passed'
}

async function readCached(key: Request): Promise<string | undefined> {
  try {
    const hit = await caches.default.match(key)
    return hit ? await hit.text() : undefined
  } catch {
    return undefined // a cache problem is only a miss
  }
}

async function writeCached(key: Request, body: string): Promise<void> {
  const headers = { 'Content-Type': 'text/plain', 'Cache-Control': `max-age=${RANGE_CACHE_SECONDS}` }
  await caches.default.put(key, new Response(body, { headers })).catch(() => {})
}

/** The range answer's text, or why there is none. Only the URL (prefix) and a fixed header are sent. */
async function fetchRange(key: Request, timeoutMs: number): Promise<string | { failed: BreachCheckOutcome }> {
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    const res = await fetch(key.url, { headers: { 'Add-Padding': 'true' }, signal: timeout })
    if (res.status !== 200) {
      await res.body?.cancel()
      return { failed: 'failed_status' }
    }
    const declared = Number(res.headers.get('Content-Length') ?? 0)
    if (declared > MAX_RANGE_BYTES) {
      await res.body?.cancel()
      return { failed: 'failed_malformed' }
    }
    return await res.text()
  } catch {
    return { failed: timeout.aborted ? 'failed_timeout' : 'failed_network' }
  }
}

/**
 * The new-password route's hook: the form errors to show when the password is known from breaches,
 * or undefined to go on (also when the check is off or failed). Logs one `breach_check` line with a
 * fixed outcome code; never the password, its hash or the prefix.
 */
export async function refuseBreachedPassword(c: Context<AppEnv>, password: string): Promise<UpdatePasswordErrors | undefined> {
  const config = c.get('config').breachedPassword
  if (!config.enabled) return undefined
  const result = await checkPassword(password, config, (work) => {
    try {
      c.executionCtx.waitUntil(work)
    } catch {
      // No execution context (app.request in unit tests): the write simply finishes on its own.
    }
  })
  const line = { msg: 'breach_check', id: c.get('requestId'), outcome: breachCheckReason(result.outcome), cache: result.cache }
  ;(result.outcome.startsWith('failed_') ? console.warn : console.log)(JSON.stringify(line))
  if (result.outcome !== 'breached') return undefined
  c.set('reason', 'breached_password')
  return { password: copyFor('breached_password', translatorOf(c)).message }
}
