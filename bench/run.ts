/**
 * `npm run bench`: measures this Worker and the baseline Worker (bench/baseline/) side by side and
 * writes bench/RESULTS.md (tables, targets, pass/miss, findings) and bench/results.json (raw numbers).
 * Sections: a bundle, b start-up, c round trips, d load, e concurrency, f memory. See bench/README.md.
 *
 * Options (after `npm run bench --`):
 *   --runs N           load runs per route and Worker (default 3)
 *   --duration S       seconds per load run at full load (default 5)
 *   --light-duration S seconds per one-connection latency run (default 2)
 *   --connections N    autocannon connections (default 10)
 *   --startup-runs N   fresh isolates per Worker for start-up (default 15)
 *   --experiment-runs N  runs per start-up experiment (default 7)
 *   --flows N          complete reset flows in the concurrency test (default 1000)
 *   --concurrency N    flows at a time (default 50)
 *   --only a,b,...     sections: bundle,startup,roundtrips,load,concurrency (memory rides along with load/concurrency)
 *   --quick            1 run of 2 s, 3 start-up runs, 100 flows: a smoke test, not results
 *   --out FILE         write the report somewhere else than bench/RESULTS.md (results JSON next to it);
 *                      --quick and --only default to bench/out/QUICK.md and bench/out/PARTIAL.md
 *   --every-route-at-30  also load the routes that make no auth-server call at stand-in latency 30 ms
 *                      (by default only those that do: the others would measure the same thing twice)
 *   --report-only      re-render the report from the results JSON next to --out, measuring nothing
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { localAuthControl } from '../local-auth/client'
import { buildWorker, type BuiltWorker } from './lib/bundle'
import { sessionEmailsIn } from './lib/client'
import { buildExperiments, EXPERIMENTS } from './lib/experiments'
import { MailWatcher, STEPS, createUsers, ipFor, pool, runFlow, signIn, type FlowUser } from './lib/flow'
import { loadRoute, prepareStack, ROUTES, type LoadRun, type StackPrep } from './lib/load'
import { readStatusKb, RssSampler } from './lib/memory'
import { cpuBetween, processGroup, roleOf, snapshot } from './lib/proc'
import { BENCH_DIR, CONFIG, REPO_ROOT, WORKERS, type WorkerId } from './lib/paths'
import { writeReport } from './lib/report'
import { profileRequests } from './lib/request-profile'
import { countRoundTrips } from './lib/roundtrips'
import { attribute, EMPTY_WORKER, measureStartupCpu, profileStartup, summarizeProfile, type CpuProfile } from './lib/startup'
import { startBenchStack, stopAllStacks, type RunningStack } from './lib/stacks'
import { median, percentile, summarize } from './lib/stats'
import type { BenchResults, LoadCell, MemoryRow } from './lib/types'

/** Both Workers must run on the same runtime: the baseline's wrangler.toml repeats ours' compatibility_date. */
function compatibilityDate(): string {
  const read = (file: string) => /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(file, 'utf8'))?.[1]
  const ours = read(CONFIG.ours)
  const baseline = read(CONFIG.baseline)
  if (!ours || ours !== baseline) throw new Error(`compatibility_date differs: ours ${ours}, baseline ${baseline}; keep them equal`)
  return ours
}
const COMPATIBILITY_DATE = compatibilityDate()

/** Routes profiled per request (no auth-server call needed to answer them). */
const PROFILED_PATHS = [
  '/account/forgot-password',
  '/auth/confirm?token_hash=pkce_0123456789abcdef0123456789abcdef0123456789abcdef01234567&type=recovery&next=%2Faccount%2Fupdate-password',
]

interface Options {
  runs: number
  durationS: number
  lightDurationS: number
  connections: number
  startupRuns: number
  experimentRuns: number
  flows: number
  concurrency: number
  latencies: number[]
  only: Set<string>
  everyRouteAtEveryLatency: boolean
  quick: boolean
  out: string
}

