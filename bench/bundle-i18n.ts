/**
 * `npm run bench:i18n`: what the six languages cost in the deployed Worker script (issue 12's budget: at
 * most 12 KiB gzip). Builds the Worker as `wrangler deploy --dry-run --minify` does, from this tree and
 * from a base revision without languages (default: f3ffc36, main just before they were merged), and
 * prints both sizes and the growth. The translations themselves are static assets (assets/i18n/, read
 * through the ASSETS binding, not part of the script): their raw and gzip sizes are printed too, so the
 * whole cost is on the table. Numbers only; it fails nothing. Options: --base <git revision>.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'

const ROOT = path.resolve(import.meta.dirname, '..')
const BUDGET_BYTES = 12 * 1024
const { values } = parseArgs({ options: { base: { type: 'string', default: 'f3ffc36' } } })

/** gzip size of the bundle wrangler would upload from `dir` (level 6, as wrangler reports it). */
function bundleGzipBytes(dir: string): { raw: number; gzip: number } {
  const out = mkdtempSync(path.join(tmpdir(), 'bundle-i18n-out-'))
  try {
    execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--minify', '--outdir', out], { cwd: dir, stdio: 'pipe' })
    const js = readdirSync(out).filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(out, f)))
    const all = Buffer.concat(js)
    return { raw: all.length, gzip: gzipSync(all).length }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

/** The tree at `revision`, with this checkout's node_modules. */
function checkout(revision: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bundle-i18n-base-'))
  execFileSync('sh', ['-c', `git archive ${JSON.stringify(revision)} | tar -x -C ${JSON.stringify(dir)}`], { cwd: ROOT })
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
  return dir
}

/** A translation as deployed: the JSON asset's bytes, raw and gzip. */
function assetBytes(locale: string): { raw: number; gzip: number } {
  const bytes = readFileSync(path.join(ROOT, 'assets', 'i18n', `${locale}.json`))
  return { raw: bytes.length, gzip: gzipSync(bytes).length }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`
const baseDir = checkout(values.base)
try {
  const before = bundleGzipBytes(baseDir)
  const after = bundleGzipBytes(ROOT)
  const growth = after.gzip - before.gzip
  console.log(`bundle before (${values.base}): ${kib(before.raw)} minified, ${kib(before.gzip)} gzip`)
  console.log(`bundle now:                   ${kib(after.raw)} minified, ${kib(after.gzip)} gzip`)
  console.log(`growth: ${kib(growth)} gzip (budget ${kib(BUDGET_BYTES)}: ${growth <= BUDGET_BYTES ? 'within' : 'OVER'})`)
  console.log('translations, as static assets (assets/i18n/, not in the script):')
  let total = 0
  for (const locale of ['de', 'fr', 'es', 'ja', 'ar']) {
    const { raw, gzip } = assetBytes(locale)
    total += gzip
    console.log(`  ${locale}.json: ${kib(raw)} raw, ${kib(gzip)} gzip`)
  }
  console.log(`  together: ${kib(total)} gzip; an isolate reads one the first time a page needs that language`)
} finally {
  rmSync(baseDir, { recursive: true, force: true })
}
