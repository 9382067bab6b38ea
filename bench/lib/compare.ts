/**
 * The side-by-side measurements of the lean servers (ours, baseline, Express peer) against one stand-in:
 * complete resets per second with N people at a time, CPU per reset and per step, token verification
 * alone, and the JS heap over many requests. Each function measures one server once; run.ts alternates
 * the servers within a round and takes ratios within the round.
 */
import type { Request as AutocannonRequest } from 'autocannon'
import { createUsers, ipFor, runFlow, type FlowStep, type FlowUser, type MailWatcher } from './flow'
import { Inspector } from './inspector'
import { loadRoute, ROUTES, type StackPrep } from './load'
import { processCpuMs, threadCpuMs } from './proc'
import type { Server, StandIn } from './servers'
import { sleep } from './stats'

/** Our forgot-password form is limited to 3 requests per address per minute: reuse an address only after this. */
const REUSE_AFTER_MS = 61_000

/** People who can reset their password; each address rests a minute between resets (our per-email limit). */
export class UserPool {
  private readonly free: Array<{ user: FlowUser; since: number }> = []
  private created = 0
  private changes = 0
  /** Users the pool had to create during a measurement because none had rested long enough. */
  createdLate = 0

  constructor(
    private readonly standIn: StandIn,
    private readonly tag: string,
    /** How long an address rests between resets: a minute for ours (its per-email limit), 0 for the others. */
    private readonly restMs = REUSE_AFTER_MS,
  ) {}

  async add(count: number): Promise<void> {
    const users = Array.from({ length: count }, () => this.makeUser())
    await createUsers(this.standIn.url, users)
    for (const user of users) this.free.push({ user, since: 0 })
  }

  /** A rested user with a fresh new password to set. */
  async take(): Promise<FlowUser> {
    const head = this.free[0]
    let user: FlowUser
    if (head && Date.now() - head.since >= this.restMs) {
      this.free.shift()
      user = head.user
    } else {
      user = this.makeUser()
      this.createdLate++
      await createUsers(this.standIn.url, [user])
    }
    return { ...user, newPassword: `new-pw-${this.tag}-${++this.changes}` }
  }

  /** Back to the pool; `changed` when the flow set the new password. */
  give(user: FlowUser, changed: boolean): void {
    this.free.push({ user: changed ? { ...user, password: user.newPassword } : user, since: Date.now() })
  }

  private makeUser(): FlowUser {
    const n = ++this.created
    return { email: `p-${this.tag}-${n}@example.com`, password: `old-pw-${n}`, newPassword: '' }
  }
}

export interface ResetRun {
  readonly completed: number
  readonly failed: number
  readonly seconds: number
  readonly perSecond: number
  /** CPU ms per completed reset: the server's process and the stand-in's. */
  readonly serverCpuMsPerReset: number
  readonly standInCpuMsPerReset: number
  /** The local range server's (only ours calls it; the real API costs the Worker's machine nothing). */
  readonly rangeCpuMsPerReset?: number
  /** This process's: the people's HTTP clients, the mail watcher, Miniflare's reader of workerd's log lines. */
  readonly loadGeneratorCpuMsPerReset?: number
  /** CPU ms per completed reset of `otherPids` (wrangler dev's proxy workerd and Node process), if given. */
  readonly otherCpuMsPerReset?: number
  readonly errors: readonly string[]
}

let ipCounter = 0

/**
 * Complete resets, `concurrency` people at a time. People keep starting resets for `warmS + durationS`;
 * the rate counts the resets that finish inside the last `durationS` (a steady-state window, so the
 * ramp-up and the tail of flows still running do not quantise the count), and the CPU of the server and
 * the stand-in is read at the window's two ends.
 */
export async function timedResets(
  server: Server,
  standIn: StandIn,
  pool: UserPool,
  mail: MailWatcher,
  durationS: number,
  concurrency: number,
  options: { warmS?: number; otherPids?: readonly number[]; rangePid?: number } = {},
): Promise<ResetRun> {
  const warmS = options.warmS ?? 1
  const otherPids = options.otherPids ?? []
  const signInAt = { authUrl: standIn.url, apikey: standIn.publishableKey }
  let inWindow = 0
  let failed = 0
  const errors: string[] = []
  const started = performance.now()
  const windowStart = started + warmS * 1000
  const deadline = windowStart + durationS * 1000
  let cpuStart: readonly number[] = []
  let cpuEnd: readonly number[] = []
  let windowOpen = false
  const range = options.rangePid
  const readCpu = async () => {
    let other = 0
    for (const pid of otherPids) other += await processCpuMs(pid)
    const self = process.cpuUsage()
    return [await processCpuMs(server.pid), await processCpuMs(standIn.pid), other, range === undefined ? 0 : await processCpuMs(range), (self.user + self.system) / 1000]
  }
  const clock = (async () => {
    await sleep(windowStart - performance.now())
    cpuStart = await readCpu()
    windowOpen = true
    await sleep(deadline - performance.now())
    windowOpen = false
    cpuEnd = await readCpu()
  })()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const user = await pool.take()
        const result = await runFlow(server.url, mail, user, ipFor(++ipCounter, 300), undefined, 'POST update', signInAt)
        pool.give(user, result.ok)
        if (result.ok) {
          if (windowOpen) inWindow++
        } else {
          failed++
          if (errors.length < 5) errors.push(result.error ?? '?')
        }
      }
    }),
  )
  await clock
  return {
    completed: inWindow,
    failed,
    seconds: durationS,
    perSecond: inWindow / durationS,
    // No reset finished inside the window (a window too short for the load): no CPU per reset either.
    serverCpuMsPerReset: inWindow ? (cpuEnd[0]! - cpuStart[0]!) / inWindow : Number.NaN,
    standInCpuMsPerReset: inWindow ? (cpuEnd[1]! - cpuStart[1]!) / inWindow : Number.NaN,
    ...(otherPids.length ? { otherCpuMsPerReset: inWindow ? (cpuEnd[2]! - cpuStart[2]!) / inWindow : Number.NaN } : {}),
    ...(range === undefined ? {} : { rangeCpuMsPerReset: inWindow ? (cpuEnd[3]! - cpuStart[3]!) / inWindow : Number.NaN }),
    loadGeneratorCpuMsPerReset: inWindow ? (cpuEnd[4]! - cpuStart[4]!) / inWindow : Number.NaN,
    errors,
  }
}

