/**
 * `npm run doctor`: checks this deployment and each site's Supabase project, and says how to fix what
 * is wrong. For the deployment (the wrangler environment): every rate limiter the Worker reads is bound
 * and AUTH_EVENTS is where the top level has it (scripts/ops/bindings.ts: named environments inherit
 * neither), and with SITES no top-level SUPABASE_SECRET_KEY sits unused. Per site: the config parses;
 * its languages reach their translations (the [assets] block and assets/i18n/); Supabase Auth answers
 * /health and /settings (email sign-in on); the JWKS answers and its signing keys are asymmetric (else
 * every new-password page costs a GET /user); and, with SUPABASE_ACCESS_TOKEN, the project's auth
 * config (scripts/ops/project.ts). Read-only: never changes anything.
 * A failed check fails the run; a warning never does; checks needing the token are skipped without
 * it, each listed and counted, which fails the run only with `strict` (`--strict`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Config } from '../../src/config'
import { isWithinDomain } from '../../src/sites'
import { bindingsChecks } from './bindings'
import { explainConfigKey, misspeltBindings } from './config-reasons'
import type { DeploymentSite, ParsedDeployment, WorkerBindingsSetting } from './deployment'
import { getAuthConfig, projectRefOf, type ManagementApiOptions } from './management-api'
import { PROJECT_CHECK_TITLES, projectChecks, TEMPLATE_FILES, type Check, type TemplateFile } from './project'
import { translationsCheck, type AssetsSetting } from './translations'

/** What the doctor needs besides the deployment. */
export interface DoctorOptions {
  /** Management API access; undefined skips the project-config checks. */
  readonly management?: Omit<ManagementApiOptions, 'token'> & { readonly token: string | undefined }
  /** Project ref when SUPABASE_URL is not `https://<ref>.supabase.co` (SUPABASE_PROJECT_REF). */
  readonly projectRef?: string
  /** Folder of the email templates (default templates/ of this repository). */
  readonly templatesDir?: string
  /** Per call to Supabase Auth (default 5 s). */
  readonly timeoutMs?: number
  /** The wrangler environment's [assets] block (null: none); undefined skips the translations check. */
  readonly assets?: AssetsSetting | null
  /** The wrangler environment's rate-limit and Analytics Engine bindings; undefined skips their checks. */
  readonly bindings?: WorkerBindingsSetting
  /** A skipped check fails the run (`--strict`). */
  readonly strict?: boolean
  /** The Supabase emails this Worker handles (`--emails`); the others are not checked. Default all five. */
  readonly emails?: readonly TemplateFile['name'][]
  /** The names of the environment's bindings (vars, .dev.vars), to catch a misspelt setting. */
  readonly bindingNames?: readonly string[]
}

/** The checklist of one site. */
export interface SiteReport {
  readonly site: string
  readonly checks: readonly Check[]
}

/** How many checks ended each way, over the whole report. */
export interface CheckCounts {
  readonly passed: number
  readonly failed: number
  readonly warned: number
  readonly skipped: number
}

/**
 * The doctor's result: a checklist per site (the first, `deployment`, for the wrangler environment's
 * bindings); `ok` only when nothing failed and, with `strict`, nothing was skipped.
 */
export interface DoctorReport {
  readonly ok: boolean
  readonly strict: boolean
  readonly counts: CheckCounts
  readonly sites: readonly SiteReport[]
}

function summarise(sites: readonly SiteReport[], strict: boolean): DoctorReport {
  const all = sites.flatMap((s) => s.checks)
  const count = (status: Check['status']) => all.filter((c) => c.status === status).length
  const counts = { passed: count('pass'), failed: count('fail'), warned: count('warn'), skipped: count('skip') }
  return { ok: counts.failed === 0 && (!strict || counts.skipped === 0), strict, counts, sites }
}

const REPO_TEMPLATES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../templates')

