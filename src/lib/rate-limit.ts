/**
 * Edge rate limits through the Workers Rate Limiting binding. A missing binding means "no limit"
 * (so operators can turn one off by deleting its block in wrangler.toml); a failing binding fails
 * open, because locking everyone out of password reset is worse than a brief gap in limiting.
 */
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import type { LimiterName } from '../config'
import { sha256 } from './crypto'

/** The client IP as Cloudflare reports it; one shared bucket when absent (local development). */
export function clientIp(c: Context<AppEnv>): string {
  return c.req.header('cf-connecting-ip') ?? 'unknown'
}

/** Keys derived from email addresses are hashed, so the binding never sees an address. */
export async function emailKey(email: string): Promise<string> {
  return `email:${await sha256(email.trim().toLowerCase())}`
}

/** True when `key` is over the limit named `name`. */
export async function isOverLimit(c: Context<AppEnv>, name: LimiterName, key: string): Promise<boolean> {
  const limiter = c.get('config').limiters[name]
  if (!limiter) return false
  try {
    const { success } = await limiter.limit({ key })
    return !success
  } catch {
    console.error(JSON.stringify({ msg: 'rate_limiter_failed', limiter: name }))
    return false
  }
}
