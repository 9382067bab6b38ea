/**
 * The doctor's checks of the wrangler environment's own bindings, which wrangler does NOT inherit into
 * a named environment (`notInheritable` in wrangler's config reader): an `[env.production]` without
 * its own `[[env.production.ratelimits]]` blocks deploys with no edge limits at all, and without its
 * own `[[env.production.analytics_engine_datasets]]` with no auth events, and nothing says so.
 * - Every limiter the Worker reads (LIMITER_NAMES, src/config.ts) should be bound. A missing one fails,
 *   naming it, when the top level binds it (wrangler's non-inheritance) or when it is a 6-digit code
 *   limiter (the Worker refuses codes without them); one deleted everywhere else is a warning (README:
 *   "delete a block to turn that limit off").
 *   The fix is the blocks to paste, with the top level's values as the suggestion.
 * - AUTH_EVENTS missing in a named environment while the top level binds it: a warning (events then
 *   stay in the log lines only, which is allowed, but rarely meant).
 * Pure: the bindings come in as values (scripts/ops/deployment.ts reads them with unstable_readConfig).
 */
import { LIMITER_NAMES } from '../../src/config'
import type { AnalyticsEngineSetting, RateLimitSetting, WorkerBindingsSetting } from './deployment'
import type { Check } from './project'

/** The limiters the Worker refuses 6-digit codes without (src/lib/rate-limit.ts, fail closed). */
export const CODE_LIMITERS: readonly string[] = ['CODE_IP_LIMITER', 'CODE_EMAIL_LIMITER']

/** The Analytics Engine binding the Worker writes auth events to. */
export const EVENTS_BINDING = 'AUTH_EVENTS'

function where(env: string | undefined): string {
  return env ? `[env.${env}]` : 'the top level of wrangler.toml'
}

function rateLimitBlock(env: string | undefined, name: string, namespaceId: string, top: RateLimitSetting | undefined): string {
  return [
    env ? `[[env.${env}.ratelimits]]` : '[[ratelimits]]',
    `name = "${name}"`,
    `namespace_id = "${namespaceId}"`,
    `simple = { limit = ${top?.limit ?? '<requests>'}, period = ${top?.period ?? 60} }`,
  ].join('\n')
}

/** `count` numeric namespace ids no block of the file uses yet (above the highest one), as suggestions. */
function unusedNamespaceIds(setting: WorkerBindingsSetting, count: number): string[] {
  const used = [...setting.ratelimits, ...setting.topLevelRatelimits].map((r) => Number(r.namespaceId)).filter((n) => Number.isSafeInteger(n) && n > 0)
  const next = used.length ? Math.max(...used) + 1 : 1001
  return Array.from({ length: count }, (_, i) => String(next + i))
}

/** Pure: every limiter binding the Worker reads is bound in the chosen environment. */
export function rateLimitsCheck(setting: WorkerBindingsSetting): Check {
  const { env } = setting
  const title = `Edge rate limits are bound${env ? ` in [env.${env}]` : ''}`
  const bound = new Set(setting.ratelimits.map((r) => r.name))
  const missing = LIMITER_NAMES.filter((name) => !bound.has(name))
  if (missing.length === 0) return { id: 'rate_limits', title, status: 'pass', detail: `all ${LIMITER_NAMES.length}: ${LIMITER_NAMES.join(', ')}` }
  const code = missing.filter((name) => CODE_LIMITERS.includes(name))
  const inherited = env !== undefined && setting.topLevelRatelimits.some((r) => missing.includes(r.name as (typeof missing)[number]))
  const detail = [
    `not bound in ${where(env)}: ${missing.join(', ')}, so ${missing.length === 1 ? 'that limit is' : 'those limits are'} off`,
    ...(code.length ? [`without ${code.join(' and ')} the Worker refuses every 6-digit code`] : []),
    ...(inherited ? ['named environments do not inherit [[ratelimits]] from the top level'] : []),
  ].join('; ')
  const top = new Map(setting.topLevelRatelimits.map((r) => [r.name, r]))
  const ids = unusedNamespaceIds(setting, missing.length)
  const limits = missing.some((name) => top.has(name)) ? "limits as at the top level; " : ''
  const fix =
    `add a block for each to wrangler.toml${env ? ` under [env.${env}]` : ''} (${limits}each namespace_id must be unique in your account: the ids shown are unused in this file):\n` +
    missing.map((name, i) => rateLimitBlock(env, name, ids[i] ?? '', top.get(name))).join('\n\n')
  // A limit deleted everywhere is a choice the README allows (a warning); one the top level binds but the
  // environment lacks is wrangler's silent non-inheritance, and a missing code limiter stops the code form.
  const accidental = code.length > 0 || inherited
  return { id: 'rate_limits', title, status: accidental ? 'fail' : 'warn', detail, fix }
}

function datasetBlock(env: string | undefined, top: AnalyticsEngineSetting | undefined): string {
  return [env ? `[[env.${env}.analytics_engine_datasets]]` : '[[analytics_engine_datasets]]', `binding = "${EVENTS_BINDING}"`, `dataset = "${top?.dataset ?? 'auth_events'}"`].join('\n')
}

/** Pure: AUTH_EVENTS is bound; a warning when a named environment lacks it while the top level has it. */
export function authEventsCheck(setting: WorkerBindingsSetting): Check {
  const { env } = setting
  const title = `Auth events are bound (${EVENTS_BINDING})${env ? ` in [env.${env}]` : ''}`
  const own = setting.analyticsEngine.find((d) => d.binding === EVENTS_BINDING)
  if (own) return { id: 'auth_events', title, status: 'pass', detail: `dataset ${own.dataset ?? '(default)'}` }
  const top = setting.topLevelAnalyticsEngine.find((d) => d.binding === EVENTS_BINDING)
  if (env !== undefined && top) {
    return {
      id: 'auth_events',
      title,
      status: 'warn',
      detail: `the top level binds ${EVENTS_BINDING} but [env.${env}] does not, and named environments do not inherit it: events go to the log lines only`,
      fix: `add to wrangler.toml under [env.${env}]:\n${datasetBlock(env, top)}`,
    }
  }
  return { id: 'auth_events', title, status: 'pass', detail: 'not bound: events go to the log lines only (README "Auth events")' }
}

/** The environment-wide binding checks, in the doctor's order. */
export function bindingsChecks(setting: WorkerBindingsSetting): Check[] {
  return [rateLimitsCheck(setting), authEventsCheck(setting)]
}
