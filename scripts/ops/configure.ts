/**
 * `npm run supabase:configure`: the Management API changes that make each site's Supabase project match
 * this deployment (scripts/ops/project.ts decides them), printed as a diff, applied only with --apply.
 * Idempotent: once applied, a second run finds nothing to change. Never removes a redirect URL and
 * never touches site_url or SMTP.
 * Plan first, then apply: every site is checked and its project read before anything is written, so a
 * bad config, a refused token or an unreachable API at any site changes nothing anywhere. Two sites
 * resolving to one project (same ref, or both falling back to SUPABASE_PROJECT_REF) would write one
 * project twice with conflicting templates: refused before any read. If a write fails part-way, the
 * run stops there and says which sites were already changed and which were not.
 */
import type { Config } from '../../src/config'
import type { ParsedDeployment } from './deployment'
import { readTemplates } from './doctor'
import { getAuthConfig, patchAuthConfig, projectRefOf, type ManagementApiOptions } from './management-api'
import { desiredChanges, type FieldChange, type TemplateFile } from './project'

/** What configure needs besides the deployment. */
export interface ConfigureOptions {
  readonly management: ManagementApiOptions
  /** Project ref when SUPABASE_URL is not `https://<ref>.supabase.co`. */
  readonly projectRef?: string
  /** PATCH the changes (default: only print them). */
  readonly apply?: boolean
  readonly templatesDir?: string
  /** The Supabase emails this Worker handles (`--emails`); the others are left as the project has them. */
  readonly emails?: readonly TemplateFile['name'][]
}

/** One site's outcome. */
export interface SitePlan {
  readonly site: string
  readonly ref?: string
  readonly changes: readonly FieldChange[]
  readonly applied: boolean
  readonly error?: string
  /** With --apply: why this site's changes were not made (another site failed). */
  readonly held?: string
}

/** Every site's plan; `ok` when nothing failed. `message`: what happened to the run as a whole, when it stopped. */
export interface ConfigurePlan {
  readonly ok: boolean
  readonly sites: readonly SitePlan[]
  readonly message?: string
}

/** A site ready to read: its config parsed, its project and Worker origin known. */
interface Target {
  readonly site: string
  readonly ref: string
  readonly config: Config
  readonly workerOrigin: string
}

const list = (names: readonly string[]) => (names.length ? names.join(', ') : 'none')

