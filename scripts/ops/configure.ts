/**
 * `npm run supabase:configure`: the Management API changes that make each site's Supabase project match
 * this deployment (scripts/ops/project.ts decides them), printed as a diff, applied only with --apply.
 * Idempotent: once applied, a second run finds nothing to change. Never removes a redirect URL and
 * never touches site_url or SMTP. A failed read or write changes nothing further and says why.
 */
import type { ParsedDeployment } from './deployment'
import { readTemplates } from './doctor'
import { getAuthConfig, patchAuthConfig, projectRefOf, type ManagementApiOptions } from './management-api'
import { desiredChanges, type FieldChange } from './project'

/** What configure needs besides the deployment. */
export interface ConfigureOptions {
  readonly management: ManagementApiOptions
  /** Project ref when SUPABASE_URL is not `https://<ref>.supabase.co`. */
  readonly projectRef?: string
  /** PATCH the changes (default: only print them). */
  readonly apply?: boolean
  readonly templatesDir?: string
}

/** One site's outcome. */
export interface SitePlan {
  readonly site: string
  readonly ref?: string
  readonly changes: readonly FieldChange[]
  readonly applied: boolean
  readonly error?: string
}

/** Every site's plan; `ok` when nothing failed. */
export interface ConfigurePlan {
  readonly ok: boolean
  readonly sites: readonly SitePlan[]
}

/** Compute (and with `apply`, make) the changes for every site. */
export async function runConfigure(deployment: ParsedDeployment, options: ConfigureOptions): Promise<ConfigurePlan> {
  if ('error' in deployment) {
    return { ok: false, sites: [{ site: 'deployment', changes: [], applied: false, error: `invalid configuration: ${deployment.error.keys.join(', ')}` }] }
  }
  const templates = readTemplates(options.templatesDir)
  const sites: SitePlan[] = []
  for (const site of deployment.sites) {
    if (!('siteId' in site.config)) {
      sites.push({ site: site.id, changes: [], applied: false, error: `invalid configuration: ${site.config.keys.join(', ')}` })
      continue
    }
    const ref = projectRefOf(site.config.supabaseUrl, options.projectRef)
    if (!ref) {
      sites.push({ site: site.id, changes: [], applied: false, error: `cannot tell the project ref from ${site.config.supabaseUrl}: set SUPABASE_PROJECT_REF` })
      continue
    }
    if (!site.workerOrigin) {
      sites.push({ site: site.id, ref, changes: [], applied: false, error: "this Worker's origin is unknown: add a custom-domain route or pass --worker-url" })
      continue
    }
    const current = await getAuthConfig(options.management, ref)
    if ('error' in current) {
      sites.push({ site: site.id, ref, changes: [], applied: false, error: current.error })
      continue
    }
    const changes = desiredChanges(current.config, { config: site.config, workerOrigin: site.workerOrigin }, templates)
    if (!options.apply || changes.length === 0) {
      sites.push({ site: site.id, ref, changes, applied: false })
      continue
    }
    const patched = await patchAuthConfig(options.management, ref, Object.fromEntries(changes.map((c) => [c.field, c.to])))
    sites.push({ site: site.id, ref, changes, applied: !('error' in patched), ...('error' in patched ? { error: patched.error } : {}) })
  }
  return { ok: sites.every((s) => !s.error), sites }
}

function show(value: unknown): string {
  return value === null || value === undefined ? 'unset' : JSON.stringify(value)
}

/** Lines only in `from` (-) and only in `to` (+): enough to review a template change. */
function lineDiff(from: string, to: string): string[] {
  const before = from.split('\n')
  const after = to.split('\n')
  const kept = new Set(before.filter((line) => after.includes(line)))
  return [...before.filter((l) => !kept.has(l)).map((l) => `      - ${l}`), ...after.filter((l) => !kept.has(l)).map((l) => `      + ${l}`)]
}

/** The plan as a diff an operator can review. */
export function formatPlan(plan: ConfigurePlan, apply: boolean): string {
  const lines: string[] = []
  for (const site of plan.sites) {
    lines.push(`site ${site.site}${site.ref ? ` (project ${site.ref})` : ''}`)
    if (site.error) lines.push(`  error: ${site.error}`)
    else if (site.changes.length === 0) lines.push('  up to date: nothing to change')
    for (const change of site.changes) {
      if (typeof change.from === 'string' && typeof change.to === 'string' && (change.from.includes('\n') || change.to.includes('\n'))) {
        lines.push(`  ~ ${change.field}:`, ...lineDiff(change.from, change.to))
      } else lines.push(`  ~ ${change.field}: ${show(change.from)} → ${show(change.to)}`)
    }
    if (site.changes.length && !site.error) lines.push(site.applied ? `  applied ${site.changes.length} change(s)` : apply ? '' : '  not applied (run again with --apply)')
  }
  return lines.filter((l) => l !== '').join('\n')
}
