/**
 * Turns the Worker's bindings into one frozen, typed Config. Only this module reads `env`.
 * Parsing is memoised per env object (sites.ts), so the cost is paid once per isolate, not per request.
 * A bad binding yields a ConfigError naming the keys, never their values (values may be secrets).
 */
import * as z from 'zod/mini'
import { brandingSchema, deriveBranding, type Branding } from './branding'
import { lazy } from './lib/lazy'
import { isLocale, LOCALES, SOURCE_LOCALE, type Locale } from './i18n/locales'

/** Email OTP types accepted at /auth/confirm (Supabase's `EmailOtpType`). */
export const EMAIL_OTP_TYPES = ['recovery', 'invite', 'magiclink', 'signup', 'email', 'email_change'] as const
export type EmailOtpType = (typeof EMAIL_OTP_TYPES)[number]

export type ConfirmMode = 'interstitial' | 'direct'

/** The subset of the Workers Rate Limiting binding we use. */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>
}

/** Everything the Worker needs to know about one site of its deployment, parsed once. */
export interface Config {
  /** The hostname this configuration answers for (`SITES` key), or `default` for the single-site bindings. */
  readonly siteId: string
  /** Supabase project URL, without a trailing slash. */
  readonly supabaseUrl: string
  /** Publishable (or legacy anon) key: safe to send to Supabase from the edge. */
  readonly supabaseKey: string
  /** SUPABASE_SECRET_KEY, a Worker secret: lets calls forward the person's IP (lib/supabase-forwarding.ts). */
  readonly secretKey: string | undefined
  /** Where people go after a reset (the main site). */
  readonly siteUrl: string
  /** Origins `next` may point to, besides this Worker's own: SITE_URL's plus ALLOWED_REDIRECT_ORIGINS. */
  readonly redirectOrigins: readonly string[]
  /** Cookie Domain attribute for the session cookies, e.g. `.example.com`; undefined = host-only. */
  readonly cookieDomain: string | undefined
  readonly passwordMinLength: number
  readonly confirmMode: ConfirmMode
  readonly upstreamTimeoutMs: number
  /** How long after the link (or code) a session may still set a password without the old one. */
  readonly recoveryMaxAgeSeconds: number
  /** APP_NAME; undefined = \"Your account\" in the page's language (i18n catalogues). */
  readonly appName: string | undefined
  /** Name of the session cookie @supabase/ssr writes: `sb-<first label of the Supabase host>-auth-token`. */
  readonly sessionCookieName: string
  readonly limiters: Readonly<Partial<Record<LimiterName, RateLimiter>>>
  /**
   * What every edge-limit key starts with: the Supabase project's host. Sites on one project share its
   * allowance (the same accounts, the same codes: two hostnames must not double the guesses at one
   * code); sites on different projects never use up each other's.
   */
  readonly limitScope: string
  /** The AUTH_EVENTS Analytics Engine dataset, when bound (events.ts); deployment-wide, shared by every site. */
  readonly events: EventSink | undefined
  /** The breached-password check before `updateUser` (src/breached-password.ts). */
  readonly breachedPassword: BreachedPasswordConfig
  /** Logo, colours (as a served stylesheet), support and legal links, footer (branding.ts). */
  readonly branding: Branding
  /** LOCALES: the languages pages are offered in (negotiated per request, src/i18n/negotiate.ts). */
  readonly locales: readonly Locale[]
  /** DEFAULT_LOCALE: the language when neither the person's choice nor Accept-Language matches. */
  readonly defaultLocale: Locale
}

/** BREACHED_PASSWORD_*: the Pwned Passwords range check on new passwords. */
export interface BreachedPasswordConfig {
  /** BREACHED_PASSWORD_CHECK `on` (default) or `off`. */
  readonly enabled: boolean
  /** Refuse a password seen at least this many times in breaches. */
  readonly minCount: number
  /** Range API base URL, without a trailing slash: Pwned Passwords, a self-hosted mirror, or a test server. */
  readonly apiUrl: string
  /** Past this the check is skipped (fail open) and logged. */
  readonly timeoutMs: number
}

/** Pwned Passwords' range API (https://haveibeenpwned.com/API/v3#PwnedPasswords): free, no key. */
export const DEFAULT_BREACHED_PASSWORD_API_URL = 'https://api.pwnedpasswords.com'

export const LIMITER_NAMES = [
  'FORGOT_IP_LIMITER',
  'FORGOT_EMAIL_LIMITER',
  'CONFIRM_IP_LIMITER',
  'CODE_IP_LIMITER',
  'CODE_EMAIL_LIMITER',
  'UPDATE_SESSION_LIMITER',
] as const
export type LimiterName = (typeof LIMITER_NAMES)[number]

