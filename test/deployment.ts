/**
 * Differently configured deployments for tests: the app run with extra or replaced bindings, and a
 * deterministic stand-in for the Workers Rate Limiting binding that counts to the limits configured in
 * wrangler.toml. (The local binding's windows align to the wall clock, so a test that straddles a
 * minute boundary would see its count reset: a flaky test.)
 */
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { inject } from 'vitest'
import app from '../src/index'
import { LIMITER_NAMES, type LimiterName, type RateLimiter } from '../src/config'
import type { Fetcher } from './browser'

/** A fetcher that runs the app with extra bindings (a differently configured deployment). */
export function withBindings(bindings: Record<string, unknown>): Fetcher {
  const patched = { ...env, ...bindings }
  return async (request) => {
    const ctx = createExecutionContext()
    const res = await app.fetch(request, patched, ctx)
    await waitOnExecutionContext(ctx)
    return res
  }
}

/** Counts calls per key and refuses past `limit`; no clock, so no window boundary to straddle. */
export function countingLimiter(limit: number): RateLimiter & { readonly calls: string[] } {
  const counts = new Map<string, number>()
  const calls: string[] = []
  return {
    calls,
    async limit({ key }) {
      calls.push(key)
      const count = (counts.get(key) ?? 0) + 1
      counts.set(key, count)
      return { success: count <= limit }
    },
  }
}

/** Every edge limiter as a counting limiter with wrangler.toml's limit. */
export function configuredLimiters(): Record<LimiterName, ReturnType<typeof countingLimiter>> {
  const configured = inject('rateLimits')
  const limiters = {} as Record<LimiterName, ReturnType<typeof countingLimiter>>
  for (const name of LIMITER_NAMES) {
    const limit = configured[name]?.limit
    if (limit === undefined) throw new Error(`wrangler.toml has no [[ratelimits]] block for ${name}`)
    limiters[name] = countingLimiter(limit)
  }
  return limiters
}

/** The deployment as configured, with deterministic edge limits (plus any extra bindings). */
export function withLimiters(extra: Record<string, unknown> = {}): Fetcher {
  return withBindings({ ...configuredLimiters(), ...extra })
}
