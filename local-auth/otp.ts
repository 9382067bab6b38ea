/**
 * One-time codes and PKCE: the 6-digit OTP, GoTrue's token hash (hex SHA-224 of email + OTP), the
 * `pkce_` prefix, code-challenge validation and verification, and legacy 12-character refresh tokens.
 * Pure functions over node:crypto; no storage. Constant-time comparison for the PKCE check, as GoTrue.
 */
import { createHash, randomInt, randomBytes, timingSafeEqual } from 'node:crypto'
import { MAX_CODE_CHALLENGE_LENGTH, MIN_CODE_CHALLENGE_LENGTH, OTP_LENGTH, REFRESH_TOKEN_LENGTH } from './constants'
import { badRequest, type AuthError } from './errors'

/** A uniformly random, zero-padded decimal OTP [auth:internal/crypto/crypto.go]. */
export function generateOtp(): string {
  return String(randomInt(0, 10 ** OTP_LENGTH)).padStart(OTP_LENGTH, '0')
}

/** `lowercase hex(SHA-224(email + otp))`, 56 characters [auth:internal/crypto/crypto.go]. */
export function tokenHash(email: string, otp: string): string {
  return createHash('sha224').update(email + otp).digest('hex')
}

/** Stored/emailed form: `pkce_<hash>` in the PKCE flow. */
export function withFlowPrefix(hash: string, isPkce: boolean): string {
  return isPkce ? `pkce_${hash}` : hash
}

const codeChallengeRe = /^[a-zA-Z0-9\-._~]+$/

/** Validate the PKCE pair of a request body; undefined both means implicit flow. */
export function parseCodeChallenge(
  challenge: unknown,
  method: unknown,
): { ok: true; pkce?: { challenge: string; method: string } } | { ok: false; error: AuthError } {
  const c = typeof challenge === 'string' ? challenge : ''
  const m = typeof method === 'string' ? method : ''
  if (!c && !m) return { ok: true }
  if (!c || !m) return { ok: false, error: badRequest('validation_failed', 'PKCE flow requires code_challenge_method and code_challenge') }
  if (c.length < MIN_CODE_CHALLENGE_LENGTH || c.length > MAX_CODE_CHALLENGE_LENGTH) {
    return { ok: false, error: badRequest('validation_failed', `code challenge has to be between ${MIN_CODE_CHALLENGE_LENGTH} and ${MAX_CODE_CHALLENGE_LENGTH} characters`) }
  }
  if (!codeChallengeRe.test(c)) {
    return { ok: false, error: badRequest('validation_failed', 'code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes') }
  }
  return { ok: true, pkce: { challenge: c, method: m } }
}

/** Normalised method, or undefined for one GoTrue does not support (it then fails with a 500). */
export function normaliseChallengeMethod(method: string): 's256' | 'plain' | undefined {
  const m = method.toLowerCase()
  return m === 's256' || m === 'plain' ? m : undefined
}

/** base64url(SHA-256(verifier)) without padding, as RFC 7636 §4.2 S256. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

/** Does the verifier match the stored challenge? */
export function isCodeVerifierValid(verifier: string, challenge: string, method: 's256' | 'plain'): boolean {
  const computed = method === 's256' ? s256Challenge(verifier) : verifier
  const a = Buffer.from(computed)
  const b = Buffer.from(challenge)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** A fresh code verifier in supabase-js's format (112 lowercase hex characters). */
export function generateCodeVerifier(): string {
  return randomBytes(56).toString('hex')
}

// Lower-case base32 (RFC 4648's alphabet), as `SecureAlphanumeric` writes it [auth:internal/crypto/crypto.go:177-190, models/refresh_token.go:178].
const refreshAlphabet = 'abcdefghijklmnopqrstuvwxyz234567'

/** A legacy refresh token: 12 random characters of lower-case base32 ([a-z2-7]). */
export function generateRefreshToken(): string {
  let out = ''
  for (let i = 0; i < REFRESH_TOKEN_LENGTH; i++) out += refreshAlphabet[randomInt(0, refreshAlphabet.length)]
  return out
}

/** GoTrue's format check: exactly 12 characters of [a-z0-9] for the legacy format (v2 is not issued here). */
export function isRefreshTokenWellFormed(token: string): boolean {
  return token.length === REFRESH_TOKEN_LENGTH && /^[a-z0-9]+$/.test(token)
}
