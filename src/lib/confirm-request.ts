/**
 * Reads what an emailed link brought to /auth/confirm and decides what kind of confirmation it is.
 * Pure: query (or form) values in, a discriminated union out. Token values are shape-checked here
 * so that hostile input never reaches Supabase.
 */
import { EMAIL_OTP_TYPES, type EmailOtpType } from '../config'
import { UPDATE_PASSWORD_PATH } from '../constants'
import { classifyAuthError, type Reason } from './reasons'

export type ConfirmRequest =
  | { readonly kind: 'token'; readonly tokenHash: string; readonly type: EmailOtpType; readonly next: string | undefined }
  | { readonly kind: 'code'; readonly code: string; readonly next: string | undefined }
  | { readonly kind: 'emailChangeHalf'; readonly next: string | undefined }
  | { readonly kind: 'failed'; readonly reason: Reason }

/** Supabase token hashes are 56 hex characters, `pkce_`-prefixed in the PKCE flow; allow some slack. */
const tokenHashRe = /^(pkce_)?[A-Za-z0-9_-]{16,200}$/
/** PKCE auth codes are UUIDs; allow some slack. */
const authCodeRe = /^[A-Za-z0-9-]{8,128}$/
const errorCodeRe = /^[a-z0-9_]{1,64}$/

export function isEmailOtpType(value: unknown): value is EmailOtpType {
  return typeof value === 'string' && (EMAIL_OTP_TYPES as readonly string[]).includes(value)
}

/**
 * What Supabase's GET /verify redirects to after the first of a secure email change's two links: no code,
 * no session, this message (in the query under PKCE) [supabase/auth internal/api/verify.go:39, 155-165, 516-532].
 */
export const SINGLE_CONFIRMATION_ACCEPTED = 'Confirmation link accepted. Please proceed to confirm link sent to the other email'

/** Pure: classify the parameters of a confirm request. */
export function parseConfirmRequest(params: Readonly<Record<string, string | undefined>>): ConfirmRequest {
  const next = params.next
  // Supabase's GET /verify redirects failures here with error_code (PKCE: in the query).
  if (params.error_code !== undefined || params.error !== undefined) {
    const code = params.error_code && errorCodeRe.test(params.error_code) ? params.error_code : undefined
    const reason = code ? classifyAuthError({ code, status: 400 }, { timedOut: false }) : 'link_invalid'
    return { kind: 'failed', reason: reason === 'unexpected' ? 'link_invalid' : reason }
  }
  if (params.code === undefined && params.token_hash === undefined && params.message === SINGLE_CONFIRMATION_ACCEPTED) {
    return { kind: 'emailChangeHalf', next }
  }
  if (params.code !== undefined) {
    return authCodeRe.test(params.code) ? { kind: 'code', code: params.code, next } : { kind: 'failed', reason: 'link_invalid' }
  }
  const { token_hash: tokenHash, type } = params
  if (tokenHash === undefined || !tokenHashRe.test(tokenHash) || !isEmailOtpType(type)) {
    return { kind: 'failed', reason: 'link_invalid' }
  }
  return { kind: 'token', tokenHash, type, next }
}

/** Where a confirmed link goes when `next` is absent or refused. */
export function defaultNextFor(type: EmailOtpType | 'code-recovery' | 'code-other', siteUrl: string): string {
  return type === 'recovery' || type === 'invite' || type === 'code-recovery' ? UPDATE_PASSWORD_PATH : siteUrl
}