/** The templates of templates/ (all five, or the `emails` named), under their Management API names. */
export function readTemplates(dir = REPO_TEMPLATES, emails?: readonly TemplateFile['name'][]): TemplateFile[] {
  const present = new Set(readdirSync(dir))
  return Object.entries(TEMPLATE_FILES)
    .filter(([name, file]) => present.has(file) && (!emails || (emails as readonly string[]).includes(name)))
    .map(([name, file]) => ({ name: name as TemplateFile['name'], file, content: readFileSync(path.join(dir, file), 'utf8') }))
}

/** Run every check for every site of the deployment. */
export async function runDoctor(deployment: ParsedDeployment, options: DoctorOptions = {}): Promise<DoctorReport> {
  const strict = options.strict ?? false
  const environment = [...(options.bindings ? bindingsChecks(options.bindings) : []), ...misspeltCheck(options.bindingNames)]
  if ('error' in deployment) return summarise([{ site: 'deployment', checks: [configCheck(deployment.error.keys), ...environment] }], strict)
  if (deployment.ignoredTopLevelSecretKey) environment.push(ignoredSecretKeyCheck())
  // Like the ignored secret key: listed only when there is something to say.
  const sessionKey = deployment.kind === 'sites' ? sessionKeyCheck(deployment.sites) : undefined
  if (sessionKey?.status === 'fail') environment.push(sessionKey)
  const templates = readTemplates(options.templatesDir, options.emails)
  const sites: SiteReport[] = environment.length ? [{ site: 'deployment', checks: environment }] : []
  const multiSite = deployment.kind === 'sites'
  // SUPABASE_PROJECT_REF names one project: it stands in only when every site whose SUPABASE_URL (a
  // custom domain, a local stand-in) does not tell its project ref has the same SUPABASE_URL.
  const unnamed = new Set(deployment.sites.flatMap((site) => ('siteId' in site.config && !projectRefOf(site.config.supabaseUrl) ? [site.config.supabaseUrl] : [])))
  const refAmbiguous = unnamed.size > 1
  const siteOptions = refAmbiguous ? { ...options, projectRef: undefined } : options
  for (const site of deployment.sites) sites.push({ site: site.id, checks: await checkSite(site, templates, siteOptions, multiSite, refAmbiguous) })
  return summarise(sites, strict)
}

/**
 * Sites on different Supabase projects whose hosts share a first label (`api.brand-a.com`,
 * `api.brand-b.com`) get one session cookie name from supabase-js (`sb-api-auth-token`). Host-only
 * cookies keep them apart; a COOKIE_DOMAIN that takes one site's cookie to the other's hostname makes
 * the two projects' sessions overwrite each other there (and in the main sites' own clients).
 * (Signing keys are cached per project, src/lib/signing-keys.ts, so the shared name costs nothing else.)
 */
export function sessionKeyCheck(sites: readonly DeploymentSite[]): Check {
  const title = "Sites on different Supabase projects keep their session cookies apart"
  const parsed = sites.flatMap((site) => ('siteId' in site.config ? [{ id: site.id, config: site.config }] : []))
  const reaches = (from: (typeof parsed)[number], to: (typeof parsed)[number]) =>
    from.config.cookieDomain !== undefined && isWithinDomain(to.id, from.config.cookieDomain)
  const clashes: string[] = []
  for (const [i, x] of parsed.entries()) {
    for (const y of parsed.slice(i + 1)) {
      if (x.config.sessionCookieName !== y.config.sessionCookieName || x.config.supabaseUrl === y.config.supabaseUrl) continue
      if (reaches(x, y) || reaches(y, x)) {
        clashes.push(`${x.id} (${x.config.supabaseUrl}) and ${y.id} (${y.config.supabaseUrl}) both name their session cookie ${x.config.sessionCookieName}, and COOKIE_DOMAIN sends one site's to the other: the two projects' sessions overwrite each other`)
      }
    }
  }
  if (clashes.length === 0) return { id: 'session_key', title, status: 'pass' }
  return {
    id: 'session_key',
    title,
    status: 'fail',
    detail: clashes.join('; '),
    fix: "give those sites cookie domains that do not cover each other, or each project's URL its own first label (a custom domain such as api-a.brand-a.com)",
  }
}

