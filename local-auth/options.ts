/**
 * `LocalAuthOptions` (the public knobs) and their normalisation into a frozen `LocalAuthConfig`.
 * Defaults live in one object so they are visible in one place; nothing else reads options.
 * Trade-off: values are taken as given (GoTrue would raise a password minimum below 6 or a flow-state
 * expiry below 300 s); a test that sets them wants exactly that.
 */
import { fileURLToPath } from 'node:url'
import * as C from './constants'
import { CLI_LIMITS, type LimitSettings } from './limits'

/** Options of {@link startLocalAuth}. */
export interface LocalAuthOptions {
  /** Port to listen on; 0 picks a free port (default 0; the CLI uses 54321 or PORT). */
  port?: number
  /** Interface to bind (default '127.0.0.1'). */
  host?: string
  /** GoTrue SITE_URL: `.SiteURL` in emails and the redirect_to fallback/allow rule. */
  siteUrl?: string
  /** GOTRUE_URI_ALLOW_LIST globs (`*` within a segment, `**` across, `?` one character). */
  uriAllowList?: string[]
  /** Folder holding recovery.html etc. Default: `<repo>/templates`, resolved from this file. */
  templatesDir?: string
  /** GOTRUE_MAILER_OTP_EXP in seconds (default 3600, as the CLI stack). */
  otpExpirySeconds?: number
  /** GOTRUE_SMTP_MAX_FREQUENCY: per-user resend gap in seconds (default 60, production). */
  maxFrequencySeconds?: number
  /** GOTRUE_PASSWORD_MIN_LENGTH (default 6). */
  passwordMinLength?: number
  /**
   * GOTRUE_PASSWORD_REQUIRED_CHARACTERS, already split into sets: a new password needs one character
   * of each, or 422 weak_password with the reason `characters` (default none). The dashboard's choices
   * are `REQUIRED_CHARACTER_CHOICES` (password.ts); `decodeRequiredCharacters` reads GoTrue's `a:b\:c` form.
   */
  passwordRequiredCharacters?: string[]
  /**
   * GOTRUE_PASSWORD_HIBP_ENABLED ("Prevent use of leaked passwords"): new passwords are looked up in
   * the Pwned Passwords range API at `pwnedPasswordsUrl`; a hit is the reason `pwned` (default false).
   */
  passwordHibpEnabled?: boolean
  /** GOTRUE_PASSWORD_HIBP_FAIL_CLOSED: when the range API cannot be read, refuse with a 500 instead of allowing (default false). */
  passwordHibpFailClosed?: boolean
  /** Where the range API is (GoTrue's is fixed: https://api.pwnedpasswords.com); tests and dev use local-pwned. */
  pwnedPasswordsUrl?: string
  /**
   * GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION: PUT /user with a password from a session
   * more than 24 h old needs a reauthentication nonce (400 reauthentication_needed; default false).
   * There is no /reauthenticate here, so every nonce is refused (422 reauthentication_not_valid).
   */
  updatePasswordRequireReauthentication?: boolean
  /**
   * GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD: PUT /user with a password needs
   * `current_password`, except in a recovery session (default false).
   */
  updatePasswordRequireCurrentPassword?: boolean
  /** Access-token signing: 'ES256' (default; JWKS served with a kid) or 'HS256' (shared secret). */
  jwtAlgorithm?: 'ES256' | 'HS256'
  /** HS secret; also signs the legacy anon/service_role apikey JWTs. */
  jwtSecret?: string
  /** GOTRUE_JWT_EXP in seconds (default 3600). */
  jwtExpirySeconds?: number
  /** PKCE flow-state lifetime in seconds (default 300). */
  flowStateExpirySeconds?: number
  /** Extra delay in ms before every /auth/v1 response (benchmarks use 30). */
  latencyMs?: number
  /**
   * Supabase's own limits (per-IP buckets, hourly email budget, Sb-Forwarded-For), merged over
   * `CLI_LIMITS` (off, like the Supabase CLI stack); pass `HOSTED_LIMITS` for a hosted project's.
   */
  limits?: Partial<LimitSettings>
  /** GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL in seconds (default 10, the CLI's config.toml; GoTrue's own default is 0). */
  refreshTokenReuseIntervalSeconds?: number
  /**
   * GOTRUE_MAILER_SECURE_EMAIL_CHANGE_ENABLED: an email change mails both addresses and needs both
   * links (the first answers "Confirmation link accepted…" with no session). Default true, GoTrue's and
   * a hosted project's [auth:internal/conf/configuration.go:631].
   */
  secureEmailChange?: boolean
  /**
   * GOTRUE_EXTERNAL_EMAIL_ENABLED, the dashboard's Email provider switch (Management API
   * `external_email_enabled`). Off: /recover and /resend answer 400 and the password grant and /otp 422
   * `email_provider_disabled` "Email logins are disabled", /signup 400 "Email signups are disabled", and
   * /settings says `external.email: false` [auth:internal/api/middleware.go:226-235, resend.go:47-50,
   * token.go:93-96, magic_link.go:46-48, signup.go:141-143, settings.go:73]. Default true.
   */
  emailProviderEnabled?: boolean
  /** GOTRUE_MAILER_AUTOCONFIRM: signups get a session at once and no email (default false, as hosted). */
  autoconfirm?: boolean
  /**
   * GOTRUE_EXTERNAL_EMAIL_AUTHORIZED_ADDRESSES: when set, emails go only to these addresses (a `+label`
   * ignored), as on a hosted project still sending with Supabase's built-in SMTP, which mails only the
   * team's addresses; others get 400 email_address_not_authorized (default none: every address).
   */
  authorizedAddresses?: string[]
  /**
   * GOTRUE_MAILER_EMAIL_VALIDATION_EXTENDED: refuse, when sending, addresses no mail can reach
   * (example.com, .test, typo domains, short gmail names) with 400 email_address_invalid, after the
   * hourly email budget is charged (default false, GoTrue's; hosted projects turn it on).
   */
  emailValidation?: boolean
  /** Seed demo@example.com on start and on reset (default false; the CLI sets true). */
  seedDemoUser?: boolean
  /** Logger for one-line events; silent by default. */
  log?: (line: string) => void
}

