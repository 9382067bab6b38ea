/**
 * Where a complete reset's CPU goes inside a Worker: a V8 CPU profile of the Worker's isolate (workerd's
 * inspector) over resets run one at a time against the unminified build served lean, attributed to
 * packages and functions through the source map. Self time, shares of non-idle samples.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { UserPool } from './compare'
import { ipFor, runFlow, type MailWatcher } from './flow'
import { Inspector } from './inspector'
import type { RequestProfile } from './request-profile'
import type { Server, StandIn } from './servers'
import { decodeMappings, groupOf, sourceAt, type SourceMapV3 } from './sourcemap'
import { topShares } from './stats'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
}

export async function profileResets(server: Server, standIn: StandIn, mapFile: string, pool: UserPool, mail: MailWatcher, flows: number): Promise<RequestProfile> {
  if (!server.inspectorUrl) throw new Error(`${server.id} was started without an inspector`)
  const inspector = await Inspector.connect(server.inspectorUrl)
  const signInAt = { authUrl: standIn.url, apikey: standIn.publishableKey }
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const user = await pool.take()
      const result = await runFlow(server.url, mail, user, ipFor(9000 + i, 400), undefined, 'POST update', signInAt)
      pool.give(user, result.ok)
      if (!result.ok) throw new Error(`profiling ${server.id}: ${result.error}`)
    }
  }
  try {
    await run(Math.min(20, flows)) // JIT warm-up, JWKS cache
    await inspector.send('Profiler.enable')
    await inspector.send('Profiler.setSamplingInterval', { interval: 100 })
    await inspector.send('Profiler.start')
    await run(flows)
    const { profile } = await inspector.send<{ profile: { nodes: ProfileNode[]; samples: number[] } }>('Profiler.stop')
    if (process.env.BENCH_DUMP_PROFILE) await (await import('node:fs/promises')).writeFile(process.env.BENCH_DUMP_PROFILE, JSON.stringify(profile))
    return attributeSamples(profile, JSON.parse(await readFile(mapFile, 'utf8')) as SourceMapV3, `complete reset ×${flows}`, flows)
  } finally {
    inspector.close()
  }
}

function attributeSamples(profile: { nodes: ProfileNode[]; samples: number[] }, map: SourceMapV3, label: string, requests: number): RequestProfile {
  const lines = decodeMappings(map.mappings)
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parentOf = new Map<number, number>()
  for (const n of profile.nodes as Array<ProfileNode & { children?: number[] }>) for (const child of n.children ?? []) parentOf.set(child, n.id)
  const byGroup: Record<string, number> = {}
  const byFunction: Record<string, number> = {}
  let total = 0
  for (const sample of profile.samples) {
    const frame = byId.get(sample)!.callFrame
    if (frame.functionName === '(idle)') continue
    total++
    let group: string
    let where = ''
    if (frame.url.endsWith('.js') && frame.url.includes('index') && frame.lineNumber >= 0) {
      const source = sourceAt(lines, frame.lineNumber, frame.columnNumber)
      const file = map.sources[source] ?? '?'
      group = source < 0 ? '(bundler glue)' : groupOf(file)
      if (group.startsWith('src/')) where = ` ${path.basename(file)}`
    } else if (frame.functionName.startsWith('(')) group = frame.functionName
    else {
      group = '(runtime built-ins: Response, Headers, URL, crypto…)'
      if (frame.url) where = ` ${frame.url.split('/').pop()}`
      // An anonymous native called straight from our request log is console.log (workerd's log plumbing).
      const parent = byId.get(parentOf.get(sample) ?? -1)?.callFrame
      if (!frame.functionName && !frame.url && parent && /requestLog/.test(parent.functionName)) group = '(runtime: console.log)'
    }
    byGroup[group] = (byGroup[group] ?? 0) + 1
    const fn = `${frame.functionName || '(anonymous)'}${where} (${group})`
    byFunction[fn] = (byFunction[fn] ?? 0) + 1
  }
  return { path: label, requests, byGroup: topShares(byGroup, total, 40), topFunctions: topShares(byFunction, total, 30) }
}
