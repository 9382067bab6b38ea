/** The shape of bench/results.json. */
import type { BuiltWorker } from './bundle'
import type { Attribution } from './startup'
import type { RequestProfile } from './request-profile'
import type { RoundTripResult } from './roundtrips'
import type { Summary } from './stats'
import type { WorkerId } from './paths'

/** What results.json keeps of a build (not the paths of the scratch files). */
export type BundleSide = Pick<BuiltWorker, 'worker' | 'rawBytes' | 'gzipBytes' | 'wranglerLine' | 'buildMs' | 'bytesByGroup' | 'gzipByGroup'>

export interface LoadSide {
  readonly rps: Summary
  readonly p50: Summary
  readonly p99: Summary
  /** CPU of the workerd running the Worker, per answered request. */
  readonly workerCpuMsPerReq: Summary
  /** wrangler dev's proxy workerd, and wrangler's Node process (it receives every console.log line). */
  readonly proxyCpuMsPerReq: Summary
  readonly wranglerCpuMsPerReq: Summary
  /** The Worker + proxy + wrangler. */
  readonly devStackCpuMsPerReq: Summary
  readonly standInCpuMsPerReq: Summary
  readonly unexpected: Record<string, number>
  readonly errors: number
  readonly responses: readonly number[]
}

/** One connection, one request at a time: the latency a request sees when nothing queues. */
export interface LightSide {
  readonly rps: Summary
  readonly p50: Summary
  readonly p99: Summary
  readonly unexpected: Record<string, number>
}

export interface LoadCell {
  readonly id: string
  readonly label: string
  readonly upstream: string
  readonly latencyMs: number
  readonly ours: LoadSide
  readonly baseline: LoadSide
  readonly oursLight: LightSide
  readonly baselineLight: LightSide
  readonly rpsRatio: number
  /** From the one-connection runs. */
  readonly addedP99Ms: number
  readonly addedP50Ms: number
  /** From the full-load runs (mostly queueing: follows throughput). */
  readonly addedP99SaturatedMs: number
}

export interface MemoryRow {
  readonly phase: string
  readonly worker: WorkerId
  /** Requests the Worker answered during the phase. */
  readonly requests: number
  /** workerd RSS at the end of the phase. */
  readonly workerdEndMiB: number
  readonly workerdPeakMiB: number
  readonly standInPeakMiB: number
  readonly workerdIdleMiB: number
  readonly standInIdleMiB: number
}

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

export interface BenchResults {
  meta: {
    date: string
    commit: string
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
  }
  bundle?: {
    ours: BundleSide
    baseline: BundleSide
    deltaGzipKiB: number
    deltaRawKiB: number
    targetGzipKiB: number
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
  load?: { durationS: number; lightDurationS: number; connections: number; runs: number; cells: LoadCell[] }
  concurrency?: ConcurrencyResult
  memory?: MemoryRow[]
  requestProfiles?: Record<WorkerId, RequestProfile[]>
}
