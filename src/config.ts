/**
 * Turns the Worker's bindings into one frozen, typed Config. Only this module reads `env`.
 * Parsing is memoised per env object, so the cost is paid once per isolate, not per request.
 * A bad binding yields a ConfigError naming the keys, never their values (values may be secrets).
 */
import * as z from 'zod/mini'
import { lazy } from './lib/lazy'

/** Email OTP types accepted at /auth/confirm (Supabase's `EmailOtpType`). */
export const EMAIL_OTP_TYPES = ['recovery', 'invite', 'magiclink', 'signup', 'email', 'email_change'] as const
export type EmailOtpType = (typeof EMAIL_OTP_TYPES)[number]

export type ConfirmMode = 'interstitial' | 'direct'

/** The subset of the Workers Rate Limiting binding we use. */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>
}

/** Everything the Worker needs to know about its deployment, parsed once. */
export interface Config {
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
  readonly appName: string
  readonly limiters: Readonly<Partial<Record<LimiterName, RateLimiter>>>
}

export const LIMITER_NAMES = [
  'FORGOT_IP_LIMITER',
  'FORGOT_EMAIL_LIMITER',
  'CONFIRM_IP_LIMITER',
  'CODE_IP_LIMITER',
  'CODE_EMAIL_LIMITER',
  'UPDATE_SESSION_LIMITER',
] as const
export type LimiterName = (typeof LIMITER_NAMES)[number]

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
    APP_NAME: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(80)), 'Your account'),
  })
})

/** Empty strings in bindings mean "not set", so defaults apply. */
function withoutEmpty(env: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '' && v !== undefined && v !== null))
}

function isRateLimiter(value: unknown): value is RateLimiter {
  return typeof value === 'object' && value !== null && typeof (value as RateLimiter).limit === 'function'
}

/** Pure: bindings in, Config or the names of the bad keys out. */
export function parseConfig(env: Record<string, unknown>): Config | ConfigError {
  const result = bindingsSchema().safeParse(withoutEmpty(env))
  if (!result.success) {
    const keys = [...new Set(result.error.issues.map((issue) => String(issue.path[0] ?? 'env')))]
    return new ConfigError(keys.sort())
  }
  const b = result.data
  const siteUrl = new URL(b.SITE_URL)
  const limiters: Partial<Record<LimiterName, RateLimiter>> = {}
  for (const name of LIMITER_NAMES) {
    const binding = env[name]
    if (isRateLimiter(binding)) limiters[name] = binding
  }
  return Object.freeze({
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
    limiters: Object.freeze(limiters),
  } satisfies Config)
}

const memo = new WeakMap<object, Config | ConfigError>()

/** parseConfig, memoised per env object (the runtime hands the same object to every request). */
export function loadConfig(env: object): Config | ConfigError {
  let config = memo.get(env)
  if (!config) {
    config = parseConfig(env as Record<string, unknown>)
    memo.set(env, config)
  }
  return config
}