/** With SITES, the Worker drops a top-level SUPABASE_SECRET_KEY (src/sites.ts): say so, and what works. */
function ignoredSecretKeyCheck(): Check {
  return {
    id: 'secret_key_ignored',
    title: 'No top-level SUPABASE_SECRET_KEY beside SITES',
    status: 'warn',
    detail: 'SUPABASE_SECRET_KEY is set at the top level (a Worker secret, wrangler.toml, .dev.vars or the process environment), but with SITES the Worker ignores it: no site forwards IPs with it',
    fix: 'give each site that should forward IPs "SUPABASE_SECRET_KEY_BINDING": "<SECRET_NAME>" in its SITES entry and npx wrangler secret put <SECRET_NAME> (that project\'s sb_secret_… key); then npx wrangler secret delete SUPABASE_SECRET_KEY',
  }
}

/** Binding names one slip away from a setting the Worker reads: it would ignore them without a word. */
function misspeltCheck(names: readonly string[] | undefined): Check[] {
  const misspelt = names ? misspeltBindings(names) : []
  if (!misspelt.length) return []
  return [
    {
      id: 'misspelt_binding',
      title: 'Every setting is named as the Worker reads it',
      status: 'warn',
      detail: misspelt.map(({ name, advice }) => `${name} is not read by the Worker; ${advice}`).join('; '),
      fix: 'rename it (wrangler.toml [vars], .dev.vars or the Worker secret), or remove it if it is for something else',
    },
  ]
}

/** A single site's COOKIE_DOMAIN must cover the hostname it is served on (SITES entries are checked by the Worker). */
function cookieDomainCheck(site: DeploymentSite, config: Config): Check[] {
  if (config.cookieDomain === undefined || !site.workerOrigin) return []
  const hostname = new URL(site.workerOrigin).hostname
  const title = "COOKIE_DOMAIN covers this Worker's hostname"
  if (isWithinDomain(hostname, config.cookieDomain)) return [{ id: 'cookie_domain', title, status: 'pass', detail: `${config.cookieDomain} covers ${hostname}` }]
  return [
    {
      id: 'cookie_domain',
      title,
      status: 'fail',
      detail: `${config.cookieDomain} does not cover ${hostname}: browsers drop every session cookie the Worker sets, so each reset ends at "session missing"`,
      fix: cookieDomainFix(hostname),
    },
  ]
}

/** What to set instead: the parent domain, unless that is a bare public suffix (two labels or fewer: the host itself), or nothing on an IP. */
function cookieDomainFix(hostname: string): string {
  if (/^[\d.]+$/.test(hostname) || hostname.includes(':')) return 'remove COOKIE_DOMAIN: on an IP address cookies are host-only'
  const labels = hostname.split('.')
  if (labels.length <= 2) return `set COOKIE_DOMAIN to .${hostname} (covering its subdomains too) or remove it`
  return `set COOKIE_DOMAIN to .${labels.slice(1).join('.')} (shared with the site's other hostnames) or remove it`
}

function configCheck(keys: readonly string[] | undefined, siteHost?: string): Check {
  const title = "The Worker's configuration parses"
  if (!keys) return { id: 'config', title, status: 'pass' }
  return {
    id: 'config',
    title,
    status: 'fail',
    // What each key must be, never its value (values may be secrets).
    detail: `invalid or missing: ${keys.map((key) => `${key} (${explainConfigKey(key, siteHost)})`).join('; ')}`,
    fix: 'set them in wrangler.toml ([vars] or [env.<name>.vars]), .dev.vars, or as Worker secrets (README "Configuration")',
  }
}

async function checkSite(site: DeploymentSite, templates: readonly TemplateFile[], options: DoctorOptions, multiSite: boolean, refAmbiguous = false): Promise<Check[]> {
  if (!('siteId' in site.config)) return [configCheck(site.config.keys, multiSite ? site.id : undefined)]
  const config = site.config
  const checks: Check[] = [configCheck(undefined), ...cookieDomainCheck(site, config)]
  if (options.assets !== undefined) checks.push(translationsCheck(config.locales, options.assets, existsSync))
  checks.push(...(await authChecks(config, options.timeoutMs ?? 5000)))
  checks.push(...(await managementChecks(site, config, templates, options, multiSite, refAmbiguous)))
  return checks
}

