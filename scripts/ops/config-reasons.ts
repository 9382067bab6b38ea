/**
 * The doctor's side of a refused configuration: what a valid value of each key the Worker named looks
 * like, and, for a name the Worker does not know, the setting it was probably meant to be. The Worker's
 * ConfigError names keys only (its page is public); these sentences describe the rule, never the value
 * (values may be secrets). Kept out of src/ so the Worker's bundle does not carry them.
 */
import { LIMITER_NAMES } from '../../src/config'
import { LOCALES } from '../../src/i18n/locales'
import { SITE_KEYS } from '../../src/sites'

const WHOLE = (min: number, max: number) => `a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`
const HTTP_URL = 'an http(s) URL with no user name or password'

/** Every binding the Worker reads (bindings schema, src/config.ts), and what it accepts. */
const BINDINGS: Readonly<Record<string, string>> = {
  SUPABASE_URL: `${HTTP_URL}, the project's API URL (https://<project-ref>.supabase.co or its custom domain)`,
  SUPABASE_PUBLISHABLE_KEY: "the project's publishable key (sb_publishable_…) or legacy anon key, 20 to 4,096 characters; never a secret or service_role key",
  SUPABASE_SECRET_KEY: 'an sb_secret_… key (Supabase honours forwarded IPs from these alone), 20 to 4,096 characters',
  SUPABASE_SECRET_KEY_BINDING: 'the name of a Worker secret that exists (npx wrangler secret put <NAME>), holding that project’s sb_secret_… key',
  SITE_URL: `${HTTP_URL}: where people land after a reset`,
  ALLOWED_REDIRECT_ORIGINS: 'comma-separated origins, each exactly scheme://host[:port] with no path, query or wildcard',
  COOKIE_DOMAIN: "a domain such as .example.com that covers the site's own hostname (else browsers drop every session cookie)",
  PASSWORD_MIN_LENGTH: WHOLE(6, 72),
  CONFIRM_MODE: '"interstitial" or "direct"',
  UPSTREAM_TIMEOUT_MS: WHOLE(100, 30_000),
  RECOVERY_MAX_AGE_SECONDS: WHOLE(60, 86_400),
  APP_NAME: '1 to 80 characters',
  BREACHED_PASSWORD_CHECK: '"on" or "off"',
  BREACHED_PASSWORD_MIN_COUNT: WHOLE(1, 1_000_000_000),
  BREACHED_PASSWORD_API_URL: `${HTTP_URL} and no query or fragment (the Worker appends /range/<prefix>)`,
  BREACHED_PASSWORD_TIMEOUT_MS: WHOLE(50, 10_000),
  BRANDING: 'a JSON object of branding fields (README "Branding"); check that it is valid JSON',
  LOCALES: `one or more of ${LOCALES.join(', ')}, comma-separated (in SITES, a JSON array)`,
  DEFAULT_LOCALE: `one of ${LOCALES.join(', ')}, and one of the site's LOCALES`,
  SITES: 'a JSON object, not empty, from each hostname to its settings; check that it is valid JSON',
}

const COLOUR = 'a #rgb or #rrggbb colour'
const CONTRAST = 'that, with the scheme’s other colours, meets WCAG AA contrast (4.5:1) where text meets it'
const HTTPS = 'an https URL, at most 2,048 characters'

/** BRANDING's fields (src/branding.ts), and what each accepts. */
const BRANDING: Readonly<Record<string, string>> = {
  logo: 'an https URL, or a data:image/(png|svg+xml|webp|jpeg);base64,… URL of at most 64 KiB',
  logoAlt: 'at most 120 characters',
  accent: `${COLOUR} ${CONTRAST}`,
  background: `${COLOUR} ${CONTRAST}`,
  accentDark: `${COLOUR} ${CONTRAST}`,
  backgroundDark: `${COLOUR} ${CONTRAST}`,
  colorScheme: '"auto", "light" or "dark"',
  support: 'an https URL, a mailto: URL or an email address, at most 320 characters',
  privacyUrl: HTTPS,
  termsUrl: HTTPS,
  footer: 'at most 300 characters',
}

