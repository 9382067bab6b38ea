/** The shape of bench/results.json. */
import type { BuiltWorker } from './bundle'
import type { LanguagesResult } from './languages'
import type { Attribution } from './startup'
import type { RequestProfile } from './request-profile'
import type { RoundTripResult } from './roundtrips'
import type { Summary } from './stats'
import type { WorkerId } from './paths'
import type { HeapRun, ResetRun, StepCpu, VerifyRun } from './compare'
import type { ServerId } from './servers'

/** What results.json keeps of a build (not the paths of the scratch files). */
export type BundleSide = Pick<BuiltWorker, 'worker' | 'rawBytes' | 'gzipBytes' | 'wranglerLine' | 'buildMs' | 'bytesByGroup' | 'gzipByGroup'>

export interface ConcurrencyResult {
  readonly flows: number
  readonly concurrency: number
  readonly ok: number
  readonly errors: number
  readonly errorExamples: readonly string[]
  readonly seconds: number
  readonly flowsPerSecond: number
  readonly flowMs: { p50: number; p99: number }
  readonly stepMs: Record<string, { p50: number; p99: number }>
  readonly upstream: Record<string, number>
  readonly passwordUpdates: number
  readonly newPasswordWorks: number
  readonly oldPasswordRefused: number
  readonly sessionCookiesChecked: number
  readonly foreignSessionCookies: number
  readonly foreignExamples: readonly string[]
}

/** One round: every server measured once, in `order`; ratios are taken within a round. */
export interface CompareRound {
  readonly order: readonly ServerId[]
  /** 1-minute load average when the round started. */
  readonly loadAverage: number
  readonly resets: Partial<Record<ServerId, ResetRun>>
  readonly verify?: Partial<Record<ServerId, VerifyRun>>
}

export interface CompareLatency {
  readonly latencyMs: number
  readonly rounds: readonly CompareRound[]
  /** Per-step CPU, one entry per round (flows run one at a time). */
  readonly steps?: Partial<Record<ServerId, StepCpu[]>>
}

export interface CompareResults {
  readonly runtime: 'lean' | 'wrangler dev'
  readonly servers: readonly ServerId[]
  readonly durationS: number
  readonly verifyDurationS: number
  readonly concurrency: number
  readonly connections: number
  readonly latencies: CompareLatency[]
  heap?: Partial<Record<ServerId, HeapRun>>
  /** Lean only: CPU ms per request of an empty Worker served the same way (the runtime's own share), per run. */
  controlCpuMsPerRequest?: number[]
  /** Lean only: ours' server CPU ms per reset with and without two safety features, per round (lib/feature-costs.ts). */
  featureCosts?: FeatureCostRound[]
}

/** Server CPU ms per complete reset of ours as deployed, without its rate limits, without the breach check. */
export interface FeatureCostRound {
  readonly full: number
  readonly noLimits: number
  readonly noBreachCheck: number
}

export interface BenchResults {
  meta: {
    date: string
    commit: string
    /** The last commit that changed the bench's measuring code (verdicts.ts: MEASURING_CODE). */
    method?: string
    dirty: boolean
    node: string
    wrangler: string
    cpus: number
    cpuModel: string
    loadAverageBefore: number[]
    loadAverageAfter: number[]
    options: Record<string, unknown>
    durationS: number
    quick: boolean
    /** Versions of the peer's runtime and framework. */
    peer?: { node: string; express: string }
  }
  lean?: CompareResults
  wranglerDev?: CompareResults
  bundle?: {
    ours: BundleSide
    baseline: BundleSide
    deltaGzipKiB: number
    deltaRawKiB: number
    targetGzipKiB: number
    /** What the six languages add to the script (issue 12), and the translation assets beside it. */
    languages?: LanguagesResult
  }
  startup?: {
    runs: number
    rawMs: { ours: Summary; baseline: Summary; control: Summary }
    netMs: { ours: Summary; baseline: Summary }
    /** Ratio of the medians (net of control). */
    ratio: number
    /** Ratio of the fastest runs: interference only adds CPU time, so this is a robustness check. */
    ratioOfMins: number
    targetRatio: number
    experiments: Array<{ id: string; what: string; includes: readonly string[]; bundleKiB: number; gzipKiB: number; netMs: Summary }>
    attribution: Record<WorkerId, Attribution>
    profiledActiveMs: { ours: Summary; baseline: Summary }
  }
  roundTrips?: Record<WorkerId, RoundTripResult>
  concurrency?: ConcurrencyResult
  requestProfiles?: Record<WorkerId, RequestProfile[]>
  /** V8 profiles over whole resets run one at a time (lean, unminified builds). */
  resetProfiles?: Record<WorkerId, RequestProfile>
}
