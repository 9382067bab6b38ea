/**
 * This deployment as the ops commands see it, outside the Worker: the bindings of a wrangler
 * environment, parsed by the Worker's own parser (src/sites.ts), the origin the Worker answers on for
 * each site, and the environment's rate-limit and Analytics Engine bindings.
 *
 * Where each value comes from, lowest to highest precedence:
 * 1. `[vars]` (top level) or `[env.<name>.vars]` (`--env <name>`) of wrangler.toml;
 * 2. a dotenv file beside it: `.dev.vars` for the top level, and for a named environment ONLY
 *    `.dev.vars.<name>` (never the plain `.dev.vars`, which holds local development values that must
 *    not stand in for production's);
 * 3. the process environment, for the names the Worker reads (SITE_KEYS, SITES, SUPABASE_SECRET_KEY and
 *    the SUPABASE_SECRET_KEY_BINDING names of SITES), never others such as PATH: an explicitly set,
 *    non-empty value wins over both files (this is how Worker secrets such as SUPABASE_PUBLISHABLE_KEY
 *    reach the doctor); an empty one is ignored.
 * Node only. Tests pass bindings directly instead of reading files.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigError, type Config } from '../../src/config'
import { parseDeployment, SITE_KEYS } from '../../src/sites'
import type { AssetsSetting } from './translations'

/** Where to read the deployment from. */
export interface DeploymentSource {
  /** Wrangler config file (default wrangler.toml in the current directory). */
  readonly configPath?: string
  /** Wrangler environment (`--env production`); top level when absent. */
  readonly env?: string
  /** Read `.dev.vars` (top level) or `.dev.vars.<env>` (named environment) beside the config (default true). */
  readonly devVars?: boolean
  /** The process environment: a non-empty value of a name the Worker reads wins over the files. */
  readonly overlay?: Readonly<Record<string, string | undefined>>
}

/** One site of the deployment: its parsed config (or the keys at fault) and this Worker's origin for it. */
export interface DeploymentSite {
  /** `SITES` hostname, or `default`. */
  readonly id: string
  readonly config: Config | ConfigError
  /** https://<hostname> for a SITES entry; for a single site, WORKER_URL or the first custom-domain route. */
  readonly workerOrigin: string | undefined
}

/** Parsed deployment: the sites, or the error that made SITES itself unreadable. */
export type ParsedDeployment =
  | {
      readonly sites: readonly DeploymentSite[]
      /** `sites`: SITES is set (one site per hostname); `single`: the bindings are the one site. */
      readonly kind: 'single' | 'sites'
      /** SITES is set and so is a top-level SUPABASE_SECRET_KEY, which the Worker then ignores (src/sites.ts). */
      readonly ignoredTopLevelSecretKey: boolean
    }
  | { readonly error: ConfigError }

/** One `[[ratelimits]]` block as wrangler reads it. */
export interface RateLimitSetting {
  readonly name: string
  readonly namespaceId?: string | undefined
  readonly limit?: number | undefined
  readonly period?: number | undefined
}

/** One `[[analytics_engine_datasets]]` block as wrangler reads it. */
export interface AnalyticsEngineSetting {
  readonly binding: string
  readonly dataset?: string | undefined
}

/**
 * The environment's bindings the doctor checks (wrangler does not inherit these into named
 * environments), and the top level's, to suggest as the fix.
 */
export interface WorkerBindingsSetting {
  /** The wrangler environment (`--env`); undefined for the top level. */
  readonly env: string | undefined
  readonly ratelimits: readonly RateLimitSetting[]
  readonly analyticsEngine: readonly AnalyticsEngineSetting[]
  readonly topLevelRatelimits: readonly RateLimitSetting[]
  readonly topLevelAnalyticsEngine: readonly AnalyticsEngineSetting[]
}

/**
 * dotenv's `parse` (16.3.1, the version wrangler 4.164 bundles to read .dev.vars), so the doctor reads
 * the file exactly as `wrangler dev` does: `KEY=value` or `KEY: value`, `export`, comments, and values
 * in single, double or back quotes that may span lines (a multi-line SITES); in double quotes `\n` and
 * `\r` become line breaks.
 */
const DOTENV_LINE = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm

export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {}
  const lines = text.replace(/\r\n?/gm, '\n')
  for (const match of lines.matchAll(DOTENV_LINE)) {
    const key = match[1] ?? ''
    let value = (match[2] ?? '').trim()
    const quote = value[0]
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2')
    if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r')
    vars[key] = value
  }
  return vars
}

/** Names the Worker reads from its bindings (so the process environment may supply them). */
const TOP_LEVEL_KEYS = new Set([...SITE_KEYS, 'SITES', 'SUPABASE_SECRET_KEY'])

