/**
 * Where a request's CPU goes: the unminified build of a Worker in a fresh Miniflare, warmed up, then a
 * V8 CPU profile over N sequential requests to one path, attributed to packages (function start
 * positions through the source map). No auth server is needed for the routes profiled here.
 * Shares of non-idle samples, so the profiler's wall clock does not matter.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createRequire } from 'node:module'
import { REPO_ROOT } from './paths'
import { decodeMappings, groupOf, sourceAt, type SourceMapV3 } from './sourcemap'
import { topShares } from './stats'

const require = createRequire(path.join(REPO_ROOT, 'node_modules', 'wrangler', 'package.json'))
type MiniflareModule = typeof import('miniflare')

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
}

export interface RequestProfile {
  readonly path: string
  readonly requests: number
  /** Share (0..1) of non-idle samples by package or part. */
  readonly byGroup: Record<string, number>
  /** Top functions: "name (group)" → share. */
  readonly topFunctions: Record<string, number>
}

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
  let ws: WebSocket | undefined
  try {
    await mf.ready
    const hit = async () => {
      const response = await mf.dispatchFetch(`${origin}${urlPath}`, { redirect: 'manual' })
      await response.arrayBuffer()
      if (response.status >= 400) throw new Error(`${urlPath}: ${response.status}`)
    }
    for (let i = 0; i < 300; i++) await hit() // JIT warm-up
    const inspector = await mf.getInspectorURL()
    ws = new WebSocket(new URL('/core:user:req', inspector.href))
    const socket = ws
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve()
      socket.onerror = () => reject(new Error('inspector connection failed'))
    })
    const pending = new Map<number, (m: { result?: unknown }) => void>()
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
      if (message.id !== undefined) pending.get(message.id)?.(message)
    }
    let nextId = 0
    const send = (method: string, params?: unknown) =>
      new Promise<unknown>((resolve) => {
        const id = ++nextId
        pending.set(id, (m) => resolve(m.result))
        socket.send(JSON.stringify({ id, method, params }))
      })
    await send('Profiler.enable')
    await send('Profiler.setSamplingInterval', { interval: 100 })
    await send('Profiler.start')
    for (let i = 0; i < requests; i++) await hit()
    const { profile } = (await send('Profiler.stop')) as { profile: { nodes: Node[]; samples: number[] } }
    if (process.env.BENCH_DUMP_PROFILE) await (await import('node:fs/promises')).writeFile(process.env.BENCH_DUMP_PROFILE, JSON.stringify(profile))

    const map = JSON.parse(await readFile(mapFile, 'utf8')) as SourceMapV3
    const lines = decodeMappings(map.mappings)
    const byId = new Map(profile.nodes.map((n) => [n.id, n]))
    const byGroup: Record<string, number> = {}
    const byFunction: Record<string, number> = {}
    let total = 0
    for (const sample of profile.samples) {
      const frame = byId.get(sample)!.callFrame
      if (frame.functionName === '(idle)') continue
      total++
      let group: string
      if (frame.url.endsWith('worker.js') && frame.lineNumber >= 0) {
        const source = sourceAt(lines, frame.lineNumber, frame.columnNumber)
        group = source < 0 ? '(bundler glue)' : groupOf(map.sources[source] ?? '?')
      } else if (frame.functionName.startsWith('(')) group = frame.functionName
      else group = '(runtime built-ins: Response, Headers, URL, crypto…)'
      byGroup[group] = (byGroup[group] ?? 0) + 1
      const fn = `${frame.functionName || '(anonymous)'} (${group})`
      byFunction[fn] = (byFunction[fn] ?? 0) + 1
    }
    return { path: urlPath, requests, byGroup: topShares(byGroup, total, 40), topFunctions: topShares(byFunction, total, 15) }
  } finally {
    ws?.close()
    await mf.dispose()
  }
}