function parseOptions(argv: string[]): Options {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const quick = argv.includes('--quick')
  const num = (name: string, normal: number, q: number) => Number(get(name) ?? (quick ? q : normal))
  return {
    runs: num('runs', 3, 1),
    durationS: num('duration', 5, 2),
    lightDurationS: num('light-duration', 2, 1),
    connections: num('connections', 10, 10),
    startupRuns: num('startup-runs', 15, 3),
    experimentRuns: num('experiment-runs', 7, 1),
    flows: num('flows', 1000, 100),
    concurrency: num('concurrency', 50, 50),
    latencies: [0, 30],
    only: new Set((get('only') ?? 'bundle,startup,roundtrips,load,concurrency').split(',')),
    everyRouteAtEveryLatency: argv.includes('--every-route-at-30'),
    quick,
    // Partial or smoke runs never overwrite the committed results unless asked to.
    out: path.resolve(get('out') ?? (quick ? path.join(BENCH_DIR, 'out', 'QUICK.md') : get('only') ? path.join(BENCH_DIR, 'out', 'PARTIAL.md') : path.join(BENCH_DIR, 'RESULTS.md'))),
  }
}

const log = (...args: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...args)

function jsonFileFor(out: string): string {
  const base = path.basename(out)
  return path.join(path.dirname(out), base === 'RESULTS.md' ? 'results.json' : `${path.basename(base, '.md')}.json`)
}

