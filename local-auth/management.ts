/**
 * The subset of Supabase's Management API auth config (`GET`/`PATCH /v1/projects/{ref}/config/auth`)
 * that `npm run doctor` and `npm run supabase:configure` use, over the stand-in's own settings, so a
 * PATCH changes how the stand-in behaves where it models the setting (Site URL, redirect allow-list,
 * email templates and subjects, the password policy and the two password-change guards, email budget,
 * IP forwarding, the Email provider switch); SMTP is stored only.
 * Field names, types and bounds follow Supabase's published OpenAPI document (`UpdateAuthConfigBody`,
 * `AuthConfigResponse`; supabase/cli packages/api/src/generated/openapi.json, apps/cli-go/pkg/api/types.gen.go).
 * Not modelled: the other ~250 fields (absent from GET, refused by PATCH), plan checks, per-field error
 * wording (ours reads like class-validator's; the real text is not published).
 */
import type { LocalAuthContext } from './context'
import type { EmailType } from './mailer'
import { DEFAULT_SUBJECTS } from './mailer'
import { decodeRequiredCharacters, encodeRequiredCharacters, REQUIRED_CHARACTER_CHOICES } from './password'

/** The stand-in's project ref (20 lowercase letters, like a hosted project's). */
export const LOCAL_PROJECT_REF = 'localauthdevproject0'
/** The personal access token the stand-in accepts as `Authorization: Bearer` (`sbp_` + 40 hex, like a real one). */
export const LOCAL_ACCESS_TOKEN = 'sbp_0000000000000000000000000000000000local'

/** Management API template names, as in `mailer_templates_<name>_content` / `mailer_subjects_<name>`. */
export const TEMPLATE_NAMES: Readonly<Record<string, EmailType>> = {
  confirmation: 'signup',
  recovery: 'recovery',
  magic_link: 'magiclink',
  invite: 'invite',
  email_change: 'email_change',
}

type FieldKind =
  | { type: 'string'; pattern?: RegExp; choices?: readonly string[] }
  | { type: 'integer'; minimum: number; maximum: number }
  | { type: 'boolean' }

/** Fields served, with their OpenAPI types and bounds (`UpdateAuthConfigBody`). All are nullable. */
export const FIELDS: Readonly<Record<string, FieldKind>> = {
  site_url: { type: 'string', pattern: /^[^,]+$/ },
  uri_allow_list: { type: 'string' },
  password_min_length: { type: 'integer', minimum: 6, maximum: 32767 },
  password_required_characters: { type: 'string', choices: REQUIRED_CHARACTER_CHOICES },
  password_hibp_enabled: { type: 'boolean' },
  mailer_secure_email_change_enabled: { type: 'boolean' },
  security_update_password_require_reauthentication: { type: 'boolean' },
  security_update_password_require_current_password: { type: 'boolean' },
  rate_limit_email_sent: { type: 'integer', minimum: 1, maximum: 2147483647 },
  security_sb_forwarded_for_enabled: { type: 'boolean' },
  external_email_enabled: { type: 'boolean' },
  smtp_host: { type: 'string' },
  smtp_port: { type: 'string' },
  smtp_user: { type: 'string' },
  smtp_pass: { type: 'string' },
  smtp_admin_email: { type: 'string', pattern: /^[^\s@]+@[^\s@]+$/ },
  smtp_sender_name: { type: 'string' },
  ...Object.fromEntries(
    Object.keys(TEMPLATE_NAMES).flatMap((name) => [
      [`mailer_subjects_${name}`, { type: 'string' }],
      [`mailer_templates_${name}_content`, { type: 'string' }],
    ]),
  ),
}

/** Pure: the class-validator-style messages for a PATCH body; empty when it is acceptable. */
export function validatePatch(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['body must be an object']
  const problems: string[] = []
  for (const [key, value] of Object.entries(body)) {
    const kind = FIELDS[key]
    if (!kind) {
      problems.push(`property ${key} should not exist`)
      continue
    }
    if (value === null) continue
    if (kind.type === 'string') {
      if (typeof value !== 'string') problems.push(`${key} must be a string`)
      else if (kind.pattern && !kind.pattern.test(value)) problems.push(`${key} must match ${kind.pattern.source} regular expression`)
      else if (kind.choices && !kind.choices.includes(value)) problems.push(`${key} must be one of the following values: ${kind.choices.join(', ')}`)
    } else if (kind.type === 'integer') {
      if (typeof value !== 'number' || !Number.isInteger(value)) problems.push(`${key} must be an integer number`)
      else if (value < kind.minimum) problems.push(`${key} must not be less than ${kind.minimum}`)
      else if (value > kind.maximum) problems.push(`${key} must not be greater than ${kind.maximum}`)
    } else if (typeof value !== 'boolean') problems.push(`${key} must be a boolean value`)
  }
  return problems
}

