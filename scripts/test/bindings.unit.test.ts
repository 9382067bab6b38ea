/**
 * The doctor's checks of the wrangler environment's own bindings (scripts/ops/bindings.ts): wrangler
 * does not inherit [[ratelimits]] or [[analytics_engine_datasets]] into a named environment, so each
 * limiter the Worker reads (LIMITER_NAMES) must be bound in the chosen one, or the doctor fails naming
 * it, with the blocks to paste; a missing AUTH_EVENTS the top level has is a warning.
 */
import { describe, expect, it } from 'vitest'
import { LIMITER_NAMES } from '../../src/config'
import { authEventsCheck, bindingsChecks, rateLimitsCheck } from '../ops/bindings'
import type { RateLimitSetting, WorkerBindingsSetting } from '../ops/deployment'
import { formatReport, runDoctor } from '../ops/doctor'

const TOP: RateLimitSetting[] = LIMITER_NAMES.map((name, i) => ({ name, namespaceId: String(4201 + i), limit: 10 - i, period: 60 }))
const EVENTS = [{ binding: 'AUTH_EVENTS', dataset: 'auth_events' }]

function setting(over: Partial<WorkerBindingsSetting> = {}): WorkerBindingsSetting {
  return { env: 'production', ratelimits: [], analyticsEngine: [], topLevelRatelimits: TOP, topLevelAnalyticsEngine: EVENTS, ...over }
}

describe('rateLimitsCheck', () => {
  it('fails a named environment with no [[ratelimits]] of its own, naming every missing limiter, with the blocks to paste', () => {
    const check = rateLimitsCheck(setting())
    expect(check).toMatchObject({ id: 'rate_limits', status: 'fail', title: 'Edge rate limits are bound in [env.production]' })
    for (const name of LIMITER_NAMES) expect(check.detail).toContain(name)
    expect(check.detail).toContain('without CODE_IP_LIMITER and CODE_EMAIL_LIMITER the Worker refuses every 6-digit code')
    expect(check.detail).toContain('named environments do not inherit [[ratelimits]]')
    expect(check.fix).toContain('under [env.production]')
    // The top level's limits, a namespace_id no block of the file uses.
    expect(check.fix).toContain('[[env.production.ratelimits]]\nname = "FORGOT_IP_LIMITER"\nnamespace_id = "4207"\nsimple = { limit = 10, period = 60 }')
    expect(check.fix).toContain('name = "UPDATE_SESSION_LIMITER"\nnamespace_id = "4212"\nsimple = { limit = 5, period = 60 }')
    expect(check.fix?.match(/\[\[env\.production\.ratelimits\]\]/g)).toHaveLength(LIMITER_NAMES.length)
  })

  it('fails when only the code limiters are missing, saying the Worker refuses codes; other missing ones fail too', () => {
    const codes = rateLimitsCheck(setting({ ratelimits: TOP.filter((r) => !r.name.startsWith('CODE_')) }))
    expect(codes.status).toBe('fail')
    expect(codes.detail).toMatch(/^not bound in \[env\.production\]: CODE_IP_LIMITER, CODE_EMAIL_LIMITER, so those limits are off; without CODE_IP_LIMITER and CODE_EMAIL_LIMITER the Worker refuses every 6-digit code/)
    const one = rateLimitsCheck(setting({ ratelimits: TOP.filter((r) => r.name !== 'FORGOT_EMAIL_LIMITER') }))
    expect(one).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^not bound in \[env\.production\]: FORGOT_EMAIL_LIMITER, so that limit is off; named/) })
    expect(one.detail).not.toContain('6-digit')
    expect(one.fix).toContain('name = "FORGOT_EMAIL_LIMITER"')
    expect(one.fix).not.toContain('name = "CODE_IP_LIMITER"')
  })

  it('only warns about a non-code limiter deleted everywhere (a choice), but fails a code limiter deleted everywhere', () => {
    const withoutForgotEmail = TOP.filter((r) => r.name !== 'FORGOT_EMAIL_LIMITER')
    expect(rateLimitsCheck(setting({ ratelimits: withoutForgotEmail, topLevelRatelimits: withoutForgotEmail })).status).toBe('warn')
    expect(rateLimitsCheck(setting({ env: undefined, ratelimits: withoutForgotEmail, topLevelRatelimits: withoutForgotEmail })).status).toBe('warn')
    const withoutCodeIp = TOP.filter((r) => r.name !== 'CODE_IP_LIMITER')
    expect(rateLimitsCheck(setting({ ratelimits: withoutCodeIp, topLevelRatelimits: withoutCodeIp })).status).toBe('fail')
  })

  it('passes when every limiter is bound; at the top level the fix names [[ratelimits]]', () => {
    expect(rateLimitsCheck(setting({ ratelimits: TOP })).status).toBe('pass')
    const top = rateLimitsCheck(setting({ env: undefined, ratelimits: [], topLevelRatelimits: [] }))
    expect(top).toMatchObject({ status: 'fail', title: 'Edge rate limits are bound' })
    expect(top.fix).toContain('[[ratelimits]]\nname = "FORGOT_IP_LIMITER"')
    expect(top.detail).not.toContain('inherit')
  })
})

describe('authEventsCheck', () => {
  it('warns (never fails) when the top level binds AUTH_EVENTS and the named environment does not', () => {
    const check = authEventsCheck(setting())
    expect(check).toMatchObject({ id: 'auth_events', status: 'warn' })
    expect(check.fix).toBe('add to wrangler.toml under [env.production]:\n[[env.production.analytics_engine_datasets]]\nbinding = "AUTH_EVENTS"\ndataset = "auth_events"')
  })

  it('passes when bound, and when no level binds it (events in the log lines only, by choice)', () => {
    expect(authEventsCheck(setting({ analyticsEngine: EVENTS })).status).toBe('pass')
    expect(authEventsCheck(setting({ topLevelAnalyticsEngine: [] }))).toMatchObject({ status: 'pass', detail: expect.stringContaining('log lines only') })
  })
})

describe('the doctor with the environment bindings', () => {
  it('lists them under "deployment" first; a missing limiter fails the run, a missing AUTH_EVENTS only warns', async () => {
    const deployment = { kind: 'single', ignoredTopLevelSecretKey: false, sites: [] } as const
    const report = await runDoctor(deployment, { bindings: setting() })
    expect(report.sites[0]?.site).toBe('deployment')
    expect(report.sites[0]?.checks.map((c) => [c.id, c.status])).toEqual([
      ['rate_limits', 'fail'],
      ['auth_events', 'warn'],
    ])
    expect(report.ok).toBe(false)
    const text = formatReport(report)
    expect(text).toContain('✗ Edge rate limits are bound in [env.production]: not bound in [env.production]: FORGOT_IP_LIMITER')
    expect(text).toContain('      fix: add a block for each to wrangler.toml under [env.production]')
    expect(text).toContain('\n        [[env.production.ratelimits]]\n        name = "FORGOT_IP_LIMITER"')
    expect(text).toContain('! Auth events are bound (AUTH_EVENTS) in [env.production]')
    expect(text).toContain('1 check failed. 1 warning (!), which does not fail the run.')
    const warnOnly = await runDoctor(deployment, { bindings: setting({ ratelimits: TOP }) })
    expect(warnOnly.ok).toBe(true)
    expect(bindingsChecks(setting({ ratelimits: TOP, analyticsEngine: EVENTS })).map((c) => c.status)).toEqual(['pass', 'pass'])
  })
})