async function main() {
  const options = parseOptions(process.argv.slice(2))
  if (process.argv.includes('--report-only')) {
    const saved = JSON.parse(await readFile(jsonFileFor(options.out), 'utf8')) as BenchResults
    await writeFile(options.out, writeReport(saved))
    log(`re-rendered ${path.relative(process.cwd(), options.out)} from ${path.relative(process.cwd(), jsonFileFor(options.out))}`)
    return
  }
  const started = Date.now()
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      commit: git(['rev-parse', '--short', 'HEAD']),
      dirty: git(['status', '--porcelain', '--', 'src', 'wrangler.toml', 'package.json']) !== '',
      node: process.version,
      wrangler: execFileSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'wrangler'), ['--version'], { encoding: 'utf8' }).trim(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '?',
      loadAverageBefore: os.loadavg().map((v) => Number(v.toFixed(2))),
      loadAverageAfter: [],
      options: { ...options, only: [...options.only] },
      durationS: 0,
      quick: options.quick,
    },
  }

  const unminifiedBuilds: Partial<Record<WorkerId, BuiltWorker>> = {}
  if (options.only.has('bundle') || options.only.has('startup')) {
    log('a. building both Workers (wrangler deploy --dry-run --minify)')
    const built = {} as Record<WorkerId, BuiltWorker>
    for (const w of WORKERS) built[w] = await buildWorker(w)
    results.bundle = {
      ours: strip(built.ours),
      baseline: strip(built.baseline),
      deltaGzipKiB: (built.ours.gzipBytes - built.baseline.gzipBytes) / 1024,
      deltaRawKiB: (built.ours.rawBytes - built.baseline.rawBytes) / 1024,
      targetGzipKiB: 15,
    }
    log(`   ours ${kibs(built.ours)}, baseline ${kibs(built.baseline)}`)

    if (options.only.has('startup')) {
      log(`b. start-up CPU: ${options.startupRuns} fresh isolates per Worker, plus controls and experiments`)
      const sources = {
        ours: await readText(built.ours.mainFile),
        baseline: await readText(built.baseline.mainFile),
      }
      await measureStartupCpu(EMPTY_WORKER, COMPATIBILITY_DATE) // warm the disk cache and workerd binary
      const cpu: Record<'ours' | 'baseline' | 'control', number[]> = { ours: [], baseline: [], control: [] }
      for (let i = 0; i < options.startupRuns; i++) {
        const order: Array<keyof typeof cpu> = i % 2 ? ['baseline', 'control', 'ours'] : ['ours', 'control', 'baseline']
        for (const k of order) cpu[k].push(await measureStartupCpu(k === 'control' ? EMPTY_WORKER : sources[k], COMPATIBILITY_DATE))
      }
      const control = median(cpu.control)
      const net = (v: number[]) => v.map((x) => x - control)
      log('   experiments (one piece of ours at a time)')
      const experimentBuilds = await buildExperiments()
      // Round-robin, so each piece is measured across the same stretch of time as the others.
      const experimentValues = new Map<string, number[]>(EXPERIMENTS.map((e) => [e.id, []]))
      for (let i = 0; i < options.experimentRuns; i++) {
        for (const e of EXPERIMENTS) experimentValues.get(e.id)!.push(await measureStartupCpu(experimentBuilds.get(e.id)!.source, COMPATIBILITY_DATE))
      }
      const experiments = EXPERIMENTS.map((e) => ({
        id: e.id,
        what: e.what,
        includes: experimentBuilds.get(e.id)!.includes,
        bundleKiB: experimentBuilds.get(e.id)!.source.length / 1024,
        gzipKiB: experimentBuilds.get(e.id)!.gzipBytes / 1024,
        netMs: summarize(net(experimentValues.get(e.id)!)),
      }))
      log('   CPU profiles of unminified builds, for attribution')
      const attribution = {} as Record<WorkerId, Awaited<ReturnType<typeof attribute>>>
      const profiled = {} as Record<WorkerId, ReturnType<typeof summarizeProfile>[]>
      for (const w of WORKERS) {
        const unminified = (unminifiedBuilds[w] ??= await buildWorker(w, { minify: false }))
        const profiles: CpuProfile[] = []
        for (let i = 0; i < Math.max(3, Math.ceil(options.startupRuns / 3)); i++) profiles.push(await profileStartup(unminified.mainFile, COMPATIBILITY_DATE))
        attribution[w] = await attribute(profiles, unminified.mapFile)
        profiled[w] = profiles.map(summarizeProfile)
      }
      results.startup = {
        runs: options.startupRuns,
        rawMs: { ours: summarize(cpu.ours), baseline: summarize(cpu.baseline), control: summarize(cpu.control) },
        netMs: { ours: summarize(net(cpu.ours)), baseline: summarize(net(cpu.baseline)) },
        ratio: median(net(cpu.ours)) / median(net(cpu.baseline)),
        // On a shared machine the noise only ever adds CPU time, so the fastest runs are a robustness check.
        ratioOfMins: Math.min(...net(cpu.ours)) / Math.min(...net(cpu.baseline)),
        targetRatio: 1.2,
        experiments,
        attribution,
        profiledActiveMs: { ours: summarize(profiled.ours.map((p) => p.activeMs)), baseline: summarize(profiled.baseline.map((p) => p.activeMs)) },
      }
      log(`   ours ${results.startup.netMs.ours.median.toFixed(2)} ms, baseline ${results.startup.netMs.baseline.median.toFixed(2)} ms (net of control)`)
    }
  }

  if (options.only.has('load')) {
    log('d. where a request\'s CPU goes: V8 profiles of both Workers in Miniflare (unminified builds)')
    results.requestProfiles = { ours: [], baseline: [] }
    for (const w of WORKERS) {
      const unminified = (unminifiedBuilds[w] ??= await buildWorker(w, { minify: false }))
      for (const p of PROFILED_PATHS) {
        results.requestProfiles[w].push(await profileRequests(unminified.mainFile, unminified.mapFile, p, COMPATIBILITY_DATE, options.quick ? 300 : 800))
      }
    }
  }

  const needStacks = ['roundtrips', 'load', 'concurrency'].some((s) => options.only.has(s))
  if (needStacks) {
    const memory: MemoryRow[] = []
    for (const latencyMs of options.latencies) {
      const wantsRoundTrips = latencyMs === 0 && options.only.has('roundtrips')
      const wantsConcurrency = latencyMs === 0 && options.only.has('concurrency')
      if (!options.only.has('load') && !wantsRoundTrips && !wantsConcurrency) continue
      log(`starting stacks (stand-in latency ${latencyMs} ms)`)
      const stacks = {} as Record<WorkerId, RunningStack>
      for (const w of WORKERS) stacks[w] = await startBenchStack(w, latencyMs) // one at a time: see startBenchStack
      const idle = {} as Record<WorkerId, { workerKb: number; standInKb: number }>
      for (const w of WORKERS) idle[w] = await memoryNow(stacks[w])

      if (wantsRoundTrips) {
        log('c. round trips per step (fresh isolates)')
        results.roundTrips = {
          ours: await countRoundTrips(stacks.ours, 3),
          baseline: await countRoundTrips(stacks.baseline, 3),
        }
      }

      if (options.only.has('load')) {
        log(`d. load at stand-in latency ${latencyMs} ms: ${WORKERS.length} Workers × ${options.runs} runs × (${options.durationS} s at ${options.connections} connections + ${options.lightDurationS} s at 1) per route`)
        const preps = {} as Record<WorkerId, StackPrep>
        for (const w of WORKERS) preps[w] = await prepareStack(stacks[w], `load${latencyMs}`)
        const samplers = Object.fromEntries(
          WORKERS.map((w) => [w, { workerd: new RssSampler(() => stacks[w].workerdPids()).start(), standIn: new RssSampler(async () => [stacks[w].standInPid]).start() }]),
        ) as Record<WorkerId, { workerd: RssSampler; standIn: RssSampler }>
        const cells: LoadCell[] = []
        const served: Record<WorkerId, number> = { ours: 0, baseline: 0 }
        // Stand-in latency only matters to routes that call the auth server; the others are measured once, at 0 ms.
        for (const route of ROUTES.filter((r) => latencyMs === 0 || r.callsAuthServer || options.everyRouteAtEveryLatency)) {
          const runs = { ours: [] as MeasuredRun[], baseline: [] as MeasuredRun[] }
          const light = { ours: [] as LoadRun[], baseline: [] as LoadRun[] }
          for (let r = 0; r < options.runs; r++) {
            const order: WorkerId[] = r % 2 ? ['baseline', 'ours'] : ['ours', 'baseline']
            for (const w of order) {
              const stack = stacks[w]
              if (r === 0) served[w] += (await loadRoute(stack, preps[w], route, { durationS: 1, connections: options.connections })).responses // warm-up
              const pids = [...(await stack.groupPids()), stack.standInPid]
              const before = await snapshot(pids)
              const run = await loadRoute(stack, preps[w], route, { durationS: options.durationS, connections: options.connections })
              const after = await snapshot(pids)
              const cpu = cpuBetween(before, after, (info) => (info.pid === stack.standInPid ? 'stand-in' : roleOf(info)))
              runs[w].push({ ...run, cpu })
              light[w].push(await loadRoute(stack, preps[w], route, { durationS: options.lightDurationS, connections: 1 }))
              served[w] += run.responses + light[w].at(-1)!.responses
              await localAuthControl(stack.authUrl).clearRequests() // keep the stand-in's request log from growing
            }
          }
          cells.push(loadCell(route.id, route.label, route.upstream, latencyMs, runs, light))
          const c = cells.at(-1)!
          log(`   ${route.label}: ours ${c.ours.rps.median.toFixed(0)} req/s, baseline ${c.baseline.rps.median.toFixed(0)} req/s (×${c.rpsRatio.toFixed(2)}); one connection p99 ${c.oursLight.p99.median.toFixed(1)} vs ${c.baselineLight.p99.median.toFixed(1)} ms`)
        }
        results.load ??= { durationS: options.durationS, lightDurationS: options.lightDurationS, connections: options.connections, runs: options.runs, cells: [] }
        results.load.cells.push(...cells)
        for (const w of WORKERS) {
          const workerd = samplers[w].workerd.stop()
          const standIn = samplers[w].standIn.stop()
          const end = await memoryNow(stacks[w])
          memory.push({ phase: `load, latency ${latencyMs} ms`, worker: w, requests: served[w], workerdPeakMiB: workerd.peakMiB, standInPeakMiB: standIn.peakMiB, workerdIdleMiB: idle[w].workerKb / 1024, workerdEndMiB: end.workerKb / 1024, standInIdleMiB: idle[w].standInKb / 1024 })
        }
      }

      if (wantsConcurrency) {
        log(`e. concurrency: ${options.flows} complete reset flows, ${options.concurrency} at a time, against ours`)
        const before = await memoryNow(stacks.ours)
        const workerd = new RssSampler(() => stacks.ours.workerdPids()).start()
        const standIn = new RssSampler(async () => [stacks.ours.standInPid]).start()
        results.concurrency = await concurrencyTest(stacks.ours, options.flows, options.concurrency)
        const end = await memoryNow(stacks.ours)
        memory.push({ phase: `${options.flows} flows, ${options.concurrency} at a time (starts where the load left off)`, worker: 'ours', requests: options.flows * 6, workerdPeakMiB: workerd.stop().peakMiB, standInPeakMiB: standIn.stop().peakMiB, workerdIdleMiB: before.workerKb / 1024, workerdEndMiB: end.workerKb / 1024, standInIdleMiB: before.standInKb / 1024 })
        const c = results.concurrency
        log(`   ${c.ok}/${c.flows} ok in ${c.seconds.toFixed(1)} s; password changes ${c.passwordUpdates}; mixups ${c.foreignSessionCookies}`)
      }

      for (const w of WORKERS) {
        const hwm = await highWaterMarks(stacks[w])
        memory.push({ phase: `whole life of the stack (VmHWM), latency ${latencyMs} ms`, worker: w, requests: Number.NaN, workerdPeakMiB: hwm.workerdKb / 1024, standInPeakMiB: hwm.standInKb / 1024, workerdIdleMiB: Number.NaN, workerdEndMiB: Number.NaN, standInIdleMiB: Number.NaN })
      }
      for (const w of WORKERS) await stacks[w].stop()
    }
    results.memory = memory
  }

  results.meta.loadAverageAfter = os.loadavg().map((v) => Number(v.toFixed(2)))
  results.meta.durationS = (Date.now() - started) / 1000
  const jsonFile = jsonFileFor(options.out)
  await writeFile(jsonFile, `${JSON.stringify(results, null, 2)}\n`)
  await writeFile(options.out, writeReport(results))
  log(`done in ${results.meta.durationS.toFixed(0)} s: ${path.relative(process.cwd(), options.out)}, ${path.relative(process.cwd(), jsonFile)}`)
}