/** Mean CPU ms per step (server process, stand-in process), from flows run one at a time. */
export type StepCpu = Partial<Record<FlowStep, { server: number; standIn: number }>>

export async function stepCpu(server: Server, standIn: StandIn, pool: UserPool, mail: MailWatcher, flows: number): Promise<StepCpu> {
  const signInAt = { authUrl: standIn.url, apikey: standIn.publishableKey }
  const sums: Partial<Record<FlowStep, { server: number; standIn: number; n: number }>> = {}
  for (let i = 0; i < flows; i++) {
    const user = await pool.take()
    let last = [await threadCpuMs(server.pid), await threadCpuMs(standIn.pid)]
    const result = await runFlow(
      server.url,
      mail,
      user,
      ipFor(++ipCounter, 300),
      async (step) => {
        // Our POST forgot answers before its Supabase call ends (waitUntil); runFlow calls this once the email arrived.
        await sleep(step === 'POST forgot' ? 5 : 0)
        const now = [await threadCpuMs(server.pid), await threadCpuMs(standIn.pid)]
        const sum = (sums[step] ??= { server: 0, standIn: 0, n: 0 })
        sum.server += now[0]! - last[0]!
        sum.standIn += now[1]! - last[1]!
        sum.n++
        last = [await threadCpuMs(server.pid), await threadCpuMs(standIn.pid)]
      },
      'POST update',
      signInAt,
    )
    pool.give(user, result.ok)
    if (!result.ok) throw new Error(`per-step CPU on ${server.id}: ${result.error}`)
  }
  const out: StepCpu = {}
  for (const [step, v] of Object.entries(sums)) out[step as FlowStep] = { server: v.server / v.n, standIn: v.standIn / v.n }
  return out
}

export interface VerifyRun {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly serverCpuMsPerRequest: number
  readonly unexpected: Record<string, number>
}

const verifyRoute = ROUTES.find((r) => r.id === 'get-update')!

/** Token verification alone: GET /account/update-password with a recovery session, `connections` at a time. */
export async function tokenVerification(server: Server, prep: StackPrep, durationS: number, connections: number): Promise<VerifyRun> {
  const before = await processCpuMs(server.pid)
  const run = await loadRoute(server, prep, verifyRoute, { durationS, connections })
  const after = await processCpuMs(server.pid)
  return { rps: run.rps, p50: run.p50, p99: run.p99, serverCpuMsPerRequest: (after - before) / run.responses, unexpected: run.unexpected }
}

export interface HeapRun {
  /** Used JS heap after a full GC, in KiB, after `requests[i]` requests (0 = after a short warm-up). */
  readonly requests: readonly number[]
  readonly heapKiB: readonly number[]
  readonly rssKiB: readonly number[]
}

/** The mix of requests for the heap section: every page route, each POST from a new address and IP. */
function heapMix(prep: StackPrep): AutocannonRequest[] {
  return ROUTES.map((r) => r.build(prep))
}

export async function heapOver(server: Server, prep: StackPrep, checkpoints: readonly number[], readRssKiB: (pid: number) => Promise<number>): Promise<HeapRun> {
  if (!server.inspectorUrl) throw new Error(`${server.id} was started without an inspector`)
  const inspector = await Inspector.connect(server.inspectorUrl)
  try {
    const runtime = server.id === 'peer' ? 'node' : 'workerd'
    const mix = heapMix(prep)
    await loadRoute(server, prep, ROUTES[0]!, { amount: 400, connections: 10, requests: mix }) // warm-up: JIT, JWKS cache
    const requests = [0]
    const heapKiB = [(await inspector.heapAfterGc(runtime)) / 1024]
    const rssKiB = [await readRssKiB(server.pid)]
    let done = 0
    for (const target of checkpoints) {
      await loadRoute(server, prep, ROUTES[0]!, { amount: target - done, connections: 10, requests: mix })
      done = target
      requests.push(done)
      heapKiB.push((await inspector.heapAfterGc(runtime)) / 1024)
      rssKiB.push(await readRssKiB(server.pid))
    }
    return { requests, heapKiB, rssKiB }
  } finally {
    inspector.close()
  }
}