/** The slice of the Workers Analytics Engine binding we use (events.ts); tests bind a recording double. */
export interface EventSink {
  writeDataPoint(point: { indexes: string[]; blobs: string[]; doubles: number[] }): void
}

/** A configuration problem: the keys at fault, for the page and the log. */
export class ConfigError extends Error {
  constructor(readonly keys: readonly string[]) {
    super(`invalid configuration: ${keys.join(', ')}`)
    this.name = 'ConfigError'
  }
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false
  const url = new URL(value)
  return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
}

function isBaseUrl(value: string): boolean {
  return isHttpUrl(value) && !value.includes('?') && !value.includes('#')
}

/** Comma-separated origins; each entry must be exactly an origin (no path, no wildcard). */
function parseOrigins(value: string): string[] | undefined {
  const origins: string[] = []
  for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const parsed = URL.canParse(item) ? new URL(item) : undefined
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== item.replace(/\/$/, '')) return undefined
    origins.push(parsed.origin)
  }
  return origins
}

/** The `role` claim of a JWT-shaped key, read without verifying (only to refuse a misplaced key). */
function jwtRole(value: string): string | undefined {
  const parts = value.split('.')
  if (parts.length !== 3 || !parts[1]) return undefined
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(parts[1].length / 4) * 4, '='))
    const role = (JSON.parse(json) as { role?: unknown }).role
    return typeof role === 'string' ? role : undefined
  } catch {
    return undefined
  }
}

/** A key with service-role rights: `sb_secret_…` or a legacy JWT whose role is service_role. */
export function isSecretKey(value: string): boolean {
  return value.trim().startsWith('sb_secret_') || jwtRole(value.trim()) === 'service_role'
}

const intInRange = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.refine(Number.isInteger), z.gte(min), z.lte(max)), fallback)

/** A cookie domain: optional leading dot, then DNS labels. */
const cookieDomainRe = /^\.?(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i

const bindingsSchema = lazy(() => {
  const httpUrl = z.string().check(z.trim(), z.refine(isHttpUrl))
  const originList = z._default(z.string().check(z.refine((value) => parseOrigins(value) !== undefined)), '')
  return z.object({
    SUPABASE_URL: httpUrl,
    SUPABASE_PUBLISHABLE_KEY: z.string().check(z.trim(), z.minLength(20), z.maxLength(4096), z.refine((v) => !isSecretKey(v))),
    // Only new secret keys: Supabase honours Sb-Forwarded-For from `sb_secret_` keys alone.
    SUPABASE_SECRET_KEY: z.optional(z.string().check(z.trim(), z.startsWith('sb_secret_'), z.minLength(20), z.maxLength(4096))),
    SITE_URL: httpUrl,
    ALLOWED_REDIRECT_ORIGINS: originList,
    COOKIE_DOMAIN: z.optional(z.string().check(z.trim(), z.regex(cookieDomainRe))),
    PASSWORD_MIN_LENGTH: intInRange(6, 72, 8),
    CONFIRM_MODE: z._default(z.enum(['interstitial', 'direct']), 'interstitial'),
    UPSTREAM_TIMEOUT_MS: intInRange(100, 30_000, 5_000),
    RECOVERY_MAX_AGE_SECONDS: intInRange(60, 86_400, 900),
    APP_NAME: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(80))),
    BREACHED_PASSWORD_CHECK: z._default(z.enum(['on', 'off']), 'on'),
    BREACHED_PASSWORD_MIN_COUNT: intInRange(1, 1_000_000_000, 1),
    // A base URL we append `/range/<prefix>` to: no query or fragment.
    BREACHED_PASSWORD_API_URL: z._default(z.string().check(z.trim(), z.refine(isBaseUrl)), DEFAULT_BREACHED_PASSWORD_API_URL),
    BREACHED_PASSWORD_TIMEOUT_MS: intInRange(50, 10_000, 1_000),
    BRANDING: z.pipe(z.transform(parseJsonText), brandingSchema),
    // Comma-separated (or, in SITES, a JSON array): e.g. "en,de,fr". Unset: every shipped locale.
    LOCALES: z.optional(z.pipe(z.transform(parseLocaleList), z.array(z.string().check(z.refine(isLocale))).check(z.minLength(1)))),
    DEFAULT_LOCALE: z.optional(z.string().check(z.trim(), z.toLowerCase(), z.refine(isLocale))),
  })
})

/** Empty strings in bindings mean "not set", so defaults apply. */
function withoutEmpty(env: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '' && v !== undefined && v !== null))
}

