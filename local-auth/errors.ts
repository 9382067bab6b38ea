/**
 * GoTrue's error values and their two wire shapes (legacy and 2024-01-01), plus Kong's gateway errors.
 * Handlers throw `AuthError` to end a request; `renderAuthError` is the single place that picks the
 * shape from X-Supabase-Api-Version [auth:internal/api/errors.go]. Not OAuth bodies: /verify redirects
 * carry those fields in the URL instead (routes/verify-get.ts).
 */
import { API_VERSION_2024 } from './constants'

/** The GoTrue error codes this stand-in can produce (exact strings, contract §2.4). */
export type ErrorCode =
  | 'validation_failed'
  | 'bad_json'
  | 'email_exists'
  | 'user_already_exists'
  | 'phone_provider_disabled'
  | 'email_provider_disabled'
  | 'anonymous_provider_disabled'
  | 'email_address_invalid'
  | 'email_address_not_authorized'
  | 'bad_jwt'
  | 'not_admin'
  | 'no_authorization'
  | 'user_not_found'
  | 'session_not_found'
  | 'session_expired'
  | 'refresh_token_not_found'
  | 'refresh_token_already_used'
  | 'flow_state_not_found'
  | 'flow_state_expired'
  | 'user_banned'
  | 'same_password'
  | 'reauthentication_needed'
  | 'reauthentication_not_valid'
  | 'current_password_required'
  | 'current_password_invalid'
  | 'otp_expired'
  | 'otp_disabled'
  | 'weak_password'
  | 'over_request_rate_limit'
  | 'over_email_send_rate_limit'
  | 'bad_code_verifier'
  | 'invalid_credentials'
  | 'email_not_confirmed'
  | 'request_entity_too_large'
  | 'unexpected_failure'
  | 'not_found'
  | 'unknown'

/**
 * What GoTrue's HandleResponseError was given: an HTTPError (most), a plain Go error its default handler
 * answers, or a panic the recoverer turned into an HTTPError without an error code. The last two carry no
 * `x-sb-error-code` and no `error_id`: the default handler writes none, and the recoverer runs outside the
 * middleware that gives a request its id [auth:internal/api/api.go:169-170, errors.go:44-69,150-165,230-253].
 */
export type ErrorOrigin = 'http' | 'plain' | 'panic'

/** An expected GoTrue failure; thrown to end the request, rendered once by `renderAuthError`. */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** `weak_password.reasons` for 422 weak_password. */
    readonly reasons?: string[],
    readonly origin: ErrorOrigin = 'http',
  ) {
    super(message)
    this.name = 'AuthError'
  }
}

export const badRequest = (code: ErrorCode, message: string) => new AuthError(400, code, message)
export const forbidden = (code: ErrorCode, message: string) => new AuthError(403, code, message)
export const notFound = (code: ErrorCode, message: string) => new AuthError(404, code, message)
export const unprocessable = (code: ErrorCode, message: string) => new AuthError(422, code, message)

const UNEXPECTED_FAILURE = 'Unexpected failure, please check server logs for more information'

/** An HTTPError 500 (`apierrors.NewInternalServerError`). */
export const unexpectedFailure = (message = UNEXPECTED_FAILURE) => new AuthError(500, 'unexpected_failure', message)

/** A plain Go error (e.g. `ParseCodeChallengeMethod`'s): the default handler's 500 [auth:internal/api/errors.go:230-253]. */
export const plainError = () => new AuthError(500, 'unexpected_failure', UNEXPECTED_FAILURE, undefined, 'plain')

/** A panic, recovered as 500 "Internal Server Error", with no request id to report [auth:internal/api/errors.go:44-69, api.go:169-170]. */
export const recoveredPanic = () => new AuthError(500, 'unexpected_failure', 'Internal Server Error', undefined, 'panic')

/** True when X-Supabase-Api-Version names 2024-01-01 or later (a valid YYYY-MM-DD date). */
export function isApiVersion2024(header: string | undefined | null): boolean {
  if (!header) return false
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(header.trim())
  if (!m) return false
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== header.trim()) return false
  return date.getTime() >= Date.parse(`${API_VERSION_2024}T00:00:00Z`)
}

/**
 * Render an AuthError in the shape the request asked for.
 * - 2024: `{code, message}` + echoed `X-Supabase-Api-Version`; weak_password adds `weak_password.reasons`
 *   and (only in this shape) omits `x-sb-error-code`.
 * - legacy: `{code: <status>, error_code, msg}`, plus `error_id` for an HTTPError's status >= 500.
 * - `x-sb-error-code` only for an HTTPError (`origin` 'http').
 */
export function renderAuthError(err: AuthError, apiVersionHeader: string | undefined | null, requestId: string): Response {
  const v2024 = isApiVersion2024(apiVersionHeader)
  const headers = new Headers({ 'Content-Type': 'application/json' })
  let body: Record<string, unknown>
  if (v2024) {
    headers.set('X-Supabase-Api-Version', API_VERSION_2024)
    body = { code: err.code, message: err.message }
  } else {
    body = { code: err.status, error_code: err.code, msg: err.message }
    if (err.status >= 500 && err.origin === 'http') body.error_id = requestId
  }
  if (err.code === 'weak_password') body.weak_password = { reasons: err.reasons ?? [] }
  if (err.origin === 'http' && !(v2024 && err.code === 'weak_password')) headers.set('x-sb-error-code', err.code)
  return new Response(JSON.stringify(body), { status: err.status, headers })
}

/** Kong's key-auth rejection: always this bare shape, whatever the API version. */
export function renderGatewayError(status: number, message: string): Response {
  return new Response(JSON.stringify({ message }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  })
}