/** Normalised options; `templatesDir` is absolute. */
export type LocalAuthConfig = Readonly<Required<Omit<LocalAuthOptions, 'limits'>> & { limits: Readonly<LimitSettings> }>

const defaultTemplatesDir = fileURLToPath(new URL('../templates', import.meta.url))

/** Fill in defaults and freeze. */
export function resolveOptions(options: LocalAuthOptions = {}): LocalAuthConfig {
  const config = {
    port: options.port ?? 0,
    host: options.host ?? C.DEFAULT_HOST,
    siteUrl: options.siteUrl ?? C.DEFAULT_SITE_URL,
    uriAllowList: options.uriAllowList ?? [],
    templatesDir: options.templatesDir ?? defaultTemplatesDir,
    otpExpirySeconds: options.otpExpirySeconds ?? C.DEFAULT_OTP_EXPIRY_SECONDS,
    maxFrequencySeconds: options.maxFrequencySeconds ?? C.DEFAULT_MAX_FREQUENCY_SECONDS,
    passwordMinLength: options.passwordMinLength ?? C.DEFAULT_PASSWORD_MIN_LENGTH,
    passwordRequiredCharacters: options.passwordRequiredCharacters ?? [],
    passwordHibpEnabled: options.passwordHibpEnabled ?? false,
    passwordHibpFailClosed: options.passwordHibpFailClosed ?? false,
    pwnedPasswordsUrl: (options.pwnedPasswordsUrl ?? C.DEFAULT_PWNED_PASSWORDS_URL).replace(/\/+$/, ''),
    updatePasswordRequireReauthentication: options.updatePasswordRequireReauthentication ?? false,
    updatePasswordRequireCurrentPassword: options.updatePasswordRequireCurrentPassword ?? false,
    jwtAlgorithm: options.jwtAlgorithm ?? 'ES256',
    jwtSecret: options.jwtSecret ?? C.DEFAULT_JWT_SECRET,
    jwtExpirySeconds: options.jwtExpirySeconds ?? C.DEFAULT_JWT_EXPIRY_SECONDS,
    flowStateExpirySeconds: options.flowStateExpirySeconds ?? C.DEFAULT_FLOW_STATE_EXPIRY_SECONDS,
    latencyMs: options.latencyMs ?? 0,
    limits: Object.freeze({ ...CLI_LIMITS, ...options.limits }),
    refreshTokenReuseIntervalSeconds: options.refreshTokenReuseIntervalSeconds ?? C.DEFAULT_REFRESH_TOKEN_REUSE_INTERVAL_SECONDS,
    autoconfirm: options.autoconfirm ?? false,
    secureEmailChange: options.secureEmailChange ?? true,
    emailProviderEnabled: options.emailProviderEnabled ?? true,
    authorizedAddresses: options.authorizedAddresses ?? [],
    emailValidation: options.emailValidation ?? false,
    seedDemoUser: options.seedDemoUser ?? false,
    log: options.log ?? (() => {}),
  } satisfies LocalAuthConfig
  return Object.freeze(config)
}
