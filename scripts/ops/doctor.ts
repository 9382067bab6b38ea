/**
 * `npm run doctor`: checks this deployment and each site's Supabase project, and says how to fix what
 * is wrong. Per site: the config parses; its languages reach their translations (the [assets] block and
 * assets/i18n/); Supabase Auth answers /health and /settings (email sign-in on);
 * the JWT signing keys are asymmetric (else every new-password page costs a GET /user); and, with
 * SUPABASE_ACCESS_TOKEN, the project's auth config (scripts/ops/project.ts). Read-only: never changes
 * anything. Checks needing the token are skipped without it, which does not fail the run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Config } from '../../src/config'
import type { DeploymentSite, ParsedDeployment } from './deployment'
import { getAuthConfig, projectRefOf, type ManagementApiOptions } from './management-api'
import { projectChecks, TEMPLATE_FILES, type Check, type TemplateFile } from './project'
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
}

/** The checklist of one site. */
export interface SiteReport {
  readonly site: string
  readonly checks: readonly Check[]
}

/** The doctor's result: a checklist per site; `ok` only when nothing failed. */
export interface DoctorReport {
  readonly ok: boolean
  readonly sites: readonly SiteReport[]
}

const REPO_TEMPLATES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../templates')

/** The five templates of templates/, under their Management API names. */
export function readTemplates(dir = REPO_TEMPLATES): TemplateFile[] {
  const present = new Set(readdirSync(dir))
  return Object.entries(TEMPLATE_FILES)
    .filter(([, file]) => present.has(file))
    .map(([name, file]) => ({ name: name as TemplateFile['name'], file, content: readFileSync(path.join(dir, file), 'utf8') }))
}

/** Run every check for every site of the deployment. */
export async function runDoctor(deployment: ParsedDeployment, options: DoctorOptions = {}): Promise<DoctorReport> {
  if ('error' in deployment) {
    const check = configCheck(deployment.error.keys)
    return { ok: false, sites: [{ site: 'deployment', checks: [check] }] }
  }
  const templates = readTemplates(options.templatesDir)
  const sites: SiteReport[] = []
  for (const site of deployment.sites) sites.push({ site: site.id, checks: await checkSite(site, templates, options) })
  return { ok: sites.every((s) => s.checks.every((c) => c.status !== 'fail')), sites }
}

function configCheck(keys: readonly string[] | undefined): Check {
  const title = "The Worker's configuration parses"
  if (!keys) return { id: 'config', title, status: 'pass' }
  return {
    id: 'config',
    title,
    status: 'fail',
    detail: `invalid or missing: ${keys.join(', ')}`,
    fix: 'set them in wrangler.toml ([vars] or [env.<name>.vars]), .dev.vars, or as Worker secrets (README "Configuration")',
  }
}

async function checkSite(site: DeploymentSite, templates: readonly TemplateFile[], options: DoctorOptions): Promise<Check[]> {
  if (!('siteId' in site.config)) return [configCheck(site.config.keys)]
  const config = site.config
  const checks: Check[] = [configCheck(undefined)]
  if (options.assets !== undefined) checks.push(translationsCheck(config.locales, options.assets, existsSync))
  checks.push(...(await authChecks(config, options.timeoutMs ?? 5000)))
  checks.push(...(await managementChecks(site, config, templates, options)))
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
  const jwksTitle = 'JWT signing keys are asymmetric'
  const jwks = await getJson(`${base}/.well-known/jwks.json`, config.supabaseKey, timeoutMs)
  const keys = 'error' in jwks ? [] : ((jwks.body as { keys?: { kty?: unknown; alg?: unknown }[] } | undefined)?.keys ?? [])
  const asymmetric = keys.filter((k) => k.kty === 'EC' || k.kty === 'RSA' || k.kty === 'OKP')
  checks.push(
    asymmetric.length
      ? { id: 'jwt_keys', title: jwksTitle, status: 'pass', detail: asymmetric.map((k) => String(k.alg ?? k.kty)).join(', ') }
      : {
          id: 'jwt_keys',
          title: jwksTitle,
          status: 'fail',
          detail: 'no EC or RSA key in the JWKS (legacy HS256 secret): the new-password page costs a GET /user round trip',
          fix: 'Project Settings → JWT Keys: migrate to asymmetric signing keys (ES256) and rotate to them',
        },
  )
  return checks
}

async function managementChecks(site: DeploymentSite, config: Config, templates: readonly TemplateFile[], options: DoctorOptions): Promise<Check[]> {
  const title = "The project's auth settings (Management API)"
  const token = options.management?.token
  if (!options.management || !token) {
    return [{ id: 'management_api', title, status: 'skip', fix: 'set SUPABASE_ACCESS_TOKEN (supabase.com/dashboard/account/tokens) to check Site URL, redirect URLs, templates, SMTP, email budget, password minimum and IP forwarding' }]
  }
  const ref = projectRefOf(config.supabaseUrl, options.projectRef)
  if (!ref) return [{ id: 'management_api', title, status: 'fail', detail: `cannot tell the project ref from ${config.supabaseUrl}`, fix: 'set SUPABASE_PROJECT_REF' }]
  if (!site.workerOrigin) {
    return [{ id: 'management_api', title, status: 'fail', detail: "this Worker's origin is unknown", fix: 'add a custom-domain route to the wrangler environment, or pass --worker-url https://auth.example.com' }]
  }
  const result = await getAuthConfig({ ...options.management, token }, ref)
  if ('error' in result) return [{ id: 'management_api', title, status: 'fail', detail: result.error, fix: 'fix the access or connection above, then run the doctor again' }]
  return [{ id: 'management_api', title, status: 'pass', detail: `project ${ref}` }, ...projectChecks(result.config, { config, workerOrigin: site.workerOrigin }, templates)]
}

/** The checklist as text: ✓ / ✗ / – per check, with the fix under each failure. */
export function formatReport(report: DoctorReport): string {
  const lines: string[] = []
  for (const site of report.sites) {
    lines.push(`site ${site.site}`)
    for (const check of site.checks) {
      const mark = check.status === 'pass' ? '✓' : check.status === 'fail' ? '✗' : '–'
      lines.push(`  ${mark} ${check.title}${check.detail ? `: ${check.detail}` : ''}`)
      if (check.fix && check.status !== 'pass') lines.push(`      fix: ${check.fix}`)
    }
  }
  const failed = report.sites.flatMap((s) => s.checks).filter((c) => c.status === 'fail').length
  lines.push(report.ok ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`)
  return lines.join('\n')
}
