/**
 * `npm run bench`: measures this Worker against the baseline Worker (bench/baseline/) and the Express
 * peer users would otherwise deploy (bench/peer/), and writes bench/RESULTS.md (targets met/missed,
 * tables, findings) and bench/results.json (raw numbers). See bench/README.md.
 *
 * Sections: a bundle, b start-up, c round trips, d lean runtime (the deploy bundles in Miniflare's workerd,
 * no `wrangler dev`) vs the peer: complete resets/s, CPU per reset and per step, token verification, JS heap;
 * e 1,000 concurrent resets (correctness), f the same comparison under `wrangler dev` (secondary), and V8
 * profiles of where a request's CPU goes.
 *
 * Options (after `npm run bench --`):
 *   --rounds N         rounds of the lean comparison; servers alternate within a round (default 5)
 *   --duration S       seconds per complete-reset measurement window (default 3; +1 s ramp-up)
 *   --verify-duration S  seconds per token-verification run (default 3)
 *   --connections N    connections for token verification (default 10)
 *   --concurrency N    people resetting at a time (default 50)
 *   --step-flows N     flows per server and round, one at a time, for per-step CPU (default 4)
 *   --feature-flows N  flows per variant and round, one at a time, for what the rate limits and the breach check cost (default 24)
 *   --heap-requests N  requests before the last heap reading (default 20000; another at a quarter)
 *   --dev-rounds N     rounds under wrangler dev (default 3)
 *   --startup-runs N   fresh isolates per Worker for start-up (default 15)
 *   --experiment-runs N  runs per start-up experiment (default 5)
 *   --flows N          complete reset flows in the correctness run (default 1000)
 *   --only a,b,...     sections: bundle,startup,roundtrips,lean,concurrency,heap,dev,profile
 *   --quick            2 rounds of 1.5 s, small counts: a smoke test, not results
 *   --out FILE         write the report somewhere else than bench/RESULTS.md (results JSON next to it);
 *                      --quick and --only default to bench/out/QUICK.md and bench/out/PARTIAL.md
 *   --report-only      re-render the report from the results JSON next to --out, measuring nothing
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { localAuthControl } from '../local-auth/client'
import { buildWorker, type BuiltWorker } from './lib/bundle'
import { LANGUAGES_BASE_REVISION, measureLanguages } from './lib/languages'
import { sessionEmailsIn } from './lib/client'
import { heapOver, stepCpu, timedResets, tokenVerification, UserPool, type StepCpu } from './lib/compare'
import { buildExperiments, EXPERIMENTS } from './lib/experiments'
import { featureCosts } from './lib/feature-costs'
import { MailWatcher, STEPS, createUsers, ipFor, pool, runFlow, signIn, type FlowUser } from './lib/flow'
import { loadRoute, prepareStack, ROUTES, type StackPrep } from './lib/load'
import { readStatusKb } from './lib/memory'
import { processCpuMs, processGroup, roleOf } from './lib/proc'
import { BENCH_DIR, CONFIG, REPO_ROOT, WORKERS, type WorkerId } from './lib/paths'
import { targets, writeReport } from './lib/report'
import { isLedgerRun, ledgerEntry, MEASURING_CODE, withEntry, type LedgerEntry } from './lib/verdicts'
import { profileRequests, type RequestProfile } from './lib/request-profile'
import { profileResets } from './lib/flow-profile'
import { countRoundTrips } from './lib/roundtrips'
import { rangeServerPid, SERVERS, startControl, startServer, startLean, startStandIn, stopAllServers, type Server, type ServerId, type StandIn } from './lib/servers'
import { attribute, EMPTY_WORKER, measureStartupCpu, profileStartup, summarizeProfile, type CpuProfile } from './lib/startup'
import { startBenchStack, stopAllStacks } from './lib/stacks'
import { median, percentile, summarize } from './lib/stats'
import type { BenchResults, CompareLatency, CompareResults, CompareRound } from './lib/types'

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

const ALL_SECTIONS = 'bundle,startup,roundtrips,lean,concurrency,heap,dev,profile'
/** Every full run's verdicts (bench/lib/verdicts.ts). */
const LEDGER_FILE = path.join(BENCH_DIR, 'verdicts.json')