type MeasuredRun = LoadRun & { cpu: Record<string, number> }

function loadCell(
  id: string,
  label: string,
  upstream: string,
  latencyMs: number,
  runs: Record<WorkerId, MeasuredRun[]>,
  light: Record<WorkerId, LoadRun[]>,
): LoadCell {
  const lightSide = (list: LoadRun[]) => ({
    rps: summarize(list.map((r) => r.rps)),
    p50: summarize(list.map((r) => r.p50)),
    p99: summarize(list.map((r) => r.p99)),
    unexpected: list.reduce<Record<string, number>>((acc, r) => {
      for (const [k, v] of Object.entries(r.unexpected)) acc[k] = (acc[k] ?? 0) + v
      return acc
    }, {}),
  })
  const side = (list: MeasuredRun[]) => ({
    rps: summarize(list.map((r) => r.rps)),
    p50: summarize(list.map((r) => r.p50)),
    p99: summarize(list.map((r) => r.p99)),
    workerCpuMsPerReq: summarize(list.map((r) => (r.cpu.worker ?? 0) / r.responses)),
    proxyCpuMsPerReq: summarize(list.map((r) => (r.cpu.proxy ?? 0) / r.responses)),
    wranglerCpuMsPerReq: summarize(list.map((r) => (r.cpu.wrangler ?? 0) / r.responses)),
    devStackCpuMsPerReq: summarize(list.map((r) => ((r.cpu.worker ?? 0) + (r.cpu.proxy ?? 0) + (r.cpu.wrangler ?? 0)) / r.responses)),
    standInCpuMsPerReq: summarize(list.map((r) => (r.cpu['stand-in'] ?? 0) / r.responses)),
    unexpected: list.reduce<Record<string, number>>((acc, r) => {
      for (const [k, v] of Object.entries(r.unexpected)) acc[k] = (acc[k] ?? 0) + v
      return acc
    }, {}),
    errors: list.reduce((a, r) => a + r.errors, 0),
    responses: list.map((r) => r.responses),
  })
  const ours = side(runs.ours)
  const baseline = side(runs.baseline)
  const oursLight = lightSide(light.ours)
  const baselineLight = lightSide(light.baseline)
  return {
    id,
    label,
    upstream,
    latencyMs,
    ours,
    baseline,
    oursLight,
    baselineLight,
    rpsRatio: ours.rps.median / baseline.rps.median,
    addedP99Ms: oursLight.p99.median - baselineLight.p99.median,
    addedP50Ms: oursLight.p50.median - baselineLight.p50.median,
    addedP99SaturatedMs: ours.p99.median - baseline.p99.median,
  }
}

