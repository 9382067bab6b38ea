/**
 * Edge rate limits through the Workers Rate Limiting binding. A missing binding means "no limit"
 * (so operators can turn one off by deleting its block in wrangler.toml), except for the 6-digit code
 * limits. A binding that throws fails open for most limits, because locking everyone out of password
 * reset is worse than a brief gap in limiting, and Supabase's own limits still stand behind them (60 s
 * per address, the email budget, one-use tokens). The code limits fail closed, when failing and when
 * missing: they are what keeps a code from being guessed, the link in the same email still works, and
 * a named wrangler environment silently drops `[[ratelimits]]` blocks it does not repeat.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import type { LimiterName } from '../config'
import { sha256 } from './crypto'
import { ipLimitKey } from './ip-key'

/** Limits that refuse while their binding is failing (see the header). */
const FAIL_CLOSED: ReadonlySet<LimiterName> = new Set<LimiterName>(['CODE_IP_LIMITER', 'CODE_EMAIL_LIMITER'])

/** The per-IP key of the client Cloudflare saw (IPv6 per /64); one shared bucket when absent (local development). */
export function clientIp(c: Context<AppEnv>): string {
  return ipLimitKey(c.req.header('cf-connecting-ip'))
}

/** Keys derived from email addresses are hashed, so the binding never sees an address. */
export async function emailKey(email: string): Promise<string> {
  return `email:${await sha256(email.trim().toLowerCase())}`
}

/** True when `key` is over the limit named `name`. */
export async function isOverLimit(c: Context<AppEnv>, name: LimiterName, key: string): Promise<boolean> {
  const { limiters, limitScope } = c.get('config')
  const limiter = limiters[name]
  if (!limiter) {
    if (!FAIL_CLOSED.has(name)) return false
    console.error(JSON.stringify({ msg: 'rate_limiter_missing', limiter: name, fail: 'closed' }))
    return true
  }
  try {
    // Keys are per Supabase project (Config.limitScope): sites on one project share its allowance.
    const { success } = await limiter.limit({ key: `${limitScope}|${key}` })
    if (!success) c.set('limitedBy', name)
    return !success
  } catch {
    const closed = FAIL_CLOSED.has(name)
    console.error(JSON.stringify({ msg: 'rate_limiter_failed', limiter: name, fail: closed ? 'closed' : 'open' }))
    return closed
  }
}
