/**
 * The breached-password check's I/O: one GET `<api>/range/<5-hex prefix>` with `Add-Padding: true` per
 * check, and the hook the new-password route calls before `updateUser`. Only the prefix leaves the
 * Worker; the decision is in lib/breached-password.ts. It fails open, visibly: a timeout, a network
 * error, a non-200 or a malformed answer lets the reset continue and logs `breach_check_failed_*`,
 * because a third-party outage must not lock people out.
 * No cache of our own: with 16^5 prefixes and a new password per check, a per-data-centre Cache API
 * entry is almost never hit again, yet every check paid a lookup and a ~35 KB write (in Miniflare,
 * 3.3 ms of CPU per check, bench/RESULTS.md); Pwned Passwords answers from Cloudflare's own cache.
 * https://haveibeenpwned.com/API/v3#SearchingPwnedPasswordsByRange
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
} from './lib/breached-password'
import type { UpdatePasswordErrors } from './lib/password-form'
import { copyFor } from './views/reason-copy'
import { translatorOf } from './views/render'

/** Checks `password` against the range API at `config.apiUrl`. Never throws. */
export async function checkPassword(
  password: string,
  config: Pick<BreachedPasswordConfig, 'apiUrl' | 'timeoutMs' | 'minCount'>,
): Promise<BreachCheckOutcome> {
  const { prefix, suffix } = await hashForRange(password)
  const fetched = await fetchRange(`${config.apiUrl}/range/${prefix}`, config.timeoutMs)
  if (typeof fetched !== 'string') return fetched.failed
  const lookup = lookUpSuffix(fetched, suffix)
  if (!lookup.ok) return 'failed_malformed'
  return isBreached(lookup.count, config.minCount) ? 'breached' : 'passed'
}

/** The range answer's text, or why there is none. Only the URL (prefix) and a fixed header are sent. */
async function fetchRange(url: string, timeoutMs: number): Promise<string | { failed: BreachCheckOutcome }> {
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    const res = await fetch(url, { headers: { 'Add-Padding': 'true' }, signal: timeout })
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
 * or undefined to go on (also when the check is off or failed). The outcome's fixed code goes on the
 * request's log line (`breach_check`); a failed check also logs its own warning line, for operators
 * who watch warnings. Never the password, its hash or the prefix.
 */
export async function refuseBreachedPassword(c: Context<AppEnv>, password: string): Promise<UpdatePasswordErrors | undefined> {
  const config = c.get('config').breachedPassword
  if (!config.enabled) return undefined
  const outcome = await checkPassword(password, config)
  const code = breachCheckReason(outcome)
  c.set('breachCheck', code)
  if (outcome.startsWith('failed_')) console.warn(JSON.stringify({ msg: 'breach_check', id: c.get('requestId'), outcome: code }))
  if (outcome !== 'breached') return undefined
  c.set('reason', 'breached_password')
  return { password: copyFor('breached_password', translatorOf(c)).message }
}
