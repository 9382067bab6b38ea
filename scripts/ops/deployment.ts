/**
 * This deployment as the ops commands see it, outside the Worker: the bindings of a wrangler
 * environment (`[vars]` / `[env.<name>.vars]`, then `.dev.vars` if present, then the process
 * environment for the names the Worker reads, since secrets such as SUPABASE_PUBLISHABLE_KEY or
 * SUPABASE_SECRET_KEY live in `wrangler secret`, not in the file), parsed by the Worker's own
 * parser (src/sites.ts), and the origin the Worker answers on for each site.
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
  /** Read `.dev.vars` beside the config (default true). */
  readonly devVars?: boolean
  /** Extra values (the process environment): used for names the Worker reads that the files do not set. */
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
export type ParsedDeployment = { readonly sites: readonly DeploymentSite[] } | { readonly error: ConfigError }

/** `KEY=value` lines (dotenv, as wrangler reads .dev.vars): comments, blank lines and matching quotes handled. */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line)
    if (!match?.[1] || line.trimStart().startsWith('#')) continue
    const raw = match[2] ?? ''
    const quoted = /^(["'])([\s\S]*)\1$/.exec(raw)
    vars[match[1]] = quoted ? (quoted[2] ?? '') : raw.replace(/\s+#.*$/, '')
  }
  return vars
}

/** Names the Worker reads from its bindings (so the process environment may supply them). */
const TOP_LEVEL_KEYS = new Set([...SITE_KEYS, 'SITES', 'SUPABASE_SECRET_KEY'])

/** The Worker's bindings for a wrangler environment (vars, .dev.vars, overlay), its custom-domain routes and its [assets] block. */
export async function readBindings(source: DeploymentSource = {}): Promise<{ bindings: Record<string, unknown>; routes: string[]; assets: AssetsSetting | null }> {
  const { unstable_readConfig } = await import('wrangler')
  const configPath = path.resolve(source.configPath ?? 'wrangler.toml')
  const config = unstable_readConfig({ config: configPath, ...(source.env ? { env: source.env } : {}) })
  const bindings: Record<string, unknown> = { ...config.vars }
  const devVarsPath = path.join(path.dirname(configPath), source.env ? `.dev.vars.${source.env}` : '.dev.vars')
  const fallback = path.join(path.dirname(configPath), '.dev.vars')
  const file = [devVarsPath, fallback].find((p) => source.devVars !== false && existsSync(p))
  if (file) Object.assign(bindings, parseDevVars(readFileSync(file, 'utf8')))
  const secretNames = secretBindingNames(bindings)
  for (const [key, value] of Object.entries(source.overlay ?? {})) {
    if (value !== undefined && bindings[key] === undefined && (TOP_LEVEL_KEYS.has(key) || secretNames.has(key))) bindings[key] = value
  }
  const routes = ((config.routes ?? []) as unknown[]).flatMap((route) => {
    const { pattern, custom_domain } = (typeof route === 'object' && route !== null ? route : {}) as { pattern?: unknown; custom_domain?: unknown }
    return custom_domain === true && typeof pattern === 'string' ? [pattern] : []
  })
  const assets = config.assets
    ? { directory: config.assets.directory ? path.resolve(path.dirname(configPath), config.assets.directory) : undefined, binding: config.assets.binding, runWorkerFirst: config.assets.run_worker_first }
    : null
  return { bindings, routes, assets }
}

/** SUPABASE_SECRET_KEY_BINDING names in SITES: Worker secrets the process environment may supply. */
function secretBindingNames(bindings: Record<string, unknown>): Set<string> {
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
    return { sites: [{ id: 'default', config: parsed.site, workerOrigin }] }
  }
  return {
    sites: [...parsed.sites].map(([hostname, config]) => ({ id: hostname, config, workerOrigin: `https://${hostname}` })),
  }
}
