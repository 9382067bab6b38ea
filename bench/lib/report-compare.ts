/**
 * RESULTS.md sections and target rows for the side-by-side comparison (lean runtime and wrangler dev):
 * per-round ratios, reported as median (min–max) over the rounds, with how many rounds met the target.
 */
import type { ResetRun, StepCpu } from './compare'
import type { FlowStep } from './flow'
import type { ServerId } from './servers'
import { fmt, fmtSummary, median, summarize, type Summary } from './stats'
import type { BenchResults, CompareLatency, CompareResults, CompareRound, FeatureCostRound } from './types'

const PASS = 'met'
const MISS = '**missed**'
const mark = (ok: boolean) => (ok ? PASS : MISS)

export const TARGETS = {
  cpuPerResetVsBaseline: 1.25,
  resetsVsPeer: 1.0,
  verifyVsPeer: 1.0,
  heapDrift: 0.1,
} as const

type Metric = (round: CompareRound, id: ServerId) => number | undefined
const resetsPerS: Metric = (r, id) => r.resets[id]?.perSecond
const cpuPerReset: Metric = (r, id) => r.resets[id]?.serverCpuMsPerReset
const verifyRps: Metric = (r, id) => r.verify?.[id]?.rps
const verifyP99: Metric = (r, id) => r.verify?.[id]?.p99

/** CPU of every process on the machine per reset: server, stand-in, range server (NaN-free: absent is 0), load generator. */
export const allProcessesPerReset = (r: ResetRun) => r.serverCpuMsPerReset + r.standInCpuMsPerReset + (r.rangeCpuMsPerReset ?? 0) + (r.loadGeneratorCpuMsPerReset ?? Number.NaN)

/** Within-round ratios a/b of a metric, summarised over the rounds. */
export function ratio(l: CompareLatency, metric: Metric, a: ServerId, b: ServerId): Summary {
  return summarize(l.rounds.map((r) => (metric(r, a) ?? Number.NaN) / (metric(r, b) ?? Number.NaN)))
}

const values = (l: CompareLatency, metric: Metric, id: ServerId) => summarize(l.rounds.map((r) => metric(r, id) ?? Number.NaN))
const roundsMeeting = (s: Summary, ok: (v: number) => boolean) => `${s.runs.filter((v) => Number.isFinite(v) && ok(v)).length}/${s.runs.length} rounds`
const x = (s: Summary) => `${fmtSummary(s, 2)}×`

/** A verdict on a measured value; none (inconclusive) when the measurement failed (NaN), rather than "missed". */
export const judged = (value: number, pass: (v: number) => boolean): boolean | undefined => (Number.isFinite(value) ? pass(value) : undefined)

export interface CompareTargetRow {
  readonly id: string
  readonly target: string
  readonly measured: string
  readonly ok: boolean | undefined
}