/** Levenshtein distance, for "did you mean" (short names only). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = row
  }
  return previous[b.length]!
}

/**
 * The known name closest to `name`, when it is close enough to be a slip: the same letters in another
 * case (`site_url`), or one or two letters off (`ALLOWED_REDIRECT_ORIGIN`). Undefined for `name` itself.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined
  for (const candidate of known) {
    if (candidate === name) return undefined
    const d = distance(name.toUpperCase(), candidate.toUpperCase())
    if (d <= Math.max(2, Math.floor(candidate.length / 5)) && (!best || d < best.distance)) best = { name: candidate, distance: d }
  }
  return best?.name
}

const unknownName = (name: string, known: Iterable<string>, what: string) => {
  const guess = closestName(name, known)
  return `not ${what}${guess ? `; did you mean ${guess}?` : ''}`
}

/**
 * Pure: why the Worker refused `key`, as ConfigError names it: `KEY`, `BRANDING.field`, `SITES`,
 * `SITES.<key as written>`, or, for the site `siteHost`, `SITES.<host>.KEY` and `SITES.<host>.BRANDING.field`.
 */
export function explainConfigKey(key: string, siteHost?: string): string {
  if (key === 'env') return 'the bindings as a whole could not be read'
  const prefix = siteHost === undefined ? undefined : `SITES.${siteHost}.`
  const setting = prefix && key.startsWith(prefix) ? key.slice(prefix.length) : key.startsWith('SITES.') ? undefined : key
  if (setting === undefined) {
    return 'a SITES key is a bare hostname as browsers send it (auth.example.com: no scheme, port, path or trailing dot), listed once, whose value is an object of settings'
  }
  if (setting.startsWith('BRANDING.')) {
    const field = setting.slice('BRANDING.'.length)
    return BRANDING[field] ?? unknownName(field, Object.keys(BRANDING), 'a BRANDING field')
  }
  if (prefix && setting === 'SUPABASE_SECRET_KEY') {
    // Never written in SITES: the Worker names it for the secret SUPABASE_SECRET_KEY_BINDING points at.
    return `the Worker secret named by this site's SUPABASE_SECRET_KEY_BINDING must hold ${BINDINGS.SUPABASE_SECRET_KEY}`
  }
  if (prefix) return SITE_KEYS.has(setting) ? (BINDINGS[setting] ?? 'not a valid value') : unknownName(setting, SITE_KEYS, 'a site setting')
  return BINDINGS[setting] ?? unknownName(setting, Object.keys(BINDINGS), 'a setting the Worker reads')
}

/** Every name a deployment's top level may hold: the settings, the limiters, SITES and the events dataset. */
const KNOWN_BINDINGS: ReadonlySet<string> = new Set(
  [...Object.keys(BINDINGS), ...LIMITER_NAMES, 'AUTH_EVENTS', 'ASSETS'].filter((name) => name !== 'SUPABASE_SECRET_KEY_BINDING'),
)

/**
 * Pure: bindings the Worker would silently ignore though they look meant for it: one slip away from a
 * setting (ALLOWED_REDIRECT_ORIGIN, site_url), or a site-only setting at the top level. Each with advice.
 */
export function misspeltBindings(names: Iterable<string>): { name: string; advice: string }[] {
  const found: { name: string; advice: string }[] = []
  for (const name of names) {
    if (KNOWN_BINDINGS.has(name)) continue
    if (name === 'SUPABASE_SECRET_KEY_BINDING') {
      found.push({ name, advice: 'it is read only inside a SITES entry, where each site names its own secret' })
      continue
    }
    const meant = closestName(name, KNOWN_BINDINGS)
    if (meant) found.push({ name, advice: `did you mean ${meant}?` })
  }
  return found
}