interface Options {
  rounds: number
  durationS: number
  verifyDurationS: number
  connections: number
  concurrency: number
  stepFlows: number
  featureFlows: number
  heapRequests: number
  devRounds: number
  startupRuns: number
  experimentRuns: number
  flows: number
  latencies: number[]
  only: Set<string>
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
    rounds: num('rounds', 5, 2),
    durationS: num('duration', 3, 1.5),
    verifyDurationS: num('verify-duration', 3, 1),
    connections: num('connections', 10, 10),
    concurrency: num('concurrency', 50, 50),
    stepFlows: num('step-flows', 4, 2),
    featureFlows: num('feature-flows', 24, 4),
    heapRequests: num('heap-requests', 20_000, 2_000),
    devRounds: num('dev-rounds', 3, 1),
    startupRuns: num('startup-runs', 15, 3),
    experimentRuns: num('experiment-runs', 5, 1),
    flows: num('flows', 1000, 100),
    latencies: [0, 30],
    only: new Set((get('only') ?? ALL_SECTIONS).split(',')),
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
    await writeFile(options.out, writeReport(saved, await ledgerFor(saved, options.out)))
    log(`re-rendered ${path.relative(process.cwd(), options.out)} from ${path.relative(process.cwd(), jsonFileFor(options.out))}`)
    return
  }
  const started = Date.now()
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      commit: git(['rev-parse', '--short', 'HEAD']),
      // With uncommitted changes to the measuring code, the last commit does not say how this run measured.
      method: `${git(['log', '-1', '--format=%h', '--', ...MEASURING_CODE])}${git(['status', '--porcelain', '--', ...MEASURING_CODE]) ? '+dirty' : ''}`,
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
      peer: { node: process.version, express: JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', 'express', 'package.json'), 'utf8')).version as string },
    },
  }

  log('building both Workers as deployed (wrangler deploy --dry-run --minify)')
  const built = {} as Record<WorkerId, BuiltWorker>
  for (const w of WORKERS) built[w] = await buildWorker(w)
  const bundles = { ours: built.ours.mainFile, baseline: built.baseline.mainFile }
  const unminifiedBuilds: Partial<Record<WorkerId, BuiltWorker>> = {}
  if (options.only.has('bundle') || options.only.has('startup')) {
    results.bundle = {
      ours: strip(built.ours),
      baseline: strip(built.baseline),
      deltaGzipKiB: (built.ours.gzipBytes - built.baseline.gzipBytes) / 1024,
      deltaRawKiB: (built.ours.rawBytes - built.baseline.rawBytes) / 1024,
      targetGzipKiB: 15,
    }
    log(`   ours ${kibs(built.ours)}, baseline ${kibs(built.baseline)}`)
    log(`   languages: ours against ${LANGUAGES_BASE_REVISION} (before them), and the translation assets`)
    results.bundle.languages = await measureLanguages(built.ours.gzipBytes)

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

  if (options.only.has('roundtrips')) {
    log('c. round trips per step (a fresh isolate per Worker, stand-in latency 0)')
    const standIn = await startStandIn(0)
    const counts = {} as NonNullable<BenchResults['roundTrips']>
    for (const w of WORKERS) {
      const server = await startLean(w, bundles[w], standIn)
      counts[w] = await countRoundTrips({ id: w, url: server.url, authUrl: standIn.url }, 3)
      await server.stop()
    }
    results.roundTrips = counts
    await standIn.stop()
  }

  if (['lean', 'concurrency', 'heap'].some((s) => options.only.has(s))) {
    results.lean = {
      runtime: 'lean',
      servers: SERVERS,
      durationS: options.durationS,
      verifyDurationS: options.verifyDurationS,
      concurrency: options.concurrency,
      connections: options.connections,
      latencies: [],
    }
    for (const latencyMs of options.latencies) {
      if (latencyMs !== 0 && !options.only.has('lean')) continue
      log(`d. lean runtime, stand-in latency ${latencyMs} ms: ours, baseline and the Express peer`)
      const standIn = await startStandIn(latencyMs)
      const servers = {} as Record<ServerId, Server>
      for (const id of SERVERS) servers[id] = await startServer(id, bundles, standIn)
      if (options.only.has('lean')) {
        results.lean.latencies.push(await compareRounds(servers, standIn, options, { rounds: options.rounds, verify: latencyMs === 0, steps: latencyMs === 0 }))
        if (latencyMs === 0) results.lean.controlCpuMsPerRequest = await controlCpuPerRequest(options.quick ? 1 : 3)
        if (latencyMs === 0) {
          log('d. what two safety features cost: ours as deployed, without its rate limits, without the breach check')
          results.lean.featureCosts = await featureCosts(bundles.ours, standIn, new MailWatcher(standIn.url), {
            rounds: options.rounds,
            flows: options.featureFlows,
            users: options.quick ? 100 : 300,
            log,
          })
        }
      }
      if (latencyMs === 0 && options.only.has('concurrency')) {
        log(`e. correctness: ${options.flows} complete resets, ${options.concurrency} at a time, against ours (lean)`)
        results.concurrency = await concurrencyTest(servers.ours, standIn, options.flows, options.concurrency)
        const c = results.concurrency
        log(`   ${c.ok}/${c.flows} ok in ${c.seconds.toFixed(1)} s; password changes ${c.passwordUpdates}; mixups ${c.foreignSessionCookies}`)
      }
      for (const id of SERVERS) await servers[id].stop()
      if (latencyMs === 0 && options.only.has('heap')) {
        log(`d. JS heap over ${options.heapRequests} requests (each server started afresh with an inspector)`)
        const heap: NonNullable<CompareResults['heap']> = {}
        for (const id of SERVERS) {
          const server = await startServer(id, bundles, standIn, { inspector: true })
          const prep = await prepareStack({ id, url: server.url, authUrl: standIn.url }, `heap`)
          heap[id] = await heapOver(server, prep, [Math.round(options.heapRequests / 4), options.heapRequests], (pid) => readStatusKb(pid, 'VmRSS'))
          log(`   ${id}: heap ${heap[id]!.heapKiB.map((v) => v.toFixed(0)).join(' → ')} KiB`)
          await server.stop()
        }
        results.lean.heap = heap
      }
      await standIn.stop()
    }
  }

  if (options.only.has('dev')) {
    log('f. the same under wrangler dev (ours and baseline; secondary)')
    const stacks = {} as Record<WorkerId, Awaited<ReturnType<typeof startBenchStack>>>
    for (const w of WORKERS) stacks[w] = await startBenchStack(w, 0) // one at a time: see startBenchStack
    const servers = {} as Record<WorkerId, Server>
    const others = {} as Record<WorkerId, number[]>
    for (const w of WORKERS) {
      const group = await processGroup(stacks[w].wranglerPid)
      const worker = group.find((p) => roleOf(p) === 'worker')
      if (!worker) throw new Error(`no Worker workerd under wrangler dev for ${w}`)
      servers[w] = { id: w, url: stacks[w].workerUrl, authUrl: stacks[w].authUrl, pid: worker.pid, stop: async () => {} }
      others[w] = group.filter((p) => p.pid !== worker.pid).map((p) => p.pid)
    }
    // Each stack has its own stand-in (in the stack's child process).
    const standIns = Object.fromEntries(
      WORKERS.map((w) => [w, { url: stacks[w].authUrl, publishableKey: stacks[w].publishableKey, anonKey: stacks[w].anonKey, pid: stacks[w].standInPid, latencyMs: 0, stop: async () => {} }]),
    ) as Record<WorkerId, StandIn>
    results.wranglerDev = {
      runtime: 'wrangler dev',
      servers: WORKERS,
      durationS: options.durationS,
      verifyDurationS: options.verifyDurationS,
      concurrency: options.concurrency,
      connections: options.connections,
      latencies: [await compareRounds(servers, standIns, options, { rounds: options.devRounds, verify: true, steps: false, others })],
    }
    for (const w of WORKERS) await stacks[w].stop()
  }

  if (options.only.has('profile')) {
    log('where a request\'s CPU goes: V8 profiles of both Workers in Miniflare (unminified builds)')
    results.requestProfiles = { ours: [], baseline: [] }
    for (const w of WORKERS) {
      const unminified = (unminifiedBuilds[w] ??= await buildWorker(w, { minify: false }))
      for (const p of PROFILED_PATHS) {
        results.requestProfiles[w].push(await profileRequests(unminified.mainFile, unminified.mapFile, p, COMPATIBILITY_DATE, options.quick ? 300 : 800))
      }
    }
    log('where a complete reset\'s CPU goes: V8 profiles of both Workers over resets run one at a time (lean, unminified)')
    const standIn = await startStandIn(0)
    const mail = new MailWatcher(standIn.url)
    results.resetProfiles = {} as Record<WorkerId, RequestProfile>
    const flows = options.quick ? 20 : 60
    for (const w of WORKERS) {
      const unminified = (unminifiedBuilds[w] ??= await buildWorker(w, { minify: false }))
      const server = await startLean(w, unminified.mainFile, standIn, { inspector: true })
      const users = new UserPool(standIn, `prof-${w}`)
      await users.add(flows + 30)
      results.resetProfiles[w] = await profileResets(server, standIn, unminified.mapFile, users, mail, flows)
      await server.stop()
    }
    await standIn.stop()
  }

  results.meta.loadAverageAfter = os.loadavg().map((v) => Number(v.toFixed(2)))
  results.meta.durationS = (Date.now() - started) / 1000
  const jsonFile = jsonFileFor(options.out)
  await writeFile(jsonFile, `${JSON.stringify(results, null, 2)}\n`)
  const ledger = await ledgerFor(results, options.out)
  await writeFile(options.out, writeReport(results, ledger))
  if (ledger) {
    await writeFile(LEDGER_FILE, `${JSON.stringify(withEntry(ledger, ledgerEntry(results, targets(results))), null, 2)}\n`)
    log(`verdicts added to ${path.relative(process.cwd(), LEDGER_FILE)}`)
  }
  log(`done in ${results.meta.durationS.toFixed(0)} s: ${path.relative(process.cwd(), options.out)}, ${path.relative(process.cwd(), jsonFile)}`)
}