/** The Worker's bindings for a wrangler environment (vars, .dev.vars[.<env>], process environment), its custom-domain routes, [assets] block and rate-limit / Analytics Engine bindings. */
export async function readBindings(
  source: DeploymentSource = {},
): Promise<{ bindings: Record<string, unknown>; routes: string[]; assets: AssetsSetting | null; workerBindings: WorkerBindingsSetting }> {
  const { unstable_readConfig } = await import('wrangler')
  const configPath = path.resolve(source.configPath ?? 'wrangler.toml')
  const config = unstable_readConfig({ config: configPath, ...(source.env ? { env: source.env } : {}) })
  const topLevel = source.env ? unstable_readConfig({ config: configPath }) : config
  const bindings: Record<string, unknown> = { ...config.vars }
  // A named environment reads only its own file: the plain .dev.vars is local development's.
  const devVarsPath = path.join(path.dirname(configPath), source.env ? `.dev.vars.${source.env}` : '.dev.vars')
  if (source.devVars !== false && existsSync(devVarsPath)) Object.assign(bindings, parseDevVars(readFileSync(devVarsPath, 'utf8')))
  const overlay = Object.entries(source.overlay ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
  for (const [key, value] of overlay) if (TOP_LEVEL_KEYS.has(key)) bindings[key] = value
  // SITES is final now (it may itself have come from the process environment): the secrets it names.
  const secretNames = secretBindingNames(bindings)
  for (const [key, value] of overlay) if (secretNames.has(key)) bindings[key] = value
  const routes = ((config.routes ?? []) as unknown[]).flatMap((route) => {
    const { pattern, custom_domain } = (typeof route === 'object' && route !== null ? route : {}) as { pattern?: unknown; custom_domain?: unknown }
    return custom_domain === true && typeof pattern === 'string' ? [pattern] : []
  })
  const assets = config.assets
    ? { directory: config.assets.directory ? path.resolve(path.dirname(configPath), config.assets.directory) : undefined, binding: config.assets.binding, runWorkerFirst: config.assets.run_worker_first }
    : null
  const workerBindings: WorkerBindingsSetting = {
    env: source.env,
    ratelimits: rateLimitsOf(config.ratelimits),
    analyticsEngine: datasetsOf(config.analytics_engine_datasets),
    topLevelRatelimits: rateLimitsOf(topLevel.ratelimits),
    topLevelAnalyticsEngine: datasetsOf(topLevel.analytics_engine_datasets),
  }
  return { bindings, routes, assets, workerBindings }
}

function rateLimitsOf(blocks: readonly { name: string; namespace_id?: string; simple?: { limit?: number; period?: number } }[] | undefined): RateLimitSetting[] {
  return (blocks ?? []).map((b) => ({ name: b.name, namespaceId: b.namespace_id, limit: b.simple?.limit, period: b.simple?.period }))
}

function datasetsOf(blocks: readonly { binding: string; dataset?: string }[] | undefined): AnalyticsEngineSetting[] {
  return (blocks ?? []).map((b) => ({ binding: b.binding, dataset: b.dataset }))
}

/** SUPABASE_SECRET_KEY_BINDING names in SITES: Worker secrets the process environment may supply. */
export function secretBindingNames(bindings: Record<string, unknown>): Set<string> {
  const names = new Set<string>()
  const sites = typeof bindings.SITES === 'string' ? safeJson(bindings.SITES) : bindings.SITES
  if (typeof sites === 'object' && sites !== null) {
    for (const site of Object.values(sites)) {
      const name = (site as Record<string, unknown> | null)?.SUPABASE_SECRET_KEY_BINDING
      if (typeof name === 'string') names.add(name)
    }
  }
  return names
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Pure: the deployment's sites from its bindings, with the origin this Worker answers on for each. */
export function deploymentSites(bindings: Record<string, unknown>, options: { workerUrl?: string; routes?: readonly string[] } = {}): ParsedDeployment {
  const parsed = parseDeployment(bindings)
  if (parsed instanceof ConfigError) return { error: parsed }
  if (parsed.kind === 'single') {
    const host = options.routes?.[0]
    const workerOrigin = options.workerUrl ? new URL(options.workerUrl).origin : host ? `https://${host}` : undefined
    return { kind: 'single', ignoredTopLevelSecretKey: false, sites: [{ id: 'default', config: parsed.site, workerOrigin }] }
  }
  // The Worker keeps the other sites up; the doctor and configure refuse until every key is a hostname.
  if (parsed.invalidKeys.length) return { error: new ConfigError([...parsed.invalidKeys]) }
  const secret = bindings.SUPABASE_SECRET_KEY
  return {
    kind: 'sites',
    ignoredTopLevelSecretKey: typeof secret === 'string' && secret.trim() !== '',
    sites: [...parsed.sites].map(([hostname, config]) => ({ id: hostname, config, workerOrigin: `https://${hostname}` })),
  }
}