export function compareTargets(r: BenchResults): CompareTargetRow[] {
  const rows: CompareTargetRow[] = []
  const lean = r.lean
  if (!lean) return rows
  const at = (ms: number) => lean.latencies.find((l) => l.latencyMs === ms)
  const l0 = at(0)
  if (l0) {
    const cpu = ratio(l0, cpuPerReset, 'ours', 'baseline')
    const l30 = at(30)
    const cpu30 = l30 ? ratio(l30, cpuPerReset, 'ours', 'baseline') : undefined
    const net = netOfRuntime(lean, l0)
    rows.push({
      id: 'cpu-per-reset',
      target: `Isolate CPU per complete reset ≤ ${TARGETS.cpuPerResetVsBaseline}× the baseline Worker's (lean runtime, stand-in latency 0 ms)`,
      measured: `${x(cpu)} (${fmt(values(l0, cpuPerReset, 'ours').median, 1)} vs ${fmt(values(l0, cpuPerReset, 'baseline').median, 1)} ms of workerd CPU; ${roundsMeeting(cpu, (v) => v <= TARGETS.cpuPerResetVsBaseline)}${cpu30 ? `; at 30 ms ${x(cpu30)}` : ''}${net ? `; net of the runtime's own share of each request, ${x(net.ratio)}` : ''})`,
      ok: judged(cpu.median, (v) => v <= TARGETS.cpuPerResetVsBaseline),
    })
  }
  for (const l of lean.latencies) {
    const s = ratio(l, resetsPerS, 'ours', 'peer')
    rows.push({
      id: `resets-vs-peer-${l.latencyMs}ms`,
      target: `Complete resets per second ≥ ${TARGETS.resetsVsPeer.toFixed(1)}× the Express peer (lean, ${lean.concurrency} at a time, stand-in latency ${l.latencyMs} ms)`,
      measured: `${x(s)} (${fmt(values(l, resetsPerS, 'ours').median, 1)} vs ${fmt(values(l, resetsPerS, 'peer').median, 1)} /s; ${roundsMeeting(s, (v) => v >= TARGETS.resetsVsPeer)})`,
      ok: judged(s.median, (v) => v >= TARGETS.resetsVsPeer),
    })
  }
  const withVerify = lean.latencies.find((l) => l.rounds.some((rd) => rd.verify))
  if (withVerify) {
    const rps = ratio(withVerify, verifyRps, 'ours', 'peer')
    const p99 = ratio(withVerify, verifyP99, 'ours', 'peer')
    rows.push({
      id: 'verify-rps',
      target: `Token verification ≥ ${TARGETS.verifyVsPeer.toFixed(1)}× the peer's requests/s (${lean.connections} connections)`,
      measured: `${x(rps)} (${fmt(values(withVerify, verifyRps, 'ours').median, 0)} vs ${fmt(values(withVerify, verifyRps, 'peer').median, 0)} req/s; ${roundsMeeting(rps, (v) => v >= TARGETS.verifyVsPeer)})`,
      ok: judged(rps.median, (v) => v >= TARGETS.verifyVsPeer),
    })
    rows.push({
      id: 'verify-p99',
      target: `Token verification p99 at ${lean.connections} connections no worse than the peer's`,
      measured: `${x(p99)} of the peer's (${fmt(values(withVerify, verifyP99, 'ours').median, 1)} vs ${fmt(values(withVerify, verifyP99, 'peer').median, 1)} ms; ${roundsMeeting(p99, (v) => v <= 1)})`,
      ok: judged(p99.median, (v) => v <= 1),
    })
  }
  const heap = lean.heap?.ours
  if (heap && heap.heapKiB.length >= 3) {
    const quarter = heap.heapKiB.at(-2)!
    const last = heap.heapKiB.at(-1)!
    const drift = last / quarter - 1
    rows.push({
      id: 'heap-flat',
      target: `Isolate JS heap flat (±${TARGETS.heapDrift * 100} %) between ${heap.requests.at(-2)} and ${heap.requests.at(-1)} requests`,
      measured: `${signedPct(drift)} (${fmt(quarter, 0)} → ${fmt(last, 0)} KiB after a full GC)`,
      ok: judged(drift, (v) => Math.abs(v) <= TARGETS.heapDrift),
    })
  }
  return rows
}

/** Requests a complete reset makes to ours and to the baseline (the sign-in goes to the stand-in). */
const WORKER_REQUESTS_PER_RESET = 6

/** The CPU ratio with an empty Worker's CPU per request (× requests per reset) taken off both sides, per round. */
export function netOfRuntime(c: CompareResults, l: CompareLatency): { perRequest: number; ratio: Summary } | undefined {
  if (!c.controlCpuMsPerRequest?.length) return undefined
  const perRequest = median(c.controlCpuMsPerRequest)
  const overhead = perRequest * WORKER_REQUESTS_PER_RESET
  return { perRequest, ratio: summarize(l.rounds.map((rd) => ((rd.resets.ours?.serverCpuMsPerReset ?? Number.NaN) - overhead) / ((rd.resets.baseline?.serverCpuMsPerReset ?? Number.NaN) - overhead))) }
}

export function compareSections(r: BenchResults, out: string[]) {
  if (r.lean?.latencies.length || r.lean?.heap) leanSection(r.lean, out)
  if (r.lean?.heap) heapSection(r.lean, out)
}

