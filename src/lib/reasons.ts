/**
 * Every way a flow can end badly, as a value, and the one place that turns an error from
 * supabase-js into such a value. Pure. Public text stays generic (no Supabase wording, which
 * leaks account existence and changes between releases); the reason code goes to the log.
 * Matching is by `error.code`, never by message text (Supabase's own advice, debugging/error-codes).
 */

/** Reasons an emailed link can fail for: the ones /auth/auth-code-error has a page for. */
const LINK_REASON_LIST = [
  'link_expired',
  'link_invalid',
  'other_device',
  'rate_limited',
  'upstream_timeout',
  'upstream_unavailable',
  'account_unavailable',
  'unexpected',
] as const

/** Every reason: the link reasons plus those shown only inside a form. */
export const REASONS = [
  ...LINK_REASON_LIST,
  'weak_password',
  'same_password',
  'breached_password',
  'session_missing',
  'reauthentication_needed',
  'mfa_required',
  'code_invalid',
] as const
export type Reason = (typeof REASONS)[number]

export const LINK_REASONS: ReadonlySet<Reason> = new Set<Reason>(LINK_REASON_LIST)

export function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && (REASONS as readonly string[]).includes(value)
}

/** What supabase-js hands back as `error`: we read only these fields. */
export interface AuthErrorLike {
  readonly name?: string
  readonly code?: string | undefined
  readonly status?: number | undefined
}

/** What we observed about the upstream call, beyond the error object. */
export interface UpstreamObservation {
  /** Our AbortSignal.timeout fired. */
  readonly timedOut: boolean
  /** The status of the last call's answer, once its headers came. */
  readonly lastStatus?: number | undefined
}

/**
 * Pure: a token was there but does not verify: Supabase refused it (`bad_jwt`: a forged signature,
 * `alg: none`, an unknown or revoked key) or auth-js could not read it. Both read as `session_missing`
 * to the person; unlike a missing or ended session they are worth a warning to the operator.
 */
export function isUnverifiable(error: AuthErrorLike): boolean {
  return error.code === 'bad_jwt' || error.name === 'AuthInvalidJwtError'
}

/**
 * Pure: whether Supabase answered with a success status whose body then failed (broke off, stalled past
 * the timeout, could not be read): it acted, and we do not know the outcome.
 */
function lostAfterSuccess(upstream: UpstreamObservation): boolean {
  return upstream.lastStatus !== undefined && upstream.lastStatus >= 200 && upstream.lastStatus < 300
}

/** Pure: a gateway's timeout (504, Cloudflare's 524): what was behind it may have acted. */
function isGatewayTimeout(status: number | undefined): boolean {
  return status === 504 || status === 524
}

/**
 * Pure: what a failed call that may have changed something was, when no supabase-js error says more:
 * no complete answer (our timeout, a gateway's, a body lost after a success status), or a failure.
 */
export function outageReason(upstream: UpstreamObservation): 'upstream_timeout' | 'upstream_unavailable' {
  return upstream.timedOut || isGatewayTimeout(upstream.lastStatus) || lostAfterSuccess(upstream) ? 'upstream_timeout' : 'upstream_unavailable'
}

/** Pure: map a supabase-js error (and what the fetch wrapper saw) to a Reason. */
export function classifyAuthError(error: AuthErrorLike, upstream: UpstreamObservation): Reason {
  // No complete answer: Supabase may have acted, so the page says we could not tell (a gateway's
  // timeout too: 504, Cloudflare's 524), never "nothing was changed".
  if (upstream.timedOut || isGatewayTimeout(error.status)) return 'upstream_timeout'
  if (error.name === 'AuthPKCECodeVerifierMissingError') return 'other_device'
  switch (error.code) {
    case 'otp_expired':
    case 'flow_state_not_found':
    case 'flow_state_expired':
      return 'link_expired'
    case 'bad_code_verifier':
    case 'pkce_code_verifier_not_found':
      return 'other_device'
    case 'validation_failed':
    case 'bad_json':
      return 'link_invalid'
    case 'over_request_rate_limit':
    case 'over_email_send_rate_limit':
      return 'rate_limited'
    case 'user_banned':
    case 'user_not_found':
      return 'account_unavailable'
    case 'weak_password':
      return 'weak_password'
    case 'same_password':
      return 'same_password'
    case 'session_not_found':
    case 'session_expired':
    case 'refresh_token_not_found':
    case 'refresh_token_already_used':
    case 'bad_jwt':
    case 'no_authorization':
      return 'session_missing'
    case 'reauthentication_needed':
    case 'reauthentication_not_valid':
    case 'current_password_required':
      return 'reauthentication_needed'
    case 'insufficient_aal':
      return 'mfa_required'
  }
  if (error.name === 'AuthSessionMissingError' || error.name === 'AuthInvalidJwtError') return 'session_missing'
  if (error.status === 429) return 'rate_limited'
  // A network-type error (no status) after a success status: the body failed, Supabase had acted.
  if (!error.status && lostAfterSuccess(upstream)) return 'upstream_timeout'
  // Network failures (status 0), 5xx, and bodies that are not JSON (AuthUnknownError).
  if (error.status === undefined || error.status === 0 || error.status >= 500 || error.name === 'AuthUnknownError') {
    return 'upstream_unavailable'
  }
  return 'unexpected'
}

/**
 * Pure: whether what failed for `reason` (a link's button, a code, a new password) was left as it was,
 * so the same form again is the way forward: our limit or Supabase's refused it before it was looked
 * at, or Supabase could not be reached or answered with a server error. A timeout counts too: Supabase
 * may have acted while we stopped waiting, and then the next try says so (a used link, a used code)
 * instead of leaving a person stuck.
 */
export function isRetryable(reason: Reason): boolean {
  return reason === 'rate_limited' || reason === 'upstream_timeout' || reason === 'upstream_unavailable'
}

/**
 * The status of the page a redirect explains a failure on (/auth/auth-code-error?reason=…): the request
 * that failed was answered and logged with its own status, so a server failure or a limit (5xx, 429)
 * is not the page's to repeat, and a bare GET of the page must not fake outages in the 5xx figures an
 * operator watches. Link problems keep their 4xx (410 for an expired link), as the address names the link.
 */
export function explanationStatus(reason: Reason): number {
  const status = statusFor(reason)
  return status >= 500 || status === 429 ? 200 : status
}

/** The HTTP status a page for this reason is served with. */
export function statusFor(reason: Reason): 400 | 403 | 410 | 422 | 429 | 500 | 502 | 504 {
  switch (reason) {
    case 'link_expired':
      return 410
    case 'link_invalid':
    case 'other_device':
    case 'code_invalid':
      return 400
    case 'rate_limited':
      return 429
    case 'upstream_timeout':
      return 504
    case 'upstream_unavailable':
      return 502
    case 'account_unavailable':
    case 'reauthentication_needed':
    case 'mfa_required':
      return 403
    case 'weak_password':
    case 'same_password':
    case 'breached_password':
      return 422
    case 'session_missing':
      // Not 401: that requires a WWW-Authenticate challenge (RFC 9110 §15.5.2), and a cookie session has none to offer.
      return 403
    case 'unexpected':
      return 500
  }
}
