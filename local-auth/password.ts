/**
 * Password hashing and GoTrue's strength policy (minimum length, 72-byte cap).
 * Hashing is one salted SHA-256 (`sha256$<salt>$<digest>`), compared in constant time: a few
 * microseconds, so 1,000-flow benchmarks measure the Worker, not bcrypt-like cost (scrypt even at
 * N=1024 took ~4 ms per hash here). Deliberately unfit for real secrets; this server is local-only.
 * No HIBP and no required-character sets (both off by default in GoTrue).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { MAX_PASSWORD_BYTES } from './constants'
import { AuthError, badRequest } from './errors'

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
 * GoTrue's `checkPasswordStrength` order: >72 bytes is a 400 validation_failed; otherwise each failed
 * rule adds a reason, and any reason makes a 422 weak_password [auth:internal/api/password.go].
 */
export function checkPasswordStrength(password: string, minLength: number): AuthError | undefined {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    return badRequest('validation_failed', `Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`)
  }
  // Go's len() counts bytes, so 'ééé' is 6 long [auth:internal/api/password.go:41].
  if (Buffer.byteLength(password, 'utf8') < minLength) {
    return new AuthError(422, 'weak_password', `Password should be at least ${minLength} characters.`, ['length'])
  }
  return undefined
}
