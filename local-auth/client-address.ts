/**
 * Who is calling, as the hosted gateway and GoTrue see it: the kind of key in `apikey` and in the
 * bearer (never the value), and the address a per-IP bucket is keyed by. `Sb-Forwarded-For` counts
 * only with a secret key and forwarding on; its first value must parse as an IP, else it is ignored
 * and the socket address is used, as GoTrue's sbff middleware does [auth:internal/sbff/sbff.go:24-32,70-88].
 * Trade-off: the socket address stands for the hosted platform's GOTRUE_RATE_LIMIT_HEADER value.
 */
import { isIP } from 'node:net'
import type { Context } from 'hono'
import { PUBLISHABLE_KEY, SECRET_KEY } from './constants'
import type { AppEnv, LocalAuthContext } from './context'

/** What a key or bearer is, by kind; a person's access token is `jwt:<role>`. */
export type KeyKind = 'publishable' | 'secret' | 'anon' | 'service_role' | `jwt:${string}` | 'other' | null

/** Classify a key without keeping it. JWT payloads are decoded, not verified (only for the record). */
export function keyKind(ctx: LocalAuthContext, value: string | undefined): KeyKind {
  if (!value) return null
  if (value === PUBLISHABLE_KEY) return 'publishable'
  if (value === SECRET_KEY) return 'secret'
  if (value === ctx.keys.anonKey) return 'anon'
  if (value === ctx.keys.serviceRoleKey) return 'service_role'
  const payload = value.split('.')[1]
  if (payload) {
    try {
      const role = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { role?: unknown }).role
      if (typeof role === 'string') return `jwt:${role}`
    } catch {
      // not a JWT
    }
  }
  return 'other'
}

/** The `apikey` header (or query) and the bearer of a request. */
export function callerKeys(ctx: LocalAuthContext, c: Context<AppEnv>): { apikey: KeyKind; bearer: KeyKind } {
  const bearer = /^bearer (\S+)$/i.exec(c.req.header('Authorization') ?? '')?.[1]
  return { apikey: keyKind(ctx, c.req.header('apikey') ?? c.req.query('apikey')), bearer: keyKind(ctx, bearer) }
}

/** Go's `net.ParseIP(x).String()` for a valid address; undefined otherwise. */
export function canonicalIp(value: string): string | undefined {
  const version = isIP(value)
  if (version === 4) return value
  if (version !== 6) return undefined
  const host = new URL(`http://[${value}]/`).hostname.slice(1, -1)
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value)?.[1]
  return mapped ?? host
}

/** The first value of Sb-Forwarded-For as an address, if it parses [auth:internal/sbff/sbff.go:24-32]. */
export function parseForwardedFor(header: string | undefined): string | undefined {
  if (!header) return undefined
  return canonicalIp((header.split(',', 1)[0] ?? '').trim())
}

/** The address the socket came from, IPv4-mapped addresses unwrapped. */
function socketAddress(c: Context<AppEnv>): string {
  const raw = c.env?.incoming?.socket?.remoteAddress ?? 'unknown'
  return canonicalIp(raw) ?? raw
}

/** The per-IP bucket key for this request, and whether it came from Sb-Forwarded-For. */
export function rateLimitKey(ctx: LocalAuthContext, c: Context<AppEnv>): { key: string; forwarded: boolean } {
  if (ctx.limits.settings.sbForwardedFor && callerKeys(ctx, c).apikey === 'secret') {
    const forwarded = parseForwardedFor(c.req.header('Sb-Forwarded-For'))
    if (forwarded) return { key: forwarded, forwarded: true }
  }
  return { key: socketAddress(c), forwarded: false }
}
