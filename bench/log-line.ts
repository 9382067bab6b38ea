/**
 * `npm run bench:log-line`: what ours' one log line per request costs, in the runtime the main bench
 * measures (the deploy bundle in Miniflare's workerd, no `wrangler dev`). Three servers against one
 * stand-in: ours as deployed, ours with the request log's `console.log` call taken out of the same
 * bundle (the line is still built; only the call is gone), and the bare baseline Worker. Each round
 * measures every server once, the order rotating; differences and ratios are taken within a round and
 * shown as median (min–max) over the rounds.
 *
 * Two measurements, both the main bench's own code (bench/lib/compare.ts):
 * - token verification alone: GET /account/update-password with a recovery session, 10 connections;
 * - CPU per step of complete resets run one at a time (server process, /proc schedstat).
 *
 * This is a what-if, not a target: the issue asks for one log line per request, and ours keeps it.
 * It says how much of ours' CPU over the baseline that line is. Prints tables; writes bench/out/log-line.json.
 * Options: --rounds N (7), --verify-duration S (3), --connections N (10), --step-flows N (24)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { buildWorker } from './lib/bundle'
import { stepCpu, tokenVerification, UserPool, type StepCpu, type VerifyRun } from './lib/compare'
import { MailWatcher, STEPS } from './lib/flow'
import { prepareStack, type StackPrep } from './lib/load'
import { OUT_DIR } from './lib/paths'
import { startLean, startStandIn, stopAllServers, type Server } from './lib/servers'
import { fmt, fmtSummary, median, summarize } from './lib/stats'

function options() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '7' },
      'verify-duration': { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      'step-flows': { type: 'string', default: '24' },
    },
  })
  return { ROUNDS: Number(values.rounds), VERIFY_S: Number(values['verify-duration']), CONNECTIONS: Number(values.connections), STEP_FLOWS: Number(values['step-flows']) }
}

type Variant = 'ours' | 'oursNoLogCall' | 'baseline'
const VARIANTS: readonly Variant[] = ['ours', 'oursNoLogCall', 'baseline']
const LABEL: Record<Variant, string> = { ours: 'ours as deployed', oursNoLogCall: 'ours without the log call', baseline: 'baseline' }

/** The request log's one call (src/middleware/request-log.ts), as the minifier writes it: `console.log(`${line},"ms":…`. */
const LOG_CALL = /console\.log\((`\$\{[\w$]+\},"ms":)/g

/** The same bundle with only the request log's `console.log(` taken out; fails unless it is found exactly once. */
export function withoutLogCall(bundle: string): string {
  const found = bundle.match(LOG_CALL)?.length ?? 0
  if (found !== 1) throw new Error(`expected the request log's console.log exactly once in the bundle, found ${found}`)
  return bundle.replace(LOG_CALL, '(void 0,$1')
}

const log = (line: string) => console.log(`[log-line ${new Date().toISOString().slice(11, 19)}] ${line}`)
/** "median (min–max)" over the rounds. */
const spread = (xs: readonly number[], digits: number) => fmtSummary(summarize(xs), digits)

interface Round {
  readonly order: Variant[]
  readonly verify: Record<Variant, VerifyRun>
  readonly steps: Record<Variant, StepCpu>
}

async function main() {
  const { ROUNDS, VERIFY_S, CONNECTIONS, STEP_FLOWS } = options()
  log('building ours and the baseline as deployed (wrangler deploy --dry-run --minify)')
  const ours = await buildWorker('ours')
  const baseline = await buildWorker('baseline')
  const noLogFile = path.join(ours.dir, 'index-no-log-call.js')
  writeFileSync(noLogFile, withoutLogCall(readFileSync(ours.mainFile, 'utf8')))
  const files: Record<Variant, string> = { ours: ours.mainFile, oursNoLogCall: noLogFile, baseline: baseline.mainFile }

  const standIn = await startStandIn(0)
  const mail = new MailWatcher(standIn.url)
  const servers = {} as Record<Variant, Server>
  const preps = {} as Record<Variant, StackPrep>
  const pools = {} as Record<Variant, UserPool>
  const rounds: Round[] = []
  try {
    for (const v of VARIANTS) {
      const worker = v === 'baseline' ? 'baseline' : 'ours'
      servers[v] = await startLean(worker, files[v], standIn)
      preps[v] = await prepareStack({ id: worker, url: servers[v].url, authUrl: standIn.url }, `logline-${v}-${Date.now().toString(36)}`)
      // Ours limits each address to 3 reset emails a minute: enough addresses that none is reused within a minute.
      pools[v] = new UserPool(standIn, `logline-${v}-${Date.now().toString(36)}`, worker === 'ours' ? 61_000 : 0)
      await pools[v].add(ROUNDS * STEP_FLOWS + 4)
      await tokenVerification(servers[v], preps[v], 1, CONNECTIONS) // warm-up: JIT, the JWKS cache
      await stepCpu(servers[v], standIn, pools[v], mail, 2)
    }
    for (let r = 0; r < ROUNDS; r++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]!)
      const verify = {} as Record<Variant, VerifyRun>
      const steps = {} as Record<Variant, StepCpu>
      for (const v of order) verify[v] = await tokenVerification(servers[v], preps[v], VERIFY_S, CONNECTIONS)
      for (const v of order) steps[v] = await stepCpu(servers[v], standIn, pools[v], mail, STEP_FLOWS)
      rounds.push({ order, verify, steps })
      log(`round ${r + 1}/${ROUNDS}: verification CPU ms/request ${order.map((v) => `${v} ${verify[v].serverCpuMsPerRequest.toFixed(3)}`).join(', ')}`)
    }
  } finally {
    await stopAllServers()
    await standIn.stop()
  }

  const out: string[] = []
  out.push('', `Token verification alone (GET /account/update-password, ${CONNECTIONS} connections, ${VERIFY_S} s per server per round, ${ROUNDS} rounds), median (min–max):`, '')
  out.push('| server | req/s | p50 ms | p99 ms | server CPU ms/request |', '| --- | ---: | ---: | ---: | ---: |')
  for (const v of VARIANTS) {
    const runs = rounds.map((r) => r.verify[v])
    out.push(`| ${LABEL[v]} | ${spread(runs.map((x) => x.rps), 0)} | ${spread(runs.map((x) => x.p50), 1)} | ${spread(runs.map((x) => x.p99), 1)} | ${spread(runs.map((x) => x.serverCpuMsPerRequest), 3)} |`)
  }
  const within = (f: (r: Round) => number, digits: number) => spread(rounds.map(f), digits)
  const cpu = (r: Round, v: Variant) => r.verify[v].serverCpuMsPerRequest
  out.push('', 'Within a round:', '')
  out.push(`- the log call: ${within((r) => cpu(r, 'ours') - cpu(r, 'oursNoLogCall'), 3)} ms CPU per request`)
  out.push(`- ours over the baseline: ${within((r) => cpu(r, 'ours') - cpu(r, 'baseline'), 3)} ms; without the log call: ${within((r) => cpu(r, 'oursNoLogCall') - cpu(r, 'baseline'), 3)} ms`)
  out.push(`- p99, ours / baseline: ${within((r) => r.verify.ours.p99 / r.verify.baseline.p99, 2)}×; without the log call: ${within((r) => r.verify.oursNoLogCall.p99 / r.verify.baseline.p99, 2)}×`)

  const stepMs = (r: Round, v: Variant, step: string) => r.steps[v][step as keyof StepCpu]?.server ?? Number.NaN
  const resetMs = (r: Round, v: Variant) => STEPS.reduce((sum, s) => sum + stepMs(r, v, s), 0)
  out.push('', `Server CPU per step of complete resets run one at a time (${STEP_FLOWS} per server per round), ms, median over the rounds:`, '')
  out.push(`| step | ${VARIANTS.map((v) => LABEL[v]).join(' | ')} | the log call (within a round) |`, `| --- |${VARIANTS.map(() => ' ---: |').join('')} ---: |`)
  for (const step of STEPS) {
    out.push(`| ${step} | ${VARIANTS.map((v) => fmt(median(rounds.map((r) => stepMs(r, v, step))), 2)).join(' | ')} | ${within((r) => stepMs(r, 'ours', step) - stepMs(r, 'oursNoLogCall', step), 2)} |`)
  }
  out.push(`| **whole reset** | ${VARIANTS.map((v) => `**${fmt(median(rounds.map((r) => resetMs(r, v))), 2)}**`).join(' | ')} | ${within((r) => resetMs(r, 'ours') - resetMs(r, 'oursNoLogCall'), 2)} |`)
  out.push('', `Per reset, within a round: ours / baseline ${within((r) => resetMs(r, 'ours') / resetMs(r, 'baseline'), 2)}×; without the log call ${within((r) => resetMs(r, 'oursNoLogCall') / resetMs(r, 'baseline'), 2)}×.`)
  console.log(out.join('\n'))
  mkdirSync(OUT_DIR, { recursive: true })
  writeFileSync(path.join(OUT_DIR, 'log-line.json'), `${JSON.stringify({ date: new Date().toISOString(), rounds }, null, 2)}\n`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
