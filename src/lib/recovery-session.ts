/**
 * Decides whether a session may set a new password without the old one. Pure: `now` is passed in.
 * Supabase counts `otp`, `magiclink` and `recovery` AMR entries as a recovery session (contract §5.5);
 * we add `invite` (a first password) and a freshness window, so a stale or password-based session on a
 * shared device cannot change the password from this page.
 */

/** AMR methods that prove the person just used an emailed link or code. */
const RECOVERY_METHODS = new Set(['recovery', 'otp', 'magiclink', 'invite'])

/** The claims we read from a verified Supabase access token. */
export interface SessionClaims {
  readonly sub?: unknown
  readonly email?: unknown
  readonly session_id?: unknown
  readonly amr?: unknown
}

/** The timestamps of the session's AMR entries that came from an emailed link or code. */
function recoveryTimestamps(claims: SessionClaims): unknown[] {
  if (!Array.isArray(claims.amr)) return []
  return claims.amr.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return []
    const { method, timestamp } = entry as { method?: unknown; timestamp?: unknown }
    return typeof method === 'string' && RECOVERY_METHODS.has(method) ? [timestamp] : []
  })
}

/** Pure: true when the newest recovery-type AMR entry is at most `maxAgeSeconds` old. */
export function isFreshRecoverySession(claims: SessionClaims, nowSeconds: number, maxAgeSeconds: number): boolean {
  return recoveryTimestamps(claims).some(
    (timestamp) =>
      typeof timestamp === 'number' &&
      timestamp <= nowSeconds + 60 && // small clock skew allowance
      nowSeconds - timestamp <= maxAgeSeconds,
  )
}

/**
 * Pure: why a session may not set a password, for the page that says so. `ended`: it came from a link
 * or code, but too long ago (the person was slow; asking for a new link is the fix); `not_recovery`: it
 * never came from one (a password sign-in), so the person must first open a link.
 */
export function staleRecoveryKind(claims: SessionClaims): 'ended' | 'not_recovery' {
  return recoveryTimestamps(claims).length > 0 ? 'ended' : 'not_recovery'
}

/** Pure: `jane.doe@example.com` → `j***e@example.com`; enough to recognise, not to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 1) return '***'
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  const shown = local.length <= 2 ? `${local[0]}***` : `${local[0]}***${local[local.length - 1]}`
  return `${shown}@${domain}`
}
