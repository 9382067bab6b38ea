/**
 * The rate-limit bindings the lean servers give our Worker: one JS-RPC entrypoint per `[[ratelimits]]`
 * block of its wrangler.toml, in a tiny Worker of its own (so its counters are not in our isolate's heap),
 * counting per key in fixed windows of the block's period as Cloudflare's binding does.
 *
 * Why not Miniflare's own simulation: it keeps each counter in SQLite behind a Durable Object, about a
 * millisecond of workerd CPU per `limit()` call on the bench machine, work the production binding does
 * outside the Worker's isolate. Through this stand-in a call costs our isolate one RPC, as it does in
 * production, and the counting costs a Map lookup in another isolate of the same process.
 */

export interface LimiterSpec {
  readonly name: string
  readonly limit: number
  readonly period: number
}

/** Source of the limiter Worker (an ES module) for these limiters. */
export function limiterWorkerSource(specs: readonly LimiterSpec[]): string {
  const classes = specs
    .map((s) => `export class ${s.name} extends WorkerEntrypoint { limit(options) { return count(${JSON.stringify(s.name)}, options, ${s.limit}, ${s.period}) } }`)
    .join('\n')
  return `import { WorkerEntrypoint } from 'cloudflare:workers'
const windows = new Map()
function count(name, options, limit, period) {
  const key = String(options?.key ?? '')
  const epoch = Math.floor(Date.now() / 1000 / period)
  let w = windows.get(name)
  if (!w || w.epoch !== epoch) windows.set(name, (w = { epoch, counts: new Map() }))
  const n = (w.counts.get(key) ?? 0) + 1
  w.counts.set(key, n)
  return { success: n <= limit }
}
${classes}
export default { fetch() { return new Response('limiter') } }
`
}
