/**
 * A V8 CPU profile's samples, attributed: each non-idle sample's function start position goes through
 * the bundle's source map to a package or part (src/…, hono, @supabase/…), natives to the runtime's
 * built-ins, and an anonymous native called straight from our request log to console.log. Self time,
 * as shares of non-idle samples, so the profiler's wall clock does not matter.
 */
import path from 'node:path'
import { decodeMappings, groupOf, sourceAt, type SourceMapV3 } from './sourcemap'
import { topShares } from './stats'

export interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}

export interface CpuProfileSamples {
  nodes: ProfileNode[]
  samples: number[]
}

export interface RequestProfile {
  readonly path: string
  readonly requests: number
  /** Share (0..1) of non-idle samples by package or part. */
  readonly byGroup: Record<string, number>
  /** Top functions: "name (group)" → share. */
  readonly topFunctions: Record<string, number>
}

export interface AttributionOptions {
  readonly label: string
  readonly requests: number
  /** Whether a frame's script URL is the profiled bundle (its positions go through the source map). */
  readonly isBundle: (url: string) => boolean
  /** How many functions to list. */
  readonly topFunctions: number
}

export function attributeSamples(profile: CpuProfileSamples, map: SourceMapV3, options: AttributionOptions): RequestProfile {
  const lines = decodeMappings(map.mappings)
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parentOf = new Map<number, number>()
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id)
  const byGroup: Record<string, number> = {}
  const byFunction: Record<string, number> = {}
  let total = 0
  for (const sample of profile.samples) {
    const frame = byId.get(sample)!.callFrame
    if (frame.functionName === '(idle)') continue
    total++
    let group: string
    let where = ''
    if (options.isBundle(frame.url) && frame.lineNumber >= 0) {
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
  return { path: options.label, requests: options.requests, byGroup: topShares(byGroup, total, 40), topFunctions: topShares(byFunction, total, options.topFunctions) }
}