export function devSection(r: BenchResults, out: string[]) {
  const d = r.wranglerDev
  if (!d) return
  out.push('## f. The same under `wrangler dev` (secondary)', '')
  out.push(`Ours and the baseline served by \`wrangler dev\` (each with its own stand-in), ${d.latencies[0]?.rounds.length ?? 0} rounds, otherwise as in section d. Every request crosses wrangler's proxy workerd, wrangler's Node process receives every log line, and the inspector is attached: costs production does not have. "Other" is the proxy workerd plus wrangler's Node process.`, '')
  for (const l of d.latencies) {
    out.push('| Server | resets/s | Worker workerd CPU ms/reset | other (proxy + wrangler) CPU ms/reset | token verification req/s | p99 ms |', '| --- | ---: | ---: | ---: | ---: | ---: |')
    for (const id of d.servers) {
      const other = summarize(l.rounds.map((rd) => rd.resets[id]?.otherCpuMsPerReset ?? Number.NaN))
      out.push(`| ${id} | ${fmtSummary(values(l, resetsPerS, id))} | ${fmtSummary(values(l, cpuPerReset, id))} | ${fmtSummary(other)} | ${fmtSummary(values(l, verifyRps, id), 0)} | ${fmtSummary(values(l, verifyP99, id))} |`)
    }
    out.push(`| **ours / baseline, within a round** | ${x(ratio(l, resetsPerS, 'ours', 'baseline'))} | ${x(ratio(l, cpuPerReset, 'ours', 'baseline'))} | | ${x(ratio(l, verifyRps, 'ours', 'baseline'))} | ${x(ratio(l, verifyP99, 'ours', 'baseline'))} |`, '')
  }
}

function leanSection(c: CompareResults, out: string[]) {
  out.push('## d. Lean runtime: ours vs the baseline Worker vs the Express peer', '')
  out.push(
    `What ships: each Worker's deploy bundle (\`wrangler deploy --dry-run --minify --outdir\`) served by Miniflare's workerd directly (no \`wrangler dev\`, no proxy, no inspector; requests reach the Worker through a socket of its own, not through Miniflare's entry Worker, a second isolate production does not have), with its wrangler.toml bindings and rate limits; the peer is bench/peer/ (Express ${'`'}app.js${'`'} from Supabase's server-side guides) on \`node app.js\`. All three talk to one stand-in in its own process. **Rounds:** every server is measured once per round, the order rotating from round to round; a ratio is taken between two servers of the same round and the table shows its median (min–max) over the rounds, so a slow patch of the shared machine moves both sides of a ratio alike.`,
    '',
    `**Complete resets:** ${c.concurrency} people at a time each go forgot form → POST email → the email (stand-in's Mailpit API) → the link → confirm → new-password form → POST new password → sign in with it (password grant on the stand-in). Resets/s counts resets finishing in a ${c.durationS} s window after a 1 s ramp-up; CPU is the kernel's utime+stime of the server's process (workerd: the isolate plus the runtime's threads; node: everything) over the same window, per reset. The Express peer verifies the link on GET (the guide's way), so it has one request fewer per reset. Each address resets at most once a minute against ours (its per-email limit is 3 a minute).`,
    '',
  )
  for (const l of c.latencies) {
    out.push(`### Stand-in latency ${l.latencyMs} ms`, '')
    const withOthers = l.rounds.some((rd) => Object.values(rd.resets).some((r) => r?.loadGeneratorCpuMsPerReset !== undefined))
    out.push(
      `| Server | resets/s | server CPU ms/reset | stand-in CPU ms/reset |${withOthers ? ' range server CPU ms/reset | load generator CPU ms/reset | all four, ms/reset |' : ''} failed |`,
      `| --- | ---: | ---: | ---: |${withOthers ? ' ---: | ---: | ---: |' : ''} ---: |`,
    )
    for (const id of c.servers) {
      const of = (get: (r: ResetRun) => number | undefined) => summarize(l.rounds.map((rd) => (rd.resets[id] ? get(rd.resets[id]) ?? Number.NaN : Number.NaN)))
      const standIn = of((r) => r.standInCpuMsPerReset)
      const failed = l.rounds.reduce((a, rd) => a + (rd.resets[id]?.failed ?? 0), 0)
      const others = withOthers
        ? ` ${fmtSummary(of((r) => r.rangeCpuMsPerReset))} | ${fmtSummary(of((r) => r.loadGeneratorCpuMsPerReset))} | ${fmtSummary(of(allProcessesPerReset))} |`
        : ''
      out.push(`| ${id} | ${fmtSummary(values(l, resetsPerS, id))} | ${fmtSummary(values(l, cpuPerReset, id))} | ${fmtSummary(standIn)} |${others} ${failed} |`)
    }
    if (withOthers) {
      out.push(
        '',
        'The range server is the local stand-in for the Pwned Passwords API, which only ours calls (one padded ~35 KB answer per new password); in production that is a CDN answer costing the Worker\'s machine nothing, here it shares the two cores. The load generator is the bench process: the people\'s HTTP clients (page parsing included), the mail watcher and Miniflare\'s reader of workerd\'s log lines. On two cores, resets/s follows the sum of the four.',
      )
    }
    out.push('', '| Ratio within a round | resets/s | server CPU per reset |', '| --- | ---: | ---: |')
    for (const [a, b] of [['ours', 'peer'], ['ours', 'baseline'], ['baseline', 'peer']] as const) {
      out.push(`| ${a} / ${b} | ${x(ratio(l, resetsPerS, a, b))} | ${x(ratio(l, cpuPerReset, a, b))} |`)
    }
    const net = netOfRuntime(c, l)
    if (net) {
      out.push('', `The server CPU includes the runtime's own share of every request (HTTP parsing, handing the request to the isolate), the same for both Workers: an empty Worker served the same way costs ${fmt(net.perRequest, 2)} ms per request (median of ${c.controlCpuMsPerRequest!.length} runs of 3,000 requests), i.e. about ${fmt(net.perRequest * WORKER_REQUESTS_PER_RESET, 1)} ms of the ${WORKER_REQUESTS_PER_RESET} requests a reset makes to a Worker. Net of it, ours / baseline is ${x(net.ratio)}.`)
    }
    if (l.latencyMs === 0 && c.featureCosts?.length) featureCostTable(c.featureCosts, out)
    out.push('', `Load average (1 min) at the start of each round: ${l.rounds.map((rd) => fmt(rd.loadAverage, 2)).join(', ')}.`, '')
    if (l.rounds.some((rd) => rd.verify)) verifyTable(c, l, out)
    if (l.steps) stepTable(c, l.steps, out)
  }
}

