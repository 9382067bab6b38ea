/**
 * Section b: start-up CPU. Like `wrangler check startup`, each measurement loads the built bundle into
 * a fresh workerd (Miniflare, wrangler's own copy) behind a tiny entry module whose fetch handler does
 * `await import('./worker.js')`, so the Worker's global scope is evaluated during that first request.
 *
 * The number: CPU time of every workerd thread over that request, read from the kernel
 * (/proc/<pid>/task/<tid>/schedstat, nanoseconds of on-CPU time), minus the median of the same
 * measurement with an empty module (request dispatch, the entry module, the import machinery).
 * Kernel CPU accounting, unlike a sampling profile's wall-clock deltas, does not count time the thread
 * spent waiting for a core, so other load on the machine inflates it far less.
 *
 * Attribution ("which modules cost the most") comes from separate V8 CPU profiles taken through the
 * inspector (50 µs sampling; wrangler check startup uses 1 ms) of an unminified build of the same Worker,
 * where a line of output belongs to one source file, so line ticks map to packages via the source map.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { createRequire } from 'node:module'
import { REPO_ROOT } from './paths'
import { decodeMappings, groupOf, sourceAt, type DecodedLines, type SourceMapV3 } from './sourcemap'
import { sleep } from './stats'

// wrangler's own miniflare (and so its workerd): the runtime `wrangler dev` and `wrangler check startup` use.
const require = createRequire(path.join(REPO_ROOT, 'node_modules', 'wrangler', 'package.json'))
type MiniflareModule = typeof import('miniflare')

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
  positionTicks?: { line: number; ticks: number }[]
}
export interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

export interface StartupSample {
  readonly activeMs: number
  readonly gcMs: number
  readonly samples: number
}

const WORKER_MODULE = 'worker.js'
const SAMPLING_INTERVAL_US = 50

function newMiniflare(workerSource: string, compatibilityDate: string, inspector: boolean) {
  const { Miniflare, convertV4MiniflareOptions } = require('miniflare') as MiniflareModule
  return new Miniflare(
    convertV4MiniflareOptions({
      name: 'startup',
      compatibilityDate,
      modulesRoot: '/',
      ...(inspector ? { inspectorPort: 0 } : {}),
      modules: [
        {
          type: 'ESModule',
          path: '/entry.mjs',
          contents: `export default { async fetch() { await import('./${WORKER_MODULE}'); return new Response('ok') } }`,
        },
        { type: 'ESModule', path: `/${WORKER_MODULE}`, contents: workerSource },
      ],
      handleStructuredLogs: () => {},
    } as Parameters<MiniflareModule['convertV4MiniflareOptions']>[0]),
  )
}

/** The module used as the control: nothing to evaluate. */
export const EMPTY_WORKER = 'export default {}\n'

/**
 * CPU ms that workerd spends on the first request of a fresh isolate whose handler imports `source`.
 * Subtract the same for EMPTY_WORKER to get the global scope's own cost.
 */
export async function measureStartupCpu(source: string, compatibilityDate: string): Promise<number> {
  const known = new Set(await workerdChildren())
  const mf = newMiniflare(source, compatibilityDate, false)
  try {
    await mf.ready
    const pid = (await workerdChildren()).find((p) => !known.has(p))
    if (pid === undefined) throw new Error('could not find the workerd process Miniflare started')
    await sleep(50) // let start-up work on other threads settle
    const before = await threadCpuNs(pid)
    const response = await mf.dispatchFetch('https://startup.example/')
    const body = await response.text()
    const after = await threadCpuNs(pid)
    if (body !== 'ok') throw new Error(`module evaluation failed: ${response.status} ${body.slice(0, 200)}`)
    let ns = 0
    for (const [tid, value] of after) ns += value - (before.get(tid) ?? 0)
    return ns / 1e6
  } finally {
    await mf.dispose()
  }
}

/** workerd processes whose parent is this process. */
async function workerdChildren(): Promise<number[]> {
  const pids: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (comm === 'workerd' && ppid === process.pid) pids.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return pids
}

/** On-CPU nanoseconds per thread of `pid` (first field of /proc/<pid>/task/<tid>/schedstat). */
async function threadCpuNs(pid: number): Promise<Map<string, number>> {
  const result = new Map<string, number>()
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    try {
      result.set(tid, Number((await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).split(' ')[0]))
    } catch {
      // thread ended
    }
  }
  return result
}