async function getJson(url: string, key: string, timeoutMs: number): Promise<{ status: number; body: unknown } | { error: string }> {
  try {
    const response = await fetch(url, { headers: { apikey: key, Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) })
    const text = await response.text()
    try {
      return { status: response.status, body: JSON.parse(text) as unknown }
    } catch {
      return { status: response.status, body: undefined }
    }
  } catch (error) {
    return { error: error instanceof Error && error.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : 'could not connect' }
  }
}

async function authChecks(config: Config, timeoutMs: number): Promise<Check[]> {
  const base = `${config.supabaseUrl}/auth/v1`
  const title = 'Supabase Auth is reachable and healthy'
  const [health, settings] = await Promise.all([getJson(`${base}/health`, config.supabaseKey, timeoutMs), getJson(`${base}/settings`, config.supabaseKey, timeoutMs)])
  const checks: Check[] = []
  const fixReach = `check SUPABASE_URL (${config.supabaseUrl}) and SUPABASE_PUBLISHABLE_KEY, and that the project is not paused`
  if ('error' in health) checks.push({ id: 'auth_health', title, status: 'fail', detail: `${base}/health: ${health.error}`, fix: fixReach })
  else if (health.status !== 200) checks.push({ id: 'auth_health', title, status: 'fail', detail: `${base}/health answered ${health.status}`, fix: fixReach })
  else if ('error' in settings || settings.status !== 200) {
    checks.push({ id: 'auth_health', title, status: 'fail', detail: `${base}/settings did not answer 200`, fix: fixReach })
  } else {
    const email = (settings.body as { external?: { email?: unknown } } | undefined)?.external?.email
    checks.push(
      email === true
        ? { id: 'auth_health', title, status: 'pass', detail: 'health 200, email sign-in on' }
        : { id: 'auth_health', title, status: 'fail', detail: 'email sign-in is off', fix: 'turn on the Email provider under Authentication → Providers' },
    )
  }
  checks.push(jwtKeysCheck(`${base}/.well-known/jwks.json`, await getJson(`${base}/.well-known/jwks.json`, config.supabaseKey, timeoutMs), config.supabaseUrl))
  return checks
}

/**
 * Only a JWKS that answered 200 with a `keys` list says anything about the signing keys: an
 * unreachable or broken endpoint is reported as such, never as "legacy HS256".
 */
function jwtKeysCheck(url: string, jwks: Awaited<ReturnType<typeof getJson>>, supabaseUrl: string): Check {
  const title = 'JWT signing keys are asymmetric'
  const fixReach = `check SUPABASE_URL (${supabaseUrl}) and that the project is not paused; the Worker fetches this JWKS to verify sessions`
  if ('error' in jwks) return { id: 'jwt_keys', title, status: 'fail', detail: `JWKS unreachable: ${url}: ${jwks.error}`, fix: fixReach }
  if (jwks.status !== 200) return { id: 'jwt_keys', title, status: 'fail', detail: `JWKS unreachable: ${url} answered ${jwks.status}`, fix: fixReach }
  const keys = (jwks.body as { keys?: unknown } | undefined)?.keys
  if (!Array.isArray(keys)) return { id: 'jwt_keys', title, status: 'fail', detail: `${url} answered 200 without a JWKS (no "keys" list)`, fix: fixReach }
  const asymmetric = (keys as { kty?: unknown; alg?: unknown }[]).filter((k) => k?.kty === 'EC' || k?.kty === 'RSA' || k?.kty === 'OKP')
  if (asymmetric.length) return { id: 'jwt_keys', title, status: 'pass', detail: asymmetric.map((k) => String(k.alg ?? k.kty)).join(', ') }
  return {
    id: 'jwt_keys',
    title,
    status: 'fail',
    detail: 'no EC or RSA key in the JWKS (legacy HS256 secret): the new-password page costs a GET /user round trip',
    fix: 'Project Settings → JWT Keys: migrate to asymmetric signing keys (ES256) and rotate to them',
  }
}