function verifyTable(c: CompareResults, l: CompareLatency, out: string[]) {
  out.push(`**Token verification alone:** GET /account/update-password with a fresh recovery session cookie (ours and the baseline: \`getClaims()\`, a local ES256 check against the cached JWKS; the peer: the same call, as the guide protects pages), ${c.verifyDurationS} s at ${c.connections} connections per server per round.`, '')
  out.push(`| Server | req/s | p50 ms | p99 ms | server CPU ms/request |`, '| --- | ---: | ---: | ---: | ---: |')
  for (const id of c.servers) {
    const cpu = summarize(l.rounds.map((rd) => rd.verify?.[id]?.serverCpuMsPerRequest ?? Number.NaN))
    const p50 = summarize(l.rounds.map((rd) => rd.verify?.[id]?.p50 ?? Number.NaN))
    out.push(`| ${id} | ${fmtSummary(values(l, verifyRps, id), 0)} | ${fmtSummary(p50)} | ${fmtSummary(values(l, verifyP99, id))} | ${fmtSummary(cpu, 2)} |`)
  }
  out.push('', '| Ratio within a round | req/s | p99 |', '| --- | ---: | ---: |')
  for (const [a, b] of [['ours', 'peer'], ['ours', 'baseline'], ['baseline', 'peer']] as const) out.push(`| ${a} / ${b} | ${x(ratio(l, verifyRps, a, b))} | ${x(ratio(l, verifyP99, a, b))} |`)
  out.push('')
}

const STEP_ORDER: readonly FlowStep[] = ['GET forgot', 'POST forgot', 'GET confirm', 'POST confirm', 'GET update', 'POST update', 'sign in']

function stepTable(c: CompareResults, steps: Partial<Record<ServerId, StepCpu[]>>, out: string[]) {
  const n = Math.max(...Object.values(steps).map((s) => s?.length ?? 0))
  out.push(`**CPU per step**, from resets run one at a time (${n} rounds, a few flows per server per round): on-CPU time of every thread of the server's process and of the stand-in's (\`/proc/<pid>/task/*/schedstat\`, ns), read after each step; medians over the rounds of each round's mean, in ms (server / stand-in). POST forgot ends when the email has arrived (ours sends it from \`waitUntil\`), so it includes the stand-in answering the bench's mailbox polls.`, '')
  out.push(`| Step | ${c.servers.join(' | ')} |`, `| --- | ${c.servers.map(() => '---:').join(' | ')} |`)
  const cell = (id: ServerId, step: FlowStep) => {
    const list = (steps[id] ?? []).map((s) => s[step]).filter((v) => v !== undefined)
    if (!list.length) return '–'
    return `${fmt(median(list.map((v) => v!.server)), 2)} / ${fmt(median(list.map((v) => v!.standIn)), 2)}`
  }
  for (const step of STEP_ORDER) out.push(`| ${step} | ${c.servers.map((id) => cell(id, step)).join(' | ')} |`)
  const total = (id: ServerId) => fmt(median((steps[id] ?? []).map((s) => Object.values(s).reduce((a, v) => a + (v?.server ?? 0), 0))), 2)
  out.push(`| **server, whole reset** | ${c.servers.map((id) => `**${total(id)}**`).join(' | ')} |`, '')
}

