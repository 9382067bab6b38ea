/**
 * GoTrue's request structs as Go's encoding/json fills them (DIVERGENCES F-18): each field's JSON name
 * and Go type, so a body is read as `json.Unmarshal` reads it. A key matches its field exactly or, failing
 * that, case-insensitively (`{"Email": …}` is the email); unknown keys are ignored; `null` leaves a plain
 * field as it is and empties a pointer or map; a value of the wrong JSON kind is skipped and the first such
 * one is the error, "json: cannot unmarshal number into Go struct field RecoverParams.email of type string"
 * [go:src/encoding/json/decode.go `object`, `literalStore`, `UnmarshalTypeError.Error`]. Pure.
 */

/** The Go types these structs use. */
export type GoFieldType = 'string' | '*string' | 'bool' | 'map'

/** A request struct: its Go type name (package-qualified, as the error names it) and its fields. */
export interface GoStruct {
  readonly name: string
  readonly fields: Readonly<Record<string, GoFieldType>>
}

const s = (name: string, fields: Record<string, GoFieldType>): GoStruct => Object.freeze({ name, fields: Object.freeze(fields) })
const PKCE_PAIR = { code_challenge: 'string', code_challenge_method: 'string' } as const

/** [auth:internal/api/recover.go:12-16] */
export const RECOVER_PARAMS = s('api.RecoverParams', { email: 'string', ...PKCE_PAIR })
/** [auth:internal/api/resend.go:14-20] */
export const RESEND_PARAMS = s('api.ResendConfirmationParams', { type: 'string', email: 'string', phone: 'string', ...PKCE_PAIR })
/** [auth:internal/api/otp.go:18-26] */
export const OTP_PARAMS = s('api.OtpParams', { email: 'string', phone: 'string', create_user: 'bool', data: 'map', channel: 'string', ...PKCE_PAIR })
/** [auth:internal/api/signup.go:20-30] (Provider and Aud are `json:"-"`) */
export const SIGNUP_PARAMS = s('api.SignupParams', { email: 'string', phone: 'string', password: 'string', data: 'map', channel: 'string', ...PKCE_PAIR })
/** [auth:internal/api/token.go:24-28] */
export const PASSWORD_GRANT_PARAMS = s('api.PasswordGrantParams', { email: 'string', phone: 'string', password: 'string' })
/** [auth:internal/api/token_refresh.go:14-16] */
export const REFRESH_TOKEN_GRANT_PARAMS = s('api.RefreshTokenGrantParams', { refresh_token: 'string' })
/** [auth:internal/api/token.go:31-34] */
export const PKCE_GRANT_PARAMS = s('api.PKCEGrantParams', { auth_code: 'string', code_verifier: 'string' })
/** [auth:internal/api/verify.go:42-49] */
export const VERIFY_PARAMS = s('api.VerifyParams', { type: 'string', token: 'string', token_hash: 'string', email: 'string', phone: 'string', redirect_to: 'string' })
/** [auth:internal/api/user.go:18-29] */
export const USER_UPDATE_PARAMS = s('api.UserUpdateParams', {
  email: 'string',
  password: '*string',
  current_password: '*string',
  nonce: 'string',
  data: 'map',
  app_metadata: 'map',
  phone: 'string',
  channel: 'string',
  ...PKCE_PAIR,
})
/** [auth:internal/api/invite.go:14-17] */
export const INVITE_PARAMS = s('api.InviteParams', { email: 'string', data: 'map' })
/** [auth:internal/api/admin.go:22-35] */
export const ADMIN_USER_PARAMS = s('api.AdminUserParams', {
  id: 'string',
  aud: 'string',
  role: 'string',
  email: 'string',
  phone: 'string',
  password: '*string',
  password_hash: 'string',
  email_confirm: 'bool',
  phone_confirm: 'bool',
  user_metadata: 'map',
  app_metadata: 'map',
  ban_duration: 'string',
})

/** [auth:internal/api/admin.go:37-39] */
export const ADMIN_USER_DELETE_PARAMS = s('api.adminUserDeleteParams', { should_soft_delete: 'bool' })

/** encoding/json's name for a JSON value's kind. */
export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  if (typeof value === 'boolean') return 'bool'
  return typeof value // 'string' | 'number' | 'object'
}

const KIND_FOR: Readonly<Record<GoFieldType, string>> = { string: 'string', '*string': 'string', bool: 'bool', map: 'object' }
const TYPE_NAME: Readonly<Record<GoFieldType, string>> = { string: 'string', '*string': 'string', bool: 'bool', map: 'map[string]interface {}' }

// Go matches keys as bytes.EqualFold does: for the ASCII names here, lower-casing (the Kelvin sign included) and the long s.
const fold = (key: string) => key.toLowerCase().replace(/ſ/g, 's')

/** The struct's field a JSON key sets (the names here are distinct even when folded). */
const fieldFor = (struct: GoStruct, key: string) => Object.keys(struct.fields).find((field) => fold(field) === fold(key))

/**
 * `json.Unmarshal(body, &params)` for an already parsed JSON value: the fields as the struct would hold them
 * (keyed by their JSON names; absent when Go would leave them zero), or the error text Go would return.
 */
export function decodeStruct(struct: GoStruct, value: unknown): { ok: true; fields: Record<string, unknown> } | { ok: false; message: string } {
  if (value === null) return { ok: true, fields: {} }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${struct.name}` }
  }
  const fields: Record<string, unknown> = {}
  let firstError: string | undefined
  for (const [key, item] of Object.entries(value)) {
    const field = fieldFor(struct, key)
    if (field === undefined) continue
    const type = struct.fields[field] as GoFieldType
    if (item === null) {
      if (type === '*string' || type === 'map') delete fields[field]
      continue
    }
    if (jsonKind(item) !== KIND_FOR[type]) {
      firstError ??= `json: cannot unmarshal ${jsonKind(item)} into Go struct field ${struct.name.replace(/^api\./, '')}.${field} of type ${TYPE_NAME[type]}`
      continue
    }
    fields[field] = item
  }
  return firstError === undefined ? { ok: true, fields } : { ok: false, message: firstError }
}
