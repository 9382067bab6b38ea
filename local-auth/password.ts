/**
 * Password hashing and GoTrue's strength policy: the 72-byte cap, the minimum length, the required
 * character sets and the leaked-password (HIBP) lookup [auth:internal/api/password.go:28-78].
 * Hashing is one salted SHA-256 (`sha256$<salt>$<digest>`), compared in constant time: a few
 * microseconds, so 1,000-flow benchmarks measure the Worker, not bcrypt-like cost (scrypt even at
 * N=1024 took ~4 ms per hash here). Deliberately unfit for real secrets; this server is local-only.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { HIBP_TIMEOUT_MS, HIBP_USER_AGENT, MAX_PASSWORD_BYTES } from './constants'
import type { LocalAuthContext } from './context'
import { AuthError, badRequest, unexpectedFailure } from './errors'

const digest = (salt: Buffer, password: string) => createHash('sha256').update(salt).update(password, 'utf8').digest()

/** Hash a password as `sha256$<salt b64>$<digest b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  return `sha256$${salt.toString('base64')}$${digest(salt, password).toString('base64')}`
}

/** Constant-time comparison of a password with a stored hash. */
export async function isPasswordMatch(password: string, stored: string | undefined): Promise<boolean> {
  if (!stored) return false
  const [scheme, saltB64, digestB64] = stored.split('$')
  if (scheme !== 'sha256' || !saltB64 || !digestB64) return false
  const expected = Buffer.from(digestB64, 'base64')
  const actual = digest(Buffer.from(saltB64, 'base64'), password)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/**
 * The Management API's four values of `password_required_characters` (the dashboard's choices), as
 * Supabase's OpenAPI document lists them. The last has `\\:` (two backslashes, a colon): decoding
 * keeps one backslash and the colon in the symbol set.
 */
export const REQUIRED_CHARACTER_CHOICES: readonly string[] = [
  '',
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:0123456789',
  'abcdefghijklmnopqrstuvwxyz:ABCDEFGHIJKLMNOPQRSTUVWXYZ:0123456789',
  'abcdefghijklmnopqrstuvwxyz:ABCDEFGHIJKLMNOPQRSTUVWXYZ:0123456789:!@#$%^&*()_+-=[]{};\'\\\\:"|<>?,./`~',
]

/**
 * Pure: GoTrue's `PasswordRequiredCharacters.Decode`: split on `:`, a part ending in `\` joined with the
 * next by a colon, empty parts dropped [auth:internal/conf/configuration.go:264-289].
 */
export function decodeRequiredCharacters(value: string): string[] {
  const parts = value.split(':')
  for (let i = 0; i < parts.length - 1; i += 1) {
    const part = parts[i] as string
    if (part !== '' && part.endsWith('\\')) {
      parts[i] = `${part.slice(0, -1)}:${parts[i + 1]}`
      parts[i + 1] = ''
    }
  }
  return parts.filter((part) => part !== '')
}

/** Pure: the Management API's string for decoded sets (the inverse of `decodeRequiredCharacters`). */
export const encodeRequiredCharacters = (sets: readonly string[]) => sets.map((set) => set.replaceAll(':', '\\:')).join(':')

/** Go's strings.ContainsAny: some code point of `set` occurs in `text`. */
const containsAny = (text: string, set: string) => [...set].some((ch) => text.includes(ch))

/**
 * Whether the Pwned Passwords range API lists `password` with a count above 0; throws when the API
 * does not answer 200 in time [supabase/hibp@d225752 pwned.go: `Parse` (a count of 0 is not a hit), `Check`].
 */
export async function isPwned(rangeUrl: string, password: string): Promise<boolean> {
  const hex = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase()
  const res = await fetch(`${rangeUrl}/range/${hex.slice(0, 5)}`, {
    headers: { 'user-agent': HIBP_USER_AGENT },
    signal: AbortSignal.timeout(HIBP_TIMEOUT_MS),
  })
  if (res.status !== 200) {
    await res.body?.cancel()
    throw new Error(`Pwned Passwords answered ${res.status}`)
  }
  const suffix = hex.slice(5)
  for (const line of (await res.text()).split('\n')) {
    const match = /^([0-9A-F]{35}):([0-9]+)\s*$/.exec(line)
    if (match?.[1] === suffix && match[2] !== '0') return true
  }
  return false
}

/**
 * GoTrue's `checkPasswordStrength`: over 72 bytes is a 400 validation_failed; otherwise each failed rule
 * adds a reason and a sentence, and any reason makes a 422 weak_password with the sentences joined by
 * spaces [auth:internal/api/password.go:28-78]. A range API that cannot be read allows the password
 * (logged) unless fail-closed, which is a 500 [password.go:56-64].
 */
export async function checkPasswordStrength(ctx: LocalAuthContext, password: string): Promise<AuthError | undefined> {
  const { passwordMinLength: minLength, passwordRequiredCharacters: sets } = ctx.config
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return badRequest('validation_failed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`)
  }
  const reasons: string[] = []
  const messages: string[] = []
  // Go's len() counts bytes, so 'ééé' is 6 long [password.go:41].
  if (Buffer.byteLength(password, 'utf8') < minLength) {
    reasons.push('length')
    messages.push(`Password should be at least ${minLength} characters.`)
  }
  if (sets.some((set) => !containsAny(password, set))) {
    reasons.push('characters')
    messages.push(`Password should contain at least one character of each: ${sets.join(', ')}.`)
  }
  if (ctx.config.passwordHibpEnabled) {
    const pwned = await isPwned(ctx.config.pwnedPasswordsUrl, password).catch((error: unknown) => error as Error)
    if (pwned instanceof Error) {
      if (ctx.config.passwordHibpFailClosed) return unexpectedFailure('Unable to perform password strength check with HaveIBeenPwned.org.')
      ctx.config.log(`[local-auth] Unable to perform password strength check with HaveIBeenPwned.org, pwned passwords are being allowed (${pwned.message})`)
    } else if (pwned) {
      reasons.push('pwned')
      messages.push('Password is known to be weak and easy to guess, please choose a different one.')
    }
  }
  return reasons.length > 0 ? new AuthError(422, 'weak_password', messages.join(' '), reasons) : undefined
}
