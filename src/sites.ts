/**
 * One deployment, many sites: the `SITES` binding maps each hostname the Worker answers on to that
 * site's settings (the same keys as the single-site bindings, plus BRANDING), so auth.brand-a.com and
 * auth.brand-b.com each get their own Supabase project, redirect rules, cookies and look. Without
 * `SITES`, the bindings themselves are the one site, answering on any hostname (the quick start).
 * Top-level bindings are defaults every site inherits; a site that fails to parse answers with the
 * configuration page naming its keys, without taking the other sites down. A key that is no hostname
 * (`auth.brand-c.com:8443`) takes nothing down either: no request can reach it, the other sites keep
 * working and never show it, and it is named in the log of requests for hostnames no site answers on
 * (and by `npm run doctor`). Parsed once per isolate.
 */
import { ConfigError, parseConfig, parseJsonText, type Config } from './config'

/** Keys a site may set. Anything else in a SITES entry is refused (a typo must not pass silently). */
export const SITE_KEYS: ReadonlySet<string> = new Set([
  'SUPABASE_URL',
  'SUPABASE_PUBLISHABLE_KEY',
  'SITE_URL',
  'ALLOWED_REDIRECT_ORIGINS',
  'COOKIE_DOMAIN',
  'PASSWORD_MIN_LENGTH',
  'CONFIRM_MODE',
  'UPSTREAM_TIMEOUT_MS',
  'RECOVERY_MAX_AGE_SECONDS',
  'APP_NAME',
  'BRANDING',
  'BREACHED_PASSWORD_CHECK',
  'BREACHED_PASSWORD_MIN_COUNT',
  'BREACHED_PASSWORD_API_URL',
  'BREACHED_PASSWORD_TIMEOUT_MS',
  'LOCALES',
  'DEFAULT_LOCALE',
  // The *name* of the Worker secret holding this site's SUPABASE_SECRET_KEY (secrets never sit in vars).
  'SUPABASE_SECRET_KEY_BINDING',
])

/** The parsed deployment: one site for every hostname, or a site per configured hostname. */
export type Deployment =
  | { readonly kind: 'single'; readonly site: Config | ConfigError }
  | {
      readonly kind: 'sites'
      readonly sites: ReadonlyMap<string, Config | ConfigError>
      /** `SITES.<key>` for each key that is no bare hostname: no request reaches them. */
      readonly invalidKeys: readonly string[]
    }

const hostnameRe = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

/** Pure: bindings in, the deployment (or, when SITES itself is unreadable, the error naming it) out. */
export function parseDeployment(env: Record<string, unknown>): Deployment | ConfigError {
  const raw = env.SITES
  if (raw === undefined || raw === null || raw === '') return { kind: 'single', site: parseConfig(env) }
  const parsed = parseJsonText(raw)
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
    return new ConfigError(['SITES'])
  }
  const sites = new Map<string, Config | ConfigError>()
  const invalidKeys: string[] = []
  for (const [key, entry] of Object.entries(parsed as Record<string, unknown>)) {
    const hostname = siteHostname(key)
    if (hostname === undefined) invalidKeys.push(`SITES.${key}`)
    // Two entries for one hostname (`Auth.Brand-A.com` and `auth.brand-a.com`): neither is meant more, so that site is the error.
    else if (sites.has(hostname)) sites.set(hostname, new ConfigError([`SITES.${key}`]))
    else sites.set(hostname, parseSiteSafely(env, hostname, entry))
  }
  // Nothing answers anywhere: the whole deployment is the error.
  if (sites.size === 0) return new ConfigError(invalidKeys)
  return { kind: 'sites', sites, invalidKeys }
}

/**
 * Pure: a SITES key as the hostname requests arrive with: lower case, and an internationalised name
 * (`auth.bücher.de`) in its ASCII form (`auth.xn--bcher-kva.de`), as browsers send it. Undefined for
 * anything but a bare hostname (a path, port, userinfo, a trailing dot).
 */
function siteHostname(key: string): string | undefined {
  const trimmed = key.trim()
  if (!/^[^/?#@:\\\s]+$/.test(trimmed)) return undefined
  try {
    const { hostname } = new URL(`https://${trimmed}`)
    return hostnameRe.test(hostname) ? hostname : undefined
  } catch {
    return undefined
  }
}

/** One site's parse never takes the others down: a throw we did not foresee names the whole site. */
function parseSiteSafely(env: Record<string, unknown>, hostname: string, entry: unknown): Config | ConfigError {
  try {
    return parseSite(env, hostname, entry)
  } catch {
    return new ConfigError([`SITES.${hostname}`])
  }
}

function parseSite(env: Record<string, unknown>, hostname: string, entry: unknown): Config | ConfigError {
  const name = (key: string) => `SITES.${hostname}.${key}`
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return new ConfigError([`SITES.${hostname}`])
  const unknown = Object.keys(entry).filter((key) => !SITE_KEYS.has(key))
  if (unknown.length) return new ConfigError(unknown.map(name).sort())
  // A top-level secret key belongs to one project: sites never inherit it, each names its own binding.
  const { SITES: _sites, SUPABASE_SECRET_KEY: _secret, ...defaults } = env
  const { SUPABASE_SECRET_KEY_BINDING: secretBinding, ...settings } = entry as Record<string, unknown>
  if (secretBinding !== undefined) {
    if (typeof secretBinding !== 'string' || typeof env[secretBinding] !== 'string') return new ConfigError([name('SUPABASE_SECRET_KEY_BINDING')])
    settings.SUPABASE_SECRET_KEY = env[secretBinding]
  }
  const config = parseConfig({ ...defaults, ...settings }, hostname)
  if (config instanceof ConfigError) return new ConfigError(config.keys.map(name))
  // A cookie domain the site's own hostname is not within (one inherited from the top level, say):
  // browsers drop every session cookie set with it, so each reset would end at "session missing".
  if (config.cookieDomain !== undefined && !isWithinDomain(hostname, config.cookieDomain)) return new ConfigError([name('COOKIE_DOMAIN')])
  return config
}

/** Pure: does a cookie with `Domain=domain` reach `hostname` (RFC 6265 §5.1.3 domain-match)? */
export function isWithinDomain(hostname: string, domain: string): boolean {
  const bare = domain.replace(/^\./, '').toLowerCase()
  return hostname === bare || hostname.endsWith(`.${bare}`)
}

/** Pure: the configuration of the site at `hostname`; undefined when no site answers there. */
export function siteFor(deployment: Deployment | ConfigError, hostname: string): Config | ConfigError | undefined {
  if (deployment instanceof ConfigError) return deployment
  if (deployment.kind === 'single') return deployment.site
  return deployment.sites.get(hostname.toLowerCase())
}

const memo = new WeakMap<object, Deployment | ConfigError>()

/** parseDeployment, memoised per env object (the runtime hands the same object to every request). */
export function loadDeployment(env: object): Deployment | ConfigError {
  let deployment = memo.get(env)
  if (!deployment) {
    deployment = parseDeployment(env as Record<string, unknown>)
    memo.set(env, deployment)
  }
  return deployment
}

/** The SITES keys no request can reach (none without SITES, or when SITES itself is the error). */
export function invalidSiteKeys(env: object): readonly string[] {
  const deployment = loadDeployment(env)
  return deployment instanceof ConfigError || deployment.kind === 'single' ? [] : deployment.invalidKeys
}

/** The configuration for a request's hostname, parsed once per isolate. */
export function loadSiteConfig(env: object, hostname: string): Config | ConfigError | undefined {
  return siteFor(loadDeployment(env), hostname)
}