/** The ledger of earlier full runs, when this run is one that belongs in it and writes bench/RESULTS.md; undefined otherwise. */
async function ledgerFor(r: BenchResults, out: string): Promise<LedgerEntry[] | undefined> {
  if (out !== path.join(BENCH_DIR, 'RESULTS.md') || !isLedgerRun(r, ALL_SECTIONS.split(','))) return undefined
  const text = await readFile(LEDGER_FILE, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '[]'
    throw e
  })
  return JSON.parse(text) as LedgerEntry[]
}

/** CPU per request of an empty Worker served lean: the runtime's own share of each request. */
async function controlCpuPerRequest(runs: number): Promise<number[]> {
  const control = await startControl()
  const out: number[] = []
  try {
    const prep = { origin: control.url, csrf: '', sessionCookie: '' }
    await loadRoute(control, prep, ROUTES[0]!, { amount: 500, connections: 10 })
    for (let i = 0; i < runs; i++) {
      const before = await processCpuMs(control.pid)
      const run = await loadRoute(control, prep, ROUTES[0]!, { amount: 3000, connections: 10 })
      out.push((await processCpuMs(control.pid) - before) / run.responses)
    }
  } finally {
    await control.stop()
  }
  return out
}

/**
 * Rounds of the comparison: in each round every server runs the complete resets once (the order rotates
 * from round to round), then, if asked, token verification and per-step CPU. `standIn` is shared, or one
 * per server (wrangler dev stacks bring their own).
 */
