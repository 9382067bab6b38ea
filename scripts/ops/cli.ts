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
import { TEMPLATE_FILES, type TemplateFile } from './project'

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
  /** `--emails recovery,invite`: the Supabase emails this Worker handles (default all five templates/). */
  readonly emails: readonly TemplateFile['name'][] | undefined
  /** `--help`: print the usage and do nothing else. */
  readonly help: boolean
}

const EMAIL_NAMES = Object.keys(TEMPLATE_FILES) as TemplateFile['name'][]

/** The flags both commands take, for `--help`. */
export function usage(command: 'doctor' | 'supabase:configure'): string {
  const first =
    command === 'doctor'
      ? 'npm run doctor -- [--env <name>] [--json] [--strict] [--worker-url <origin>] [--emails <list>] [--config <wrangler.toml>]'
      : 'npm run supabase:configure -- [--env <name>] [--apply] [--json] [--worker-url <origin>] [--emails <list>] [--config <wrangler.toml>]'
  return [
    first,
    '',
    '  --env <name>          the wrangler environment (its vars, then .dev.vars.<name>)',
    command === 'doctor' ? '  --strict              a skipped check fails the run too' : '  --apply               make the changes (without it, only print them)',
    '  --json                the report as JSON (use `npm run -s` for JSON alone on stdout)',
    "  --worker-url <origin> this Worker's origin for a single site without a custom-domain route (or WORKER_URL)",
    `  --emails <list>       the Supabase emails this Worker handles, comma-separated (${EMAIL_NAMES.join(', ')}; default all):`,
    '                        the others stay as the project has them, unchecked and unchanged',
    '  --config <path>       another wrangler.toml',
    '',
    'Environment: SUPABASE_ACCESS_TOKEN (Management API checks), SUPABASE_PROJECT_REF (when SUPABASE_URL is a custom',
    'domain), SUPABASE_MANAGEMENT_API_URL (another Management API, e.g. the local stand-in), WORKER_URL.',
  ].join('\n')
}

function parseEmails(value: string | undefined): TemplateFile['name'][] | undefined {
  if (value === undefined) return undefined
  const names = value.split(',').map((name) => name.trim()).filter(Boolean)
  const unknown = names.filter((name) => !(EMAIL_NAMES as string[]).includes(name))
  if (unknown.length || names.length === 0) {
    throw new Error(`--emails takes a comma-separated list of ${EMAIL_NAMES.join(', ')}${unknown.length ? `; not one of them: ${unknown.join(', ')}` : ''}`)
  }
  return [...new Set(names)] as TemplateFile['name'][]
}

/** `--env <name>`, `--json`, `--apply`, `--strict`, `--config <wrangler.toml>`, `--worker-url <origin>`, `--emails <list>`, `--help`; SUPABASE_* from the environment. */
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
      emails: { type: 'string' },
      help: { type: 'boolean', default: false },
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
    emails: parseEmails(values.emails),
    help: values.help ?? false,
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
  // The secrets SITES names (SUPABASE_SECRET_KEY_BINDING) are named by the operator, not misspelt settings.
  const secrets = secretBindingNames(bindings)
  return {
    ...deploymentSites(bindings, { routes, ...(invocation.workerUrl ? { workerUrl: invocation.workerUrl } : {}) }),
    assets,
    workerBindings,
    bindingNames: Object.keys(bindings).filter((name) => !secrets.has(name)),
  }
}
