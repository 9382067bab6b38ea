/**
 * Command-line plumbing shared by `npm run doctor` and `npm run supabase:configure`: flags, where the
 * deployment and the Management API come from (wrangler.toml, `.dev.vars` for the top level or
 * `.dev.vars.<env>` for `--env <env>`, and the process environment, whose non-empty values win:
 * scripts/ops/deployment.ts).
 */
import { parseArgs } from 'node:util'
import { deploymentSites, readBindings, secretBindingNames, type ParsedDeployment, type WorkerBindingsSetting } from './deployment'
import type { AssetsSetting } from './translations'
import { MANAGEMENT_API_URL } from './management-api'

/** Parsed flags and environment. */
export interface OpsInvocation {
  readonly env: string | undefined
  readonly json: boolean
  readonly apply: boolean
  /** doctor: a skipped check fails the run. */
  readonly strict: boolean
  readonly configPath: string | undefined
  readonly workerUrl: string | undefined
  readonly token: string | undefined
  readonly managementUrl: string
  readonly projectRef: string | undefined
}

/** `--env <name>`, `--json`, `--apply`, `--strict`, `--config <wrangler.toml>`, `--worker-url <origin>`; SUPABASE_* from the environment. */
export function parseInvocation(argv: readonly string[], environment: NodeJS.ProcessEnv): OpsInvocation {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      env: { type: 'string' },
      json: { type: 'boolean', default: false },
      apply: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      config: { type: 'string' },
      'worker-url': { type: 'string' },
    },
    strict: true,
  })
  return {
    env: values.env,
    json: values.json ?? false,
    apply: values.apply ?? false,
    strict: values.strict ?? false,
    configPath: values.config,
    workerUrl: values['worker-url'] ?? environment.WORKER_URL,
    token: environment.SUPABASE_ACCESS_TOKEN || undefined,
    managementUrl: environment.SUPABASE_MANAGEMENT_API_URL || MANAGEMENT_API_URL,
    projectRef: environment.SUPABASE_PROJECT_REF || undefined,
  }
}

/** The deployment the invocation names. */
export async function loadDeploymentFor(
  invocation: OpsInvocation,
  environment: NodeJS.ProcessEnv,
): Promise<ParsedDeployment & { readonly assets: AssetsSetting | null; readonly workerBindings: WorkerBindingsSetting; readonly bindingNames: readonly string[] }> {
  const { bindings, routes, assets, workerBindings } = await readBindings({
    ...(invocation.configPath ? { configPath: invocation.configPath } : {}),
    ...(invocation.env ? { env: invocation.env } : {}),
    overlay: environment,
  })
  return {
    ...deploymentSites(bindings, { routes, ...(invocation.workerUrl ? { workerUrl: invocation.workerUrl } : {}) }),
    assets,
    workerBindings,
    // The secrets SITES names (SUPABASE_SECRET_KEY_BINDING) are named by the operator, not misspelt settings.
    bindingNames: Object.keys(bindings).filter((name) => !secretBindingNames(bindings).has(name)),
  }
}
