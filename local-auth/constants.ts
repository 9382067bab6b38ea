/**
 * Every fixed number and default of the stand-in, with its unit in the name.
 * Values mirror GoTrue's server defaults or the Supabase CLI stack (cited per line) so that a test
 * written against the stand-in sees the same limits as production. Not configuration parsing: see options.ts.
 */

/** GoTrue caps request bodies at 1 MiB [auth:internal/api/api.go]. */
export const MAX_BODY_BYTES = 1024 * 1024
/** bcrypt's hard limit, enforced by GoTrue on password updates [auth:internal/api/password.go]. */
export const MAX_PASSWORD_BYTES = 72
/** GOTRUE_MAILER_OTP_LENGTH default. */
export const OTP_LENGTH = 6
/** RFC 7636 §4.2 bounds that GoTrue checks on `code_challenge` [auth:internal/api/helpers.go]. */
export const MIN_CODE_CHALLENGE_LENGTH = 43
export const MAX_CODE_CHALLENGE_LENGTH = 128
/** Longest accepted email address [auth:internal/api/mail.go]. */
export const MAX_EMAIL_LENGTH = 255
/** Legacy refresh tokens: 12 lowercase base32-ish characters [auth:internal/crypto/crypto.go]. */
export const REFRESH_TOKEN_LENGTH = 12
/** Admin list default page size [auth:internal/api/pagination.go]. */
export const ADMIN_DEFAULT_PER_PAGE = 50
/** JWKS responses are cacheable for 10 minutes [auth:internal/api/jwks.go]. */
export const JWKS_CACHE_CONTROL = 'public, max-age=600'
/** The only API version GoTrue knows besides the initial one [auth:internal/api/apiversions.go]. */
export const API_VERSION_2024 = '2024-01-01'

/** Defaults of {@link LocalAuthOptions}; the CLI overrides port and seedDemoUser. */
export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_CLI_PORT = 54321
export const DEFAULT_SITE_URL = 'http://127.0.0.1:8787'
export const DEFAULT_OTP_EXPIRY_SECONDS = 3600
export const DEFAULT_MAX_FREQUENCY_SECONDS = 60
export const DEFAULT_PASSWORD_MIN_LENGTH = 6
/** The Pwned Passwords range API GoTrue's HIBP client calls [supabase/hibp@d225752 pwned.go `PwnedPasswordsURL`]. */
export const DEFAULT_PWNED_PASSWORDS_URL = 'https://api.pwnedpasswords.com'
/** GoTrue's HIBP HTTP client timeout [auth:internal/api/api.go:144-148]. */
export const HIBP_TIMEOUT_MS = 5000
/** GoTrue's HIBP User-Agent default [auth:internal/conf/configuration.go:304]. */
export const HIBP_USER_AGENT = 'https://github.com/supabase/gotrue'
/** How old a session may be before a password change needs reauthentication [auth:internal/api/user.go:157]. */
export const REAUTHENTICATION_AFTER_MS = 24 * 3600 * 1000
export const DEFAULT_JWT_EXPIRY_SECONDS = 3600
export const DEFAULT_FLOW_STATE_EXPIRY_SECONDS = 300
/** The CLI's `refresh_token_reuse_interval = 10` [cli:apps/cli-go/pkg/config/templates/config.toml:174]; GoTrue's own default is 0. */
export const DEFAULT_REFRESH_TOKEN_REUSE_INTERVAL_SECONDS = 10
/** The Supabase CLI's well-known development secret; never use it outside local development. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long'
/** Fixed so the legacy anon/service_role keys are the same on every start (HS256 is deterministic). */
export const LEGACY_KEY_EXP_UNIX_SECONDS = 1983812996
export const PUBLISHABLE_KEY = 'sb_publishable_localauth_dev_0000000000000'
export const SECRET_KEY = 'sb_secret_localauth_dev_00000000000000000'

/** The demo account seeded by the CLI (and by `seedDemoUser: true`). */
export const DEMO_EMAIL = 'demo@example.com'
export const DEMO_PASSWORD = 'demo-password-123'

/** Roles GoTrue treats as admin in the CLI stack [cli:internal/start/start.go]. */
export const ADMIN_ROLES: readonly string[] = ['service_role']
export const DEFAULT_AUD = 'authenticated'
export const DEFAULT_ROLE = 'authenticated'
