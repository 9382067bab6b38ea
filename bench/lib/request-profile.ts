/**
 * Where a request's CPU goes: the unminified build of a Worker in a fresh Miniflare, warmed up, then a
 * V8 CPU profile over N sequential requests to one path, attributed to packages (function start
 * positions through the source map, lib/profile-attribution.ts). No auth server is needed for the routes
 * profiled here.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createRequire } from 'node:module'
import { REPO_ROOT } from './paths'
import { Inspector } from './inspector'
import { attributeSamples, type CpuProfileSamples, type RequestProfile } from './profile-attribution'
import type { SourceMapV3 } from './sourcemap'

const require = createRequire(path.join(REPO_ROOT, 'node_modules', 'wrangler', 'package.json'))
type MiniflareModule = typeof import('miniflare')

export type { RequestProfile }

export async function profileRequests(bundleFile: string, mapFile: string, urlPath: string, compatibilityDate: string, requests = 1500): Promise<RequestProfile> {
  const { Miniflare, convertV4MiniflareOptions } = require('miniflare') as MiniflareModule
  const origin = 'http://127.0.0.1:8787'
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      name: 'req',
      compatibilityDate,
      modulesRoot: '/',
      inspectorPort: 0,
      modules: [{ type: 'ESModule', path: '/worker.js', contents: await readFile(bundleFile, 'utf8') }],
      bindings: { SUPABASE_URL: 'http://127.0.0.1:9', SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_localauth_dev_0000000000000', SITE_URL: origin },
      handleStructuredLogs: () => {},
    } as Parameters<MiniflareModule['convertV4MiniflareOptions']>[0]),
  )
  let inspector: Inspector | undefined
  try {
    await mf.ready
    const hit = async () => {
      const response = await mf.dispatchFetch(`${origin}${urlPath}`, { redirect: 'manual' })
      await response.arrayBuffer()
      if (response.status >= 400) throw new Error(`${urlPath}: ${response.status}`)
    }
    for (let i = 0; i < 300; i++) await hit() // JIT warm-up
    inspector = await Inspector.connect(new URL('/core:user:req', (await mf.getInspectorURL()).href).href)
    await inspector.send('Profiler.enable')
    await inspector.send('Profiler.setSamplingInterval', { interval: 100 })
    await inspector.send('Profiler.start')
    for (let i = 0; i < requests; i++) await hit()
    const { profile } = await inspector.send<{ profile: CpuProfileSamples }>('Profiler.stop')
    if (process.env.BENCH_DUMP_PROFILE) await (await import('node:fs/promises')).writeFile(process.env.BENCH_DUMP_PROFILE, JSON.stringify(profile))
    const map = JSON.parse(await readFile(mapFile, 'utf8')) as SourceMapV3
    return attributeSamples(profile, map, { label: urlPath, requests, isBundle: (url) => url.endsWith('worker.js'), topFunctions: 15 })
  } finally {
    inspector?.close()
    await mf.dispose()
  }
}