function heapSection(c: CompareResults, out: string[]) {
  const h = c.heap!
  const ids = c.servers.filter((id) => h[id])
  const first = h[ids[0]!]!
  out.push('### JS heap over many requests', '')
  out.push(`Each server started afresh with an inspector (workerd's per-Worker inspector; \`node --inspect\` for the peer), warmed up with 400 requests, then loaded with a mix of every page route (forgot form, forgot POST from a new address and IP each time, confirm link, update form with a recovery session) at 10 connections. At each checkpoint the heap is read after a full garbage collection (workerd: a heap snapshot, which collects first; node: \`HeapProfiler.collectGarbage\`) with \`Runtime.getHeapUsage\`, and the process's RSS from /proc. KiB.`, '')
  out.push(`| Server | ${first.requests.map((n) => `heap after ${n}`).join(' | ')} | drift ${first.requests.at(-2)} → ${first.requests.at(-1)} | RSS ${first.requests.map((n) => `@${n}`).join(' / ')} MiB |`)
  out.push(`| --- | ${first.requests.map(() => '---:').join(' | ')} | ---: | ---: |`)
  for (const id of ids) {
    const run = h[id]!
    const drift = run.heapKiB.at(-1)! / run.heapKiB.at(-2)! - 1
    out.push(`| ${id} | ${run.heapKiB.map((v) => fmt(v, 0)).join(' | ')} | ${signedPct(drift)}${id === 'ours' ? ` ${mark(Math.abs(drift) <= TARGETS.heapDrift)}` : ''} | ${run.rssKiB.map((v) => fmt(v / 1024, 0)).join(' / ')} |`)
  }
  out.push('', 'RSS of workerd includes the runtime and the rate-limit simulation\'s own isolate; the JS heap is the Worker\'s isolate alone.', '')
}

const signedPct = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(1)} %` : 'n/a')

/** Ours' CPU per reset less what it is without each feature, per round: what the feature costs. */
export function featureCostSummary(rounds: readonly FeatureCostRound[]) {
  return {
    full: summarize(rounds.map((r) => r.full)),
    limits: summarize(rounds.map((r) => r.full - r.noLimits)),
    breachCheck: summarize(rounds.map((r) => r.full - r.noBreachCheck)),
  }
}

function featureCostTable(rounds: readonly FeatureCostRound[], out: string[]) {
  const s = featureCostSummary(rounds)
  const share = (v: number) => `${fmt((100 * v) / s.full.median, 0)} %`
  out.push(
    '',
    `**What two safety features cost.** Ours as deployed, ours without its \`[[ratelimits]]\` bindings and ours with \`BREACHED_PASSWORD_CHECK=off\`, each measured once per round (${rounds.length} rounds, order rotating) over resets run one at a time, the server's CPU read after each step as in the per-step table below; a feature's cost is the difference within a round. (A feature costs a few per cent of a reset, less than the 50-at-a-time runs above move between rounds.) The limits here include the bench's counter Worker, which answers each \`limit()\` over JS RPC from its own isolate in the same workerd process (production's binding runs outside the Worker's process); the breach check includes the range request to the local Pwned Passwords stand-in and reading its ~35 KB answer.`,
    '',
    '| Ours, resets one at a time | server CPU ms/reset | share of ours as deployed |',
    '| --- | ---: | ---: |',
    `| as deployed | ${fmtSummary(s.full, 2)} | 100 % |`,
    `| cost of the rate limits (4 \`limit()\` calls per reset) | ${fmtSummary(s.limits, 2)} | ${share(s.limits.median)} |`,
    `| cost of the breached-password check (1 range request per reset) | ${fmtSummary(s.breachCheck, 2)} | ${share(s.breachCheck.median)} |`,
  )
}
