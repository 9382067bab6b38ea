/**
 * Section a: bundle size. Both Workers are built the same way, `wrangler deploy --dry-run --minify`,
 * and measured from the files wrangler wrote (raw bytes and zlib gzip, as wrangler's own "Total Upload"
 * line does). The esbuild metafile and the source map then say which package each byte came from.
 */
import { execFile } from 'node:child_process'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { CONFIG, OUT_DIR, REPO_ROOT, WRANGLER_BIN, type WorkerId } from './paths'
import { decodeMappings, groupOf, sliceBySource, type SourceMapV3 } from './sourcemap'

const run = promisify(execFile)

export interface BuiltWorker {
  readonly worker: WorkerId
  readonly dir: string
  /** The main module (index.js) and its source map. */
  readonly mainFile: string
  readonly mapFile: string
  readonly rawBytes: number
  readonly gzipBytes: number
  /** What wrangler itself printed, for cross-checking: "Total Upload: 439.93 KiB / gzip: 130.75 KiB". */
  readonly wranglerLine: string
  readonly buildMs: number
  /** Minified bytes per package group (from the metafile's bytesInOutput). */
  readonly bytesByGroup: Record<string, number>
  /** Estimated gzip bytes per group: each group's own code gzipped alone, scaled so the groups sum to gzipBytes. */
  readonly gzipByGroup: Record<string, number>
}

/** Build one Worker as `wrangler deploy --dry-run --minify` does (unminified: the same without --minify, for profiling). */
export async function buildWorker(worker: WorkerId, options: { minify?: boolean } = {}): Promise<BuiltWorker> {
  const minify = options.minify ?? true
  const dir = path.join(OUT_DIR, 'build', minify ? worker : `${worker}-unminified`)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const metafile = path.join(dir, 'meta.json')
  const started = performance.now()
  const { stdout, stderr } = await run(
    WRANGLER_BIN,
    ['deploy', '--dry-run', ...(minify ? ['--minify'] : []), '--outdir', dir, '--metafile', metafile, '--config', CONFIG[worker]],
    { cwd: REPO_ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, maxBuffer: 16 * 1024 * 1024 },
  )
  const buildMs = performance.now() - started
  const wranglerLine = /Total Upload:[^\n]*/.exec(stdout + stderr)?.[0]?.trim() ?? '(not printed)'

  const modules = (await readdir(dir)).filter((f) => /\.(m?js|wasm)$/.test(f))
  const contents = await Promise.all(modules.map((f) => readFile(path.join(dir, f))))
  const all = Buffer.concat(contents)
  const mainFile = path.join(dir, 'index.js')
  const mapFile = `${mainFile}.map`

  const meta = JSON.parse(await readFile(metafile, 'utf8')) as {
    outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>
  }
  const bytesByGroup: Record<string, number> = {}
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      // metafile paths are relative to the wrangler config's folder; make them relative to the repo.
      const group = groupOf(path.relative(REPO_ROOT, path.resolve(path.dirname(CONFIG[worker]), input)))
      bytesByGroup[group] = (bytesByGroup[group] ?? 0) + bytesInOutput
    }
  }
  const gzipBytes = gzipSync(all).byteLength
  const gzipByGroup = await estimateGzipByGroup(mainFile, mapFile, gzipBytes)
  return { worker, dir, mainFile, mapFile, rawBytes: all.byteLength, gzipBytes, wranglerLine, buildMs, bytesByGroup, gzipByGroup }
}

/**
 * gzip does not split by package, so this is an estimate: slice the minified output by source (via
 * the source map), gzip each group's slice alone, and scale so the groups add up to the real gzip size.
 */
async function estimateGzipByGroup(mainFile: string, mapFile: string, totalGzip: number): Promise<Record<string, number>> {
  const code = await readFile(mainFile, 'utf8')
  const map = JSON.parse(await readFile(mapFile, 'utf8')) as SourceMapV3
  const slices = sliceBySource(code, decodeMappings(map.mappings))
  const textByGroup = new Map<string, string[]>()
  for (const [source, parts] of slices) {
    const group = source < 0 ? '(bundler glue)' : groupOf(map.sources[source] ?? '?')
    const list = textByGroup.get(group) ?? []
    list.push(...parts)
    textByGroup.set(group, list)
  }
  const alone: Record<string, number> = {}
  let sum = 0
  for (const [group, parts] of textByGroup) {
    const size = gzipSync(parts.join('')).byteLength
    alone[group] = size
    sum += size
  }
  const scaled: Record<string, number> = {}
  for (const [group, size] of Object.entries(alone)) scaled[group] = (size / sum) * totalGzip
  return scaled
}