/** GET: the project's auth config, read from the stand-in's live settings. */
export async function readAuthConfig(ctx: LocalAuthContext): Promise<Record<string, unknown>> {
  const config: Record<string, unknown> = {
    site_url: ctx.config.siteUrl,
    uri_allow_list: ctx.config.uriAllowList.join(','),
    password_min_length: ctx.config.passwordMinLength,
    password_required_characters: encodeRequiredCharacters(ctx.config.passwordRequiredCharacters),
    password_hibp_enabled: ctx.config.passwordHibpEnabled,
    mailer_secure_email_change_enabled: ctx.config.secureEmailChange,
    security_update_password_require_reauthentication: ctx.config.updatePasswordRequireReauthentication,
    security_update_password_require_current_password: ctx.config.updatePasswordRequireCurrentPassword,
    rate_limit_email_sent: ctx.limits.settings.emailsPerHour,
    security_sb_forwarded_for_enabled: ctx.limits.settings.sbForwardedFor,
    external_email_enabled: ctx.config.emailProviderEnabled,
  }
  for (const key of ['smtp_host', 'smtp_port', 'smtp_user', 'smtp_admin_email', 'smtp_sender_name']) {
    config[key] = ctx.projectSettings.get(key) ?? null
  }
  // The password is write-only here: GET says whether one is set, never what it is.
  config.smtp_pass = ctx.projectSettings.get('smtp_pass') ? '******' : null
  for (const [name, type] of Object.entries(TEMPLATE_NAMES)) {
    const override = ctx.mailer.overrides.get(type)
    config[`mailer_subjects_${name}`] = override?.subject ?? DEFAULT_SUBJECTS[type]
    config[`mailer_templates_${name}_content`] = override?.content ?? (await ctx.mailer.templateFile(type))
  }
  return config
}

/** PATCH (already validated): apply each field where the stand-in acts on it, store the rest. */
export function applyAuthConfig(ctx: LocalAuthContext, patch: Record<string, unknown>): void {
  const next = { ...ctx.config }
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'site_url' && typeof value === 'string') next.siteUrl = value
    else if (key === 'uri_allow_list') next.uriAllowList = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : []
    else if (key === 'password_min_length' && typeof value === 'number') next.passwordMinLength = value
    else if (key === 'password_required_characters' && typeof value === 'string') next.passwordRequiredCharacters = decodeRequiredCharacters(value)
    else if (key === 'password_hibp_enabled' && typeof value === 'boolean') next.passwordHibpEnabled = value
    else if (key === 'mailer_secure_email_change_enabled' && typeof value === 'boolean') next.secureEmailChange = value
    else if (key === 'security_update_password_require_reauthentication' && typeof value === 'boolean') next.updatePasswordRequireReauthentication = value
    else if (key === 'security_update_password_require_current_password' && typeof value === 'boolean') next.updatePasswordRequireCurrentPassword = value
    else if (key === 'external_email_enabled' && typeof value === 'boolean') next.emailProviderEnabled = value
    else if (key === 'rate_limit_email_sent' && typeof value === 'number') ctx.limits.settings = { ...ctx.limits.settings, emailsPerHour: value }
    else if (key === 'security_sb_forwarded_for_enabled' && typeof value === 'boolean') {
      ctx.limits.settings = { ...ctx.limits.settings, sbForwardedFor: value }
    } else if (key.startsWith('mailer_')) applyTemplateField(ctx, key, value)
    else if (key.startsWith('smtp_')) ctx.projectSettings.set(key, value)
  }
  ctx.config = Object.freeze(next)
}

function applyTemplateField(ctx: LocalAuthContext, key: string, value: unknown): void {
  const match = /^mailer_(subjects|templates)_(.+?)(_content)?$/.exec(key)
  const type = match?.[2] ? TEMPLATE_NAMES[match[2]] : undefined
  if (!match || !type) return
  const current = { ...ctx.mailer.overrides.get(type) }
  const field = match[1] === 'subjects' ? 'subject' : 'content'
  // null (or an empty string) goes back to the default, as in the dashboard.
  if (typeof value === 'string' && value !== '') current[field] = value
  else delete current[field]
  ctx.mailer.overrides.set(type, current)
}