/** Compute (and with `apply`, make) the changes for every site: all sites planned before any is changed. */
export async function runConfigure(deployment: ParsedDeployment, options: ConfigureOptions): Promise<ConfigurePlan> {
  if ('error' in deployment) {
    return { ok: false, sites: [{ site: 'deployment', changes: [], applied: false, error: `invalid configuration: ${deployment.error.keys.join(', ')}` }] }
  }
  const templates = readTemplates(options.templatesDir, options.emails)

  // 1. Each site's config, project ref and Worker origin (no I/O).
  const problems = new Map<string, SitePlan>()
  const targets: Target[] = []
  for (const site of deployment.sites) {
    if (!('siteId' in site.config)) {
      problems.set(site.id, { site: site.id, changes: [], applied: false, error: `invalid configuration: ${site.config.keys.join(', ')}` })
      continue
    }
    const ref = projectRefOf(site.config.supabaseUrl, options.projectRef)
    if (!ref) {
      problems.set(site.id, { site: site.id, changes: [], applied: false, error: `cannot tell the project ref from ${site.config.supabaseUrl}: set SUPABASE_PROJECT_REF` })
      continue
    }
    if (!site.workerOrigin) {
      problems.set(site.id, { site: site.id, ref, changes: [], applied: false, error: "this Worker's origin is unknown: add a custom-domain route or pass --worker-url" })
      continue
    }
    targets.push({ site: site.id, ref, config: site.config, workerOrigin: site.workerOrigin })
  }

  // 2. One project per site: two sites on one project would each rewrite its templates for their own origin.
  const byRef = new Map<string, Target[]>()
  for (const target of targets) byRef.set(target.ref, [...(byRef.get(target.ref) ?? []), target])
  const shared = [...byRef.entries()].filter(([, group]) => group.length > 1)
  if (shared.length) {
    const sentences = shared.map(([ref, group]) => {
      const fallback = group.filter((t) => projectRefOf(t.config.supabaseUrl) === undefined).map((t) => t.site)
      const why = fallback.length ? ` (${list(fallback)}: SUPABASE_URL is not https://<ref>.supabase.co, so the ref came from SUPABASE_PROJECT_REF)` : ''
      return `sites ${group.map((t) => t.site).join(' and ')} resolve to the same Supabase project ${ref}${why}`
    })
    const message =
      `refused, nothing read or changed: ${sentences.join('; ')}. configure would write that project's templates and settings once per site, ` +
      'each for its own origin, the last one winning. Give each site its own project (its SUPABASE_URL https://<ref>.supabase.co), ' +
      'or configure that project by hand (README "Supabase dashboard settings")'
    const refOf = (id: string) => {
      const ref = targets.find((t) => t.site === id)?.ref
      return ref ? { ref } : {}
    }
    const sharedSites = new Set(shared.flatMap(([, group]) => group.map((t) => t.site)))
    return {
      ok: false,
      message,
      sites: deployment.sites.map(
        (site) =>
          problems.get(site.id) ?? {
            site: site.id,
            ...refOf(site.id),
            changes: [],
            applied: false,
            ...(sharedSites.has(site.id) ? { error: `shares project ${refOf(site.id).ref} with another site: nothing done` } : {}),
          },
      ),
    }
  }

  // 3. Read every project and work out its changes: still nothing written.
  const planned = new Map<string, SitePlan>(problems)
  for (const target of targets) {
    const current = await getAuthConfig(options.management, target.ref)
    if ('error' in current) {
      planned.set(target.site, { site: target.site, ref: target.ref, changes: [], applied: false, error: current.error })
      continue
    }
    const changes = desiredChanges(current.config, { config: target.config, workerOrigin: target.workerOrigin, multiSite: deployment.kind === 'sites' }, templates)
    planned.set(target.site, { site: target.site, ref: target.ref, changes, applied: false })
  }
  const inOrder = () => deployment.sites.map((site) => planned.get(site.id) as SitePlan)
  const failed = inOrder().filter((p) => p.error)
  if (!options.apply) return { ok: failed.length === 0, sites: inOrder() }
  if (failed.length) {
    for (const plan of inOrder()) if (!plan.error && plan.changes.length) planned.set(plan.site, { ...plan, held: `another site failed (${list(failed.map((f) => f.site))})` })
    return { ok: false, sites: inOrder(), message: `nothing was changed: ${list(failed.map((f) => f.site))} could not be planned (errors above); fix that and run again` }
  }

  // 4. Apply, site by site; on the first failure stop and say exactly what was changed.
  const changed: string[] = []
  for (const target of targets) {
    const plan = planned.get(target.site) as SitePlan
    if (plan.changes.length === 0) continue
    const patched = await patchAuthConfig(options.management, target.ref, Object.fromEntries(plan.changes.map((c) => [c.field, c.to])))
    if (!('error' in patched)) {
      planned.set(target.site, { ...plan, applied: true })
      changed.push(`${target.site} (project ${target.ref})`)
      continue
    }
    planned.set(target.site, { ...plan, error: patched.error })
    const rest = targets.slice(targets.indexOf(target) + 1).filter((t) => (planned.get(t.site)?.changes.length ?? 0) > 0)
    for (const later of rest) planned.set(later.site, { ...(planned.get(later.site) as SitePlan), held: `not attempted: the run stopped at ${target.site}` })
    return {
      ok: false,
      sites: inOrder(),
      message:
        `stopped at ${target.site} (project ${target.ref}): its write failed, so it was not changed. ` +
        `Already changed: ${list(changed)}. Not changed: ${list([`${target.site} (project ${target.ref})`, ...rest.map((t) => `${t.site} (project ${t.ref})`)])}. ` +
        'Fix the error and run again: sites already changed show as up to date',
    }
  }
  return { ok: true, sites: inOrder() }
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
    if (site.changes.length && !site.error) {
      lines.push(site.applied ? `  applied ${site.changes.length} change(s)` : site.held ? `  not applied: ${site.held}` : apply ? '' : '  not applied (run again with --apply)')
    }
  }
  if (plan.message) lines.push(plan.message)
  return lines.filter((l) => l !== '').join('\n')
}
