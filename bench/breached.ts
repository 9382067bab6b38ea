/**
 * `npm run bench:breached`: what the breached-password check adds to a request, at 0 and 30 ms of
 * upstream latency (the local range server's delay): one call out per check. Runs bench/breached-worker under `wrangler dev` (scripts/stack.ts, offline)
 * and times, from outside, sequential POSTs that run the check against POSTs that do not: inside a
 * Worker the clock stands still between I/O, so only the outside view is honest. Also times the pure
 * part (SHA-1 + reading a padded answer) in Node. Prints a table and writes bench/out/breached.json.
 * Standalone: shares nothing with bench/run.ts.
 *
 * Options: --samples N (default 150 per cell), --latencies 0,30
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { localPwnedControl } from '../local-pwned/client'
import { buildRange, sha1Hex } from '../local-pwned/index'
import { REPO_ROOT, startStack } from '../scripts/stack'
import { hashForRange, lookUpSuffix } from '../src/lib/breached-password'

const { values } = parseArgs({
  options: { samples: { type: 'string', default: '150' }, latencies: { type: 'string', default: '0,30' } },
})
const SAMPLES = Number(values.samples)
const LATENCIES = values.latencies.split(',').map(Number)

interface Cell {
  readonly latencyMs: number
  readonly kind: 'no check' | 'check (one call out)'
  readonly p50: number
  readonly p90: number
  readonly mean: number
  /** Samples whose outcome was not the intended one (excluded from the numbers). */
  readonly excluded: number
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
}

function cell(latencyMs: number, kind: Cell['kind'], times: number[], excluded: number): Cell {
  const mean = times.reduce((a, b) => a + b, 0) / times.length
  return { latencyMs, kind, p50: percentile(times, 50), p90: percentile(times, 90), mean, excluded }
}

/** One timed POST; returns ms and the parsed JSON answer. */
async function timedPost(url: string, body: string): Promise<{ ms: number; answer: { outcome?: string } }> {
  const started = performance.now()
  const res = await fetch(url, { method: 'POST', body })
  const answer = (await res.json()) as { outcome?: string }
  return { ms: performance.now() - started, answer }
}

const randomPassword = () => `bench ${crypto.randomUUID()}`

async function measure(workerUrl: string, latencyMs: number): Promise<Cell[]> {
  const noop: number[] = []
  const check: number[] = []
  let excluded = 0
  for (let i = 0; i < 10; i++) await timedPost(`${workerUrl}/noop`, randomPassword()) // warm-up
  // Interleaved, so drift on a shared machine hits both kinds alike.
  for (let i = 0; i < SAMPLES; i++) {
    noop.push((await timedPost(`${workerUrl}/noop`, randomPassword())).ms)
    const checked = await timedPost(`${workerUrl}/check`, randomPassword())
    if (checked.answer.outcome === 'passed') check.push(checked.ms)
    else excluded++
  }
  return [cell(latencyMs, 'no check', noop, 0), cell(latencyMs, 'check (one call out)', check, excluded)]
}

/** The pure part alone, in Node: SHA-1 of the password and reading a padded ~900-line answer. */
async function measurePure(): Promise<{ hashUs: number; lookupUs: number; lines: number }> {
  const password = randomPassword()
  const { prefix, suffix } = await hashForRange(password)
  const body = buildRange(prefix, new Map([[sha1Hex(password), 3]]), true)
  const rounds = 2000
  let started = performance.now()
  for (let i = 0; i < rounds; i++) await hashForRange(password)
  const hashUs = ((performance.now() - started) / rounds) * 1000
  started = performance.now()
  for (let i = 0; i < rounds; i++) lookUpSuffix(body, suffix)
  const lookupUs = ((performance.now() - started) / rounds) * 1000
  return { hashUs, lookupUs, lines: body.split('\r\n').length }
}

const stack = await startStack({
  config: path.join(REPO_ROOT, 'bench/breached-worker/wrangler.toml'),
  vars: { BREACHED_PASSWORD_TIMEOUT_MS: '5000' }, // generous: a timeout would hide the cost being measured
})
try {
  const pwned = localPwnedControl(stack.pwned.url)
  const cells: Cell[] = []
  for (const latencyMs of LATENCIES) {
    await pwned.setLatency(latencyMs)
    cells.push(...(await measure(stack.workerUrl, latencyMs)))
  }
  const pure = await measurePure()
  const base = (latencyMs: number) => cells.find((c) => c.latencyMs === latencyMs && c.kind === 'no check')
  console.log(`\nBreached-password check, wrangler dev on loopback, ${SAMPLES} sequential requests per cell (ms)\n`)
  console.log('| upstream latency | request | p50 | p90 | mean | added p50 | excluded |')
  console.log('|---|---|---|---|---|---|---|')
  for (const c of cells) {
    const added = c.kind === 'no check' ? '' : `+${(c.p50 - (base(c.latencyMs)?.p50 ?? Number.NaN)).toFixed(1)}`
    console.log(`| ${c.latencyMs} ms | ${c.kind} | ${c.p50.toFixed(1)} | ${c.p90.toFixed(1)} | ${c.mean.toFixed(1)} | ${added} | ${c.excluded} |`)
  }
  console.log(
    `\nPure part in Node: SHA-1 ${pure.hashUs.toFixed(1)} µs; reading a padded answer of ${pure.lines} lines ${pure.lookupUs.toFixed(1)} µs.`,
  )
  const outDir = path.join(REPO_ROOT, 'bench/out')
  mkdirSync(outDir, { recursive: true })
  writeFileSync(path.join(outDir, 'breached.json'), JSON.stringify({ samples: SAMPLES, cells, pure }, null, 2))
  console.log(`Raw numbers: ${path.relative(process.cwd(), path.join(outDir, 'breached.json'))}`)
} finally {
  await stack.stop()
}
