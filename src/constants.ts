/**
 * Every fixed number and name the Worker uses, in one place, with its unit in the name.
 * Values that operators may change live in config.ts (bindings), not here.
 */

/** Largest form body we read; a reset form is a few hundred bytes. */
export const MAX_FORM_BYTES = 8 * 1024

/** Longest `next` we consider; longer values fall back to the default (and are not carried on in a form). */
export const MAX_NEXT_LENGTH = 2048

/**
 * Query characters a language link carries over from its page, as the link writes them (percent-encoded):
 * a link's token hash and type and a long `next` fit; nothing we send needs more.
 */
export const LANGUAGE_LINK_QUERY_BUDGET = 4096

/** Longest path a language link repeats (ours are under 40 characters): a page at a longer one, a 404, gets no menu. */
export const LANGUAGE_LINK_PATH_MAX = 256

/** Longest email address (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254

/** bcrypt, and so Supabase Auth, ignores bytes past 72; Supabase rejects longer passwords. */
export const MAX_PASSWORD_BYTES = 72

/** Retry-After for our own edge limits: the Workers Rate Limiting binding counts per 60 s. */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 60

/**
 * The Worker's own cookies carry `auth-` in their names: where it is mounted on paths of the main site
 * (`www.brand-b.com/auth/*`) its cookies reach the whole host (`__Host-` means `Path=/`), and a bare
 * `__Host-csrf` or `lang` could overwrite the main site's own. Over plain http (local development only)
 * the short names are used; the bench's load generator sends `csrf`.
 */

/** Name of the double-submit CSRF cookie (the `__Host-` prefix needs https). */
export const CSRF_COOKIE_SECURE = '__Host-auth-csrf'
export const CSRF_COOKIE_PLAIN = 'csrf'

/** Remembers (as a SHA-256) which link this browser already confirmed: lets a second click continue. */
export const CONFIRMED_LINK_COOKIE_SECURE = '__Host-auth-confirmed-link'
export const CONFIRMED_LINK_COOKIE_PLAIN = 'confirmed-link'

/** Which account this browser held before a link switched it to another (login CSRF notice). */
export const ACCOUNT_SWITCH_COOKIE_SECURE = '__Host-auth-account-switch'
export const ACCOUNT_SWITCH_COOKIE_PLAIN = 'account-switch'

/** Form field that carries the CSRF token. */
export const CSRF_FIELD = 'csrf_token'

/** New-password form field naming the account (the session's user id) the form was shown for. */
export const ACCOUNT_FIELD = 'account_id'

/** Where the recovery flow sends people after the link, and where they ask for a new one. */
export const UPDATE_PASSWORD_PATH = '/account/update-password'
export const FORGOT_PASSWORD_PATH = '/account/forgot-password'
export const VERIFY_CODE_PATH = '/account/verify-code'
export const ERROR_PATH = '/auth/auth-code-error'
/** "You are now signed in as …; you were signed in as …", after a link switched accounts. */
export const SIGNED_IN_PATH = '/account/signed-in'
/** Sign out of this browser (a CSRF-protected POST; GET shows the button). */
export const SIGN_OUT_PATH = '/account/sign-out'

/** Cache headers on every response: session cookies must never be cached by a CDN or browser. */
export const NO_STORE = 'private, no-store'

/** The language menu's choice (src/middleware/locale.ts): not secret, read by nothing but this Worker; not `lang`, which sites use too. */
export const LANG_COOKIE = 'auth-lang'
/** The query parameter the language menu's links set. */
export const LANG_PARAM = 'lang'
/** A language choice is remembered for a year. */
export const LANG_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60
