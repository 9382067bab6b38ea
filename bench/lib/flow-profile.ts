/**
 * Where a complete reset's CPU goes inside a Worker: a V8 CPU profile of the Worker's isolate (workerd's
 * inspector) over resets run one at a time against the unminified build served lean, attributed to
 * packages and functions through the source map. Self time, shares of non-idle samples.
 */
import { readFile } from 'node:fs/promises'
import type { UserPool } from './compare'
import { ipFor, runFlow, type MailWatcher } from './flow'
import { Inspector } from './inspector'
import { attributeSamples, type CpuProfileSamples, type RequestProfile } from './profile-attribution'
import type { Server, StandIn } from './servers'
import type { SourceMapV3 } from './sourcemap'

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
    const { profile } = await inspector.send<{ profile: CpuProfileSamples }>('Profiler.stop')
    if (process.env.BENCH_DUMP_PROFILE) await (await import('node:fs/promises')).writeFile(process.env.BENCH_DUMP_PROFILE, JSON.stringify(profile))
    return attributeSamples(profile, JSON.parse(await readFile(mapFile, 'utf8')) as SourceMapV3, {
      label: `complete reset ×${flows}`,
      requests: flows,
      isBundle: (url) => url.endsWith('.js') && url.includes('index'),
      topFunctions: 30,
    })
  } finally {
    inspector.close()
  }
}
