/**
 * What two of ours' safety features cost per complete reset, in the lean runtime: ours as deployed,
 * ours with its `[[ratelimits]]` bindings left out (what an operator gets by deleting the blocks), and
 * ours with `BREACHED_PASSWORD_CHECK=off`, each measured once per round (the order rotating), the
 * differences taken within a round. Resets run one at a time and the server's CPU is read after each
 * step (as the per-step table does): a feature costs a few per cent of a reset, less than what the
 * 50-at-a-time runs move between rounds, so those cannot show it. Here the limits are answered by the bench's counter Worker over JS
 * RPC (lib/limiter-worker.ts), so "limits" includes that stand-in's own isolate, which production's
 * binding does not run in the process; "breach check" includes the range request to the local
 * Pwned Passwords stand-in and reading its ~35 KB answer.
 */
import { stepCpu, timedResets, UserPool } from './compare'
import type { MailWatcher } from './flow'
import { startLean, type Server, type StandIn } from './servers'
import type { FeatureCostRound } from './types'

export type FeatureVariant = 'full' | 'noLimits' | 'noBreachCheck'
const VARIANTS: readonly FeatureVariant[] = ['full', 'noLimits', 'noBreachCheck']

export async function featureCosts(
  oursBundle: string,
  standIn: StandIn,
  mail: MailWatcher,
  options: { rounds: number; flows: number; users: number; log: (line: string) => void },
): Promise<FeatureCostRound[]> {
  const servers = {} as Record<FeatureVariant, Server>
  const pools = {} as Record<FeatureVariant, UserPool>
  try {
    for (const v of VARIANTS) {
      servers[v] = await startLean('ours', oursBundle, standIn, {
        limits: v === 'noLimits' ? 'none' : 'counter',
        ...(v === 'noBreachCheck' ? { bindings: { BREACHED_PASSWORD_CHECK: 'off' } } : {}),
      })
      pools[v] = new UserPool(standIn, `feat-${v}-${Date.now().toString(36)}`)
      await pools[v].add(options.users)
      await timedResets(servers[v], standIn, pools[v], mail, 0.5, 20, { warmS: 0.5 }) // JIT, JWKS cache
    }
    const rounds: FeatureCostRound[] = []
    for (let r = 0; r < options.rounds; r++) {
      const cpu = {} as Record<FeatureVariant, number>
      for (let i = 0; i < VARIANTS.length; i++) {
        const v = VARIANTS[(i + r) % VARIANTS.length]!
        const steps = await stepCpu(servers[v], standIn, pools[v], mail, options.flows)
        cpu[v] = Object.values(steps).reduce((sum, step) => sum + step.server, 0)
      }
      options.log(`   round ${r + 1}/${options.rounds}: server CPU ms/reset (one at a time) ${VARIANTS.map((v) => `${v} ${cpu[v].toFixed(2)}`).join(', ')}`)
      rounds.push(cpu)
    }
    return rounds
  } finally {
    for (const v of VARIANTS) await servers[v]?.stop()
  }
}