async function compareRounds<Id extends ServerId>(
  servers: Record<Id, Server>,
  standIn: StandIn | Record<Id, StandIn>,
  options: Options,
  what: { rounds: number; verify: boolean; steps: boolean; others?: Record<Id, number[]> },
): Promise<CompareLatency> {
  const ids = Object.keys(servers) as Id[]
  const standInOf = (id: Id): StandIn => ('url' in standIn ? (standIn as StandIn) : (standIn as Record<Id, StandIn>)[id])
  const mails = new Map<string, MailWatcher>()
  const mailOf = (id: Id) => {
    const url = standInOf(id).url
    if (!mails.has(url)) mails.set(url, new MailWatcher(url))
    return mails.get(url)!
  }
  const pools = {} as Record<Id, UserPool>
  const preps = {} as Record<Id, StackPrep>
  const perMinute = Math.ceil(options.concurrency * 2 * 60 / 4) // generous: ~2 resets/s per person at most
  for (const id of ids) {
    const rest = id === 'ours' ? 61_000 : 0
    pools[id] = new UserPool(standInOf(id), `${id}${standInOf(id).latencyMs}`, rest)
    await pools[id].add(rest ? Math.min(perMinute, options.quick ? 400 : 1500) : options.concurrency + 10)
    if (what.verify) preps[id] = await prepareStack({ id, url: servers[id].url, authUrl: standInOf(id).url }, `verify${standInOf(id).latencyMs}`)
    // Warm-up: JIT, the JWKS cache, connection pools.
    await timedResets(servers[id], standInOf(id), pools[id], mailOf(id), 0.5, options.concurrency, { warmS: 0.5 })
  }
  const rounds: CompareRound[] = []
  const steps = {} as Record<Id, StepCpu[]>
  for (let r = 0; r < what.rounds; r++) {
    const order = ids.map((_, i) => ids[(i + r) % ids.length]!)
    const round: { order: Id[]; loadAverage: number; resets: Partial<Record<Id, unknown>>; verify?: Partial<Record<Id, unknown>> } = {
      order,
      loadAverage: Number(os.loadavg()[0]!.toFixed(2)),
      resets: {},
    }
    for (const id of order) {
      // The lean servers share the bench's range server (its own process); wrangler dev stacks run theirs inside the stack.
      const run = await timedResets(servers[id], standInOf(id), pools[id], mailOf(id), options.durationS, options.concurrency, what.others ? { otherPids: what.others[id] } : { rangePid: await rangeServerPid() })
      round.resets[id] = run
      if (run.failed) log(`   ${id}: ${run.failed} failed resets, e.g. ${run.errors[0]}`)
    }
    if (what.verify) {
      round.verify = {}
      for (const id of order) round.verify[id] = await tokenVerification(servers[id], preps[id], options.verifyDurationS, options.connections)
    }
    if (what.steps) for (const id of order) (steps[id] ??= []).push(await stepCpu(servers[id], standInOf(id), pools[id], mailOf(id), options.stepFlows))
    const resets = round.resets as Record<Id, { perSecond: number; serverCpuMsPerReset: number }>
    log(`   round ${r + 1}/${what.rounds} (load ${round.loadAverage}): resets/s ${order.map((id) => `${id} ${resets[id].perSecond.toFixed(1)} (${resets[id].serverCpuMsPerReset.toFixed(1)} ms CPU)`).join(', ')}`)
    rounds.push(round as unknown as CompareRound)
  }
  const late = ids.map((id) => pools[id].createdLate).reduce((a, b) => a + b, 0)
  if (late) log(`   (${late} users created during measurements: the pools were too small)`)
  return { latencyMs: standInOf(ids[0]!).latencyMs, rounds, ...(what.steps ? { steps } : {}) }
}

async function concurrencyTest(server: Server, standIn: StandIn, flows: number, concurrency: number) {
  const control = localAuthControl(standIn.url)
  const stamp = Date.now().toString(36)
  const users: FlowUser[] = Array.from({ length: flows }, (_, i) => ({
    email: `flow-${stamp}-${i}@example.com`,
    password: `old-password-${i}`,
    newPassword: `new-password-${i}-${stamp}`,
  }))
  await createUsers(standIn.url, users)
  await control.clearRequests()
  await control.clearMessages()
  const mail = new MailWatcher(standIn.url)
  const startedAt = performance.now()
  const results = await pool(users, concurrency, (user, i) => runFlow(server.url, mail, user, ipFor(i, 200)))
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
    fresh: await signIn(standIn.url, standIn.publishableKey, u.email, u.newPassword),
    old: await signIn(standIn.url, standIn.publishableKey, u.email, u.password),
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
    void Promise.all([stopAllStacks(), stopAllServers()]).finally(() => process.exit(130))
  })
}

try {
  await main()
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  await stopAllServers()
  await stopAllStacks()
}