function isEventSink(value: unknown): value is EventSink {
  return typeof value === 'object' && value !== null && typeof (value as EventSink).writeDataPoint === 'function'
}

function isRateLimiter(value: unknown): value is RateLimiter {
  return typeof value === 'object' && value !== null && typeof (value as RateLimiter).limit === 'function'
}

/** LOCALES as given: "en, de" or ["en", "de"] → lower-case tags (validated by the schema). */
function parseLocaleList(value: unknown): unknown {
  const items = typeof value === 'string' ? value.split(',') : value
  return Array.isArray(items) ? items.map((item) => (typeof item === 'string' ? item.trim().toLowerCase() : item)).filter((item) => item !== '') : items
}

/** A binding given as JSON text (a plain `[vars]` string) or already as an object (a `[vars]` table). */
export function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return Symbol('not JSON') // fails the object schema that follows, naming the key
  }
}

/** The binding (or `BRANDING.<field>`) an issue is about; a misspelt BRANDING field is named as written. */
function issueKeys(issue: { path: readonly PropertyKey[]; code?: string; keys?: readonly string[] }): string[] {
  const key = issue.path.slice(0, issue.path[0] === 'BRANDING' ? 2 : 1).map(String).join('.') || 'env'
  return issue.code === 'unrecognized_keys' && issue.keys ? issue.keys.map((field) => `${key}.${field}`) : [key]
}

/** Pure: bindings in, Config or the names of the bad keys out. `siteId` names the site (SITES key). */
export function parseConfig(env: Record<string, unknown>, siteId = 'default'): Config | ConfigError {
  const result = bindingsSchema().safeParse(withoutEmpty(env))
  if (!result.success) {
    const keys = [...new Set(result.error.issues.flatMap(issueKeys))]
    return new ConfigError(keys.sort())
  }
  const b = result.data
  const branding = deriveBranding(b.BRANDING, b.APP_NAME)
  if (Array.isArray(branding)) return new ConfigError(branding.map((problem) => `BRANDING.${problem.key}`))
  const locales = [...new Set((b.LOCALES ?? LOCALES) as Locale[])]
  const defaultLocale = (b.DEFAULT_LOCALE as Locale | undefined) ?? (locales.includes(SOURCE_LOCALE) ? SOURCE_LOCALE : (locales[0] as Locale))
  // The default must be one of the offered languages, or negotiation could serve one the site refused.
  if (!locales.includes(defaultLocale)) return new ConfigError(['DEFAULT_LOCALE'])
  const siteUrl = new URL(b.SITE_URL)
  const supabaseUrl = new URL(b.SUPABASE_URL)
  const supabaseHost = supabaseUrl.hostname
  const limiters: Partial<Record<LimiterName, RateLimiter>> = {}
  for (const name of LIMITER_NAMES) {
    const binding = env[name]
    if (isRateLimiter(binding)) limiters[name] = binding
  }
  return Object.freeze({
    siteId,
    supabaseUrl: b.SUPABASE_URL.replace(/\/+$/, ''),
    supabaseKey: b.SUPABASE_PUBLISHABLE_KEY,
    secretKey: b.SUPABASE_SECRET_KEY,
    siteUrl: siteUrl.href,
    redirectOrigins: Object.freeze([...new Set([siteUrl.origin, ...(parseOrigins(b.ALLOWED_REDIRECT_ORIGINS) ?? [])])]),
    cookieDomain: b.COOKIE_DOMAIN || undefined,
    passwordMinLength: b.PASSWORD_MIN_LENGTH,
    confirmMode: b.CONFIRM_MODE,
    upstreamTimeoutMs: b.UPSTREAM_TIMEOUT_MS,
    recoveryMaxAgeSeconds: b.RECOVERY_MAX_AGE_SECONDS,
    appName: b.APP_NAME,
    // The storage key supabase-js derives from the project URL (SupabaseClient: `sb-${hostname.split('.')[0]}-auth-token`).
    sessionCookieName: `sb-${supabaseHost.split('.')[0]}-auth-token`,
    limiters: Object.freeze(limiters),
    limitScope: supabaseUrl.host,
    events: isEventSink(env.AUTH_EVENTS) ? env.AUTH_EVENTS : undefined,
    breachedPassword: Object.freeze({
      enabled: b.BREACHED_PASSWORD_CHECK === 'on',
      minCount: b.BREACHED_PASSWORD_MIN_COUNT,
      apiUrl: b.BREACHED_PASSWORD_API_URL.replace(/\/+$/, ''),
      timeoutMs: b.BREACHED_PASSWORD_TIMEOUT_MS,
    }),
    branding,
    locales: Object.freeze(locales),
    defaultLocale,
  } satisfies Config)
}
