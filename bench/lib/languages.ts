/**
 * Section a, languages (issue 12's budget: the six languages add at most 12 KiB gzip to the script).
 * Builds the Worker at a base revision without languages (f3ffc36: main just before they were merged)
 * the same way as ours, and reads the translation assets (assets/i18n/*.json), which the Worker loads
 * through its ASSETS binding and which are not part of the script. `npm run bench:i18n` prints it alone.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { REPO_ROOT, WRANGLER_BIN } from './paths'

const run = promisify(execFile)

/** main just before the languages were merged. */
export const LANGUAGES_BASE_REVISION = 'f3ffc36'
export const LANGUAGES_BUDGET_KIB = 12

export interface LanguagesResult {
  readonly baseRevision: string
  readonly baseGzipBytes: number
  readonly oursGzipBytes: number
  readonly growthKiB: number
  readonly budgetKiB: number
  /** Each translation asset: raw and gzip bytes. */
  readonly assets: ReadonlyArray<{ readonly locale: string; readonly rawBytes: number; readonly gzipBytes: number }>
}

/** gzip bytes of the modules `wrangler deploy --dry-run --minify` writes for the tree in `dir`. */
async function scriptGzipBytes(dir: string): Promise<number> {
  const out = await mkdtemp(path.join(tmpdir(), 'bench-languages-out-'))
  try {
    await run(WRANGLER_BIN, ['deploy', '--dry-run', '--minify', '--outdir', out], { cwd: dir, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, maxBuffer: 16 * 1024 * 1024 })
    const modules = (await readdir(out)).filter((f) => /\.(m?js|wasm)$/.test(f))
    return gzipSync(Buffer.concat(await Promise.all(modules.map((f) => readFile(path.join(out, f)))))).byteLength
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}

/** The script growth over the base revision; ours' gzip size as built in section a, or built here. */
export async function measureLanguages(oursGzipBytes?: number, baseRevision = LANGUAGES_BASE_REVISION): Promise<LanguagesResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-languages-base-'))
  try {
    await run('sh', ['-c', `git archive ${JSON.stringify(baseRevision)} | tar -x -C ${JSON.stringify(dir)}`], { cwd: REPO_ROOT })
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'))
    const baseGzipBytes = await scriptGzipBytes(dir)
    const ours = oursGzipBytes ?? (await scriptGzipBytes(REPO_ROOT))
    const assetDir = path.join(REPO_ROOT, 'assets', 'i18n')
    const files = (await readdir(assetDir)).filter((f) => f.endsWith('.json')).sort()
    const assets = await Promise.all(
      files.map(async (f) => {
        const bytes = await readFile(path.join(assetDir, f))
        return { locale: f.replace(/\.json$/, ''), rawBytes: bytes.byteLength, gzipBytes: gzipSync(bytes).byteLength }
      }),
    )
    return { baseRevision, baseGzipBytes, oursGzipBytes: ours, growthKiB: (ours - baseGzipBytes) / 1024, budgetKiB: LANGUAGES_BUDGET_KIB, assets }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