async function concurrencyTest(stack: RunningStack, flows: number, concurrency: number) {
  const control = localAuthControl(stack.authUrl)
  const stamp = Date.now().toString(36)
  const users: FlowUser[] = Array.from({ length: flows }, (_, i) => ({
    email: `flow-${stamp}-${i}@example.com`,
    password: `old-password-${i}`,
    newPassword: `new-password-${i}-${stamp}`,
  }))
  await createUsers(stack.authUrl, users)
  await control.clearRequests()
  await control.clearMessages()
  const mail = new MailWatcher(stack.authUrl)
  const startedAt = performance.now()
  const results = await pool(users, concurrency, (user, i) => runFlow(stack.workerUrl, mail, user, ipFor(i, 200)))
  const seconds = (performance.now() - startedAt) / 1000
  const requests = await control.requests()
  const upstream: Record<string, number> = {}
  for (const r of requests) upstream[`${r.method} ${r.path}`] = (upstream[`${r.method} ${r.path}`] ?? 0) + 1

  // Every Set-Cookie of every response: a session cookie must belong to the flow's own user.
  let sessionCookies = 0
  let foreign = 0
  const foreignExamples: string[] = []
  results.forEach((result, i) => {
    for (const exchange of result.browser.history) {
      for (const email of sessionEmailsIn(exchange.setCookies)) {
        sessionCookies++
        if (email !== users[i]!.email) {
          foreign++
          if (foreignExamples.length < 5) foreignExamples.push(`${users[i]!.email} got ${email} on ${exchange.method} ${exchange.path}`)
        }
      }
    }
  })
  // Step latency under this concurrency.
  const stepMs: Record<string, { p50: number; p99: number }> = {}
  STEPS.forEach((step, index) => {
    const values = results.flatMap((r) => (r.browser.history[index] ? [r.browser.history[index]!.ms] : []))
    stepMs[step] = { p50: percentile(values, 50), p99: percentile(values, 99) }
  })
  // Each user: the new password signs in, the old one no longer does.
  const signIns = await pool(users, 16, async (u) => ({
    fresh: await signIn(stack.authUrl, stack.publishableKey, u.email, u.newPassword),
    old: await signIn(stack.authUrl, stack.publishableKey, u.email, u.password),
  }))
  const errors = results.flatMap((r, i) => (r.ok ? [] : [`${users[i]!.email}: ${r.error}`]))
  return {
    flows,
    concurrency,
    ok: results.filter((r) => r.ok).length,
    errors: errors.length,
    errorExamples: errors.slice(0, 10),
    seconds,
    flowsPerSecond: flows / seconds,
    flowMs: { p50: percentile(results.map((r) => r.ms), 50), p99: percentile(results.map((r) => r.ms), 99) },
    stepMs,
    upstream,
    passwordUpdates: upstream['PUT /auth/v1/user'] ?? 0,
    newPasswordWorks: signIns.filter((s) => s.fresh === 200).length,
    oldPasswordRefused: signIns.filter((s) => s.old === 400).length,
    sessionCookiesChecked: sessionCookies,
    foreignSessionCookies: foreign,
    foreignExamples,
  }
}