/** One fresh isolate: load `bundleFile` and take a V8 CPU profile of the evaluation of its global scope. */
export async function profileStartup(bundleFile: string, compatibilityDate: string): Promise<CpuProfile> {
  const mf = newMiniflare(await readFile(bundleFile, 'utf8'), compatibilityDate, true)
  let ws: WebSocket | undefined
  try {
    await mf.ready
    const inspector = await mf.getInspectorURL()
    ws = new WebSocket(new URL('/core:user:startup', inspector.href))
    const socket = ws
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve()
      socket.onerror = () => reject(new Error('inspector connection failed'))
    })
    const pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>()
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } }
      // workerd answers commands without a result by echoing them (no `result` key): any reply with our id counts.
      if (message.id !== undefined) pending.get(message.id)?.(message)
    }
    let nextId = 0
    const send = (method: string, params?: unknown) =>
      new Promise<unknown>((resolve, reject) => {
        const id = ++nextId
        pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)))
        socket.send(JSON.stringify({ id, method, params }))
      })
    await send('Profiler.enable')
    await send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US })
    await send('Profiler.start')
    await sleep(20) // commands are applied asynchronously; make sure sampling runs before the request
    const response = await mf.dispatchFetch('https://startup.example/')
    const body = await response.text()
    if (body !== 'ok') throw new Error(`module evaluation failed: ${response.status} ${body.slice(0, 200)}`)
    const { profile } = (await send('Profiler.stop')) as { profile: CpuProfile }
    return profile
  } finally {
    ws?.close()
    await mf.dispose()
  }
}

export function summarizeProfile(profile: CpuProfile): StartupSample {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  let active = 0
  let gc = 0
  profile.timeDeltas.forEach((delta, i) => {
    const name = byId.get(profile.samples[i]!)?.callFrame.functionName
    if (name === '(idle)') return
    active += delta
    if (name === '(garbage collector)') gc += delta
  })
  return { activeMs: active / 1000, gcMs: gc / 1000, samples: profile.samples.length }
}

export interface Attribution {
  /** Self time per group (ms, summed over the profiles given). */
  readonly selfMs: Record<string, number>
  /** Inclusive time per group: a sample counts for every group on its stack (ms, summed). */
  readonly inclusiveMs: Record<string, number>
  readonly profiles: number
}

/** Attribute profiles of the unminified bundle to packages through its source map. */
export async function attribute(profiles: readonly CpuProfile[], mapFile: string): Promise<Attribution> {
  const map = JSON.parse(await readFile(mapFile, 'utf8')) as SourceMapV3
  const lines = decodeMappings(map.mappings)
  const selfMs: Record<string, number> = {}
  const inclusiveMs: Record<string, number> = {}
  const add = (rec: Record<string, number>, key: string, ms: number) => (rec[key] = (rec[key] ?? 0) + ms)
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]))
    const parent = new Map<number, number>()
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
    const selfUs = new Map<number, number>()
    profile.timeDeltas.forEach((delta, i) => selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + delta))

    for (const [id, us] of selfUs) {
      const node = byId.get(id)!
      if (node.callFrame.functionName === '(idle)') continue
      const ticks = node.positionTicks ?? []
      const total = ticks.reduce((a, t) => a + t.ticks, 0)
      if (isWorker(node.callFrame) && total > 0) {
        for (const t of ticks) add(selfMs, groupAtLine(lines, map, t.line - 1, 0), ((us * t.ticks) / total) / 1000)
      } else add(selfMs, frameGroup(node.callFrame, lines, map), us / 1000)

      const groups = new Set<string>()
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const frame = byId.get(cur)!.callFrame
        if (frame.functionName === '(root)') continue
        if (isWorker(frame) && frame.lineNumber < 0) continue // the module body itself: no single source
        groups.add(frameGroup(frame, lines, map))
      }
      for (const g of groups) add(inclusiveMs, g, us / 1000)
    }
  }
  const scale = (rec: Record<string, number>) => Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, v / profiles.length]))
  return { selfMs: scale(selfMs), inclusiveMs: scale(inclusiveMs), profiles: profiles.length }
}

const isWorker = (frame: CallFrame) => frame.url.endsWith(WORKER_MODULE)

function groupAtLine(lines: DecodedLines, map: SourceMapV3, line: number, column: number): string {
  const source = sourceAt(lines, line, column)
  return source < 0 ? '(bundler glue)' : groupOf(map.sources[source] ?? '?')
}

function frameGroup(frame: CallFrame, lines: DecodedLines, map: SourceMapV3): string {
  if (isWorker(frame)) {
    if (frame.lineNumber < 0) return '(module body, unattributed)'
    return groupAtLine(lines, map, frame.lineNumber, frame.columnNumber)
  }
  if (frame.url.startsWith('node-internal:')) return '(workerd node: polyfills)'
  if (frame.functionName === '(garbage collector)') return '(garbage collector)'
  if (frame.functionName === '(program)') return '(program: parse/compile)'
  if (frame.url.endsWith('entry.mjs')) return '(profiling entry module)'
  return '(runtime built-ins)'
}
