/**
 * `npm run bench:i18n`: what the six languages cost in the deployed bundle (issue 12's budget: at most
 * 12 KiB gzip). Builds the Worker as `wrangler deploy --dry-run --minify` does, from this tree and from
 * a base revision without the catalogues (default: the commit before issue 12), and prints both sizes,
 * the growth, and each catalogue's own minified+gzip size. Numbers only; it fails nothing.
 * Options: --base <git revision> (0909f6e).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'

const ROOT = path.resolve(import.meta.dirname, '..')
const BUDGET_BYTES = 12 * 1024
const { values } = parseArgs({ options: { base: { type: 'string', default: '0909f6e' } } })

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

/** One catalogue as esbuild minifies it for the Worker (ASCII output: non-Latin text becomes \uXXXX). */
function catalogueBytes(locale: string): number {
  const file = path.join(ROOT, 'src', 'i18n', 'messages', `${locale}.ts`)
  const js = execFileSync('npx', ['esbuild', file, '--minify', '--format=esm', '--charset=ascii', '--log-level=error'], { cwd: ROOT })
  return gzipSync(js).length
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
  for (const locale of ['en', 'de', 'fr', 'es', 'ja', 'ar']) console.log(`  catalogue ${locale}: ${kib(catalogueBytes(locale))} gzip alone`)
} finally {
  rmSync(baseDir, { recursive: true, force: true })
}