async function memoryNow(stack: RunningStack): Promise<{ workerKb: number; standInKb: number }> {
  const workerd = await Promise.all((await stack.workerdPids()).map((p) => readStatusKb(p, 'VmRSS')))
  return { workerKb: workerd.reduce((a, b) => a + b, 0), standInKb: await readStatusKb(stack.standInPid, 'VmRSS') }
}

async function highWaterMarks(stack: RunningStack): Promise<{ workerdKb: number; standInKb: number }> {
  const group = await processGroup(stack.wranglerPid)
  const workerd = await Promise.all(group.filter((p) => p.comm === 'workerd').map((p) => readStatusKb(p.pid, 'VmHWM')))
  return { workerdKb: workerd.reduce((a, b) => a + b, 0), standInKb: await readStatusKb(stack.standInPid, 'VmHWM') }
}

function strip(b: BuiltWorker) {
  const { dir: _dir, mainFile: _m, mapFile: _p, ...rest } = b
  return rest
}

const kibs = (b: BuiltWorker) => `${(b.rawBytes / 1024).toFixed(1)} KiB / gzip ${(b.gzipBytes / 1024).toFixed(1)} KiB`

const readText = (file: string) => readFile(file, 'utf8')

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim()
  } catch {
    return '?'
  }
}

let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return
    interrupted = true
    void stopAllStacks().finally(() => process.exit(130))
  })
}

try {
  await main()
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  await stopAllStacks()
}