async function managementChecks(site: DeploymentSite, config: Config, templates: readonly TemplateFile[], options: DoctorOptions, multiSite: boolean, refAmbiguous: boolean): Promise<Check[]> {
  const title = "The project's auth settings (Management API)"
  const token = options.management?.token
  if (!options.management || !token) {
    // Each check that needs the token is listed as skipped, so the count says what went unchecked.
    return [
      { id: 'management_api', title, status: 'skip', detail: 'no SUPABASE_ACCESS_TOKEN', fix: 'set SUPABASE_ACCESS_TOKEN (supabase.com/dashboard/account/tokens) to check Site URL, redirect URLs, templates, SMTP, email budget, password minimum and IP forwarding' },
      ...Object.entries(PROJECT_CHECK_TITLES).map(([id, checkTitle]): Check => ({ id, title: checkTitle, status: 'skip', detail: 'needs SUPABASE_ACCESS_TOKEN' })),
    ]
  }
  const ref = projectRefOf(config.supabaseUrl, options.projectRef)
  if (!ref) {
    const fix = refAmbiguous
      ? "SUPABASE_PROJECT_REF names one project, but sites with different SUPABASE_URLs that do not tell their project ref (custom domains) would share it: run the doctor for those sites one at a time, with a config of one site each and its SUPABASE_PROJECT_REF"
      : 'set SUPABASE_PROJECT_REF'
    return [{ id: 'management_api', title, status: 'fail', detail: `cannot tell the project ref from ${config.supabaseUrl}`, fix }]
  }
  if (!site.workerOrigin) {
    return [{ id: 'management_api', title, status: 'fail', detail: "this Worker's origin is unknown", fix: 'add a custom-domain route to the wrangler environment, or pass --worker-url https://auth.example.com' }]
  }
  const result = await getAuthConfig({ ...options.management, token }, ref)
  if ('error' in result) return [{ id: 'management_api', title, status: 'fail', detail: result.error, fix: 'fix the access or connection above, then run the doctor again' }]
  return [{ id: 'management_api', title, status: 'pass', detail: `project ${ref}` }, ...projectChecks(result.config, { config, workerOrigin: site.workerOrigin, multiSite }, templates)]
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The last line of the text report: failures, then skipped checks (and what --strict does), then warnings. */
export function summaryLine(report: DoctorReport): string {
  const { failed, skipped, warned } = report.counts
  const parts: string[] = []
  if (failed === 0 && skipped === 0) parts.push('All checks passed.')
  else if (failed > 0) parts.push(`${plural(failed, 'check')} failed.`)
  if (skipped > 0) {
    const were = `${plural(skipped, 'check')} ${skipped === 1 ? 'was' : 'were'} skipped (not run)`
    if (report.strict) parts.push(`${were}, which fails the run with --strict.`)
    else if (failed === 0) parts.push(`No check failed, but ${were}: this is not a full pass (--strict makes skipped checks fail the run).`)
    else parts.push(`${were}; --strict makes skipped checks fail the run.`)
  }
  if (warned > 0) parts.push(`${plural(warned, 'warning')} (!), which ${warned === 1 ? 'does' : 'do'} not fail the run.`)
  return parts.join(' ')
}

/** The checklist as text: ✓ / ✗ / ! / – per check, with the fix under each that did not pass. */
export function formatReport(report: DoctorReport): string {
  const lines: string[] = []
  const marks = { pass: '✓', fail: '✗', warn: '!', skip: '–' } as const
  for (const site of report.sites) {
    lines.push(`site ${site.site}`)
    for (const check of site.checks) {
      lines.push(`  ${marks[check.status]} ${check.title}${check.detail ? `: ${check.detail}` : ''}`)
      if (check.fix && check.status !== 'pass') lines.push(`      fix: ${check.fix.split('\n').map((line, i) => (i === 0 || line === '' ? line : `        ${line}`)).join('\n')}`)
    }
  }
  lines.push(summaryLine(report))
  return lines.join('\n')
}
