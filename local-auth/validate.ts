/**
 * Input checks shared by several endpoints: email format (GoTrue uses checkmail's regex), UUIDs (gofrs/uuid) and
 * Go duration strings (admin `ban_duration`). Pure; errors are AuthError values for the caller to throw.
 * The email regex is checkmail's format check, not a deliverability check, as in GoTrue.
 */
import { MAX_EMAIL_LENGTH } from './constants'
import { badRequest, type AuthError } from './errors'

const emailRe =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/
// TextEncoder, not Buffer: the Worker's tests import this file in workerd, whose types have no Buffer.
const utf8 = new TextEncoder()

/**
 * gofrs/uuid's `FromString` (GoTrue's UUID parser): the canonical form, 32 hex digits, either of those in
 * braces or after `urn:uuid:`, hex in any case; the canonical lower-case form, or undefined when it refuses
 * [gofrs/uuid v4.3.1 (auth:go.mod) codec.go `UnmarshalText`].
 */
export function parseGoUuid(text: string): string | undefined {
  let b = text
  if (b.length === 34 || b.length === 38) {
    if (!b.startsWith('{') || !b.endsWith('}')) return undefined
    b = b.slice(1, -1)
  } else if (b.length === 41 || b.length === 45) {
    if (!b.startsWith('urn:uuid:')) return undefined
    b = b.slice(9)
  }
  if (b.length === 36) {
    if (b[8] !== '-' || b[13] !== '-' || b[18] !== '-' || b[23] !== '-') return undefined
    b = b.replace(/-/g, '')
  }
  if (!/^[0-9a-fA-F]{32}$/.test(b)) return undefined
  const h = b.toLowerCase()
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** GoTrue's `validateEmail`: present, length in bytes (Go's `len`), format, then lowercase [auth:internal/api/mail.go:709-720]. */
export function validateEmail(email: string): { ok: true; email: string } | { ok: false; error: AuthError } {
  if (email === '') return { ok: false, error: badRequest('validation_failed', 'An email address is required') }
  if (utf8.encode(email).length > MAX_EMAIL_LENGTH) return { ok: false, error: badRequest('validation_failed', 'An email address is too long') }
  if (!emailRe.test(email)) return { ok: false, error: badRequest('validation_failed', 'Unable to validate email address: invalid format') }
  return { ok: true, email: email.toLowerCase() }
}

const durationUnitsMs: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Parse a Go duration such as `24h`, `1h30m` or `90s` into milliseconds. */
export function parseGoDurationMs(value: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return undefined
  let total = 0
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * (durationUnitsMs[m[2] as string] ?? 0)
  return total
}
