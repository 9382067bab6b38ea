/** Where things are: the repo, the two Workers' configs, and the scratch folder (git-ignored bench/out/). */
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_ROOT = path.resolve(BENCH_DIR, '..')
export const OUT_DIR = path.join(BENCH_DIR, 'out')
export const WRANGLER_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'wrangler')

export type WorkerId = 'ours' | 'baseline'
export const WORKERS: readonly WorkerId[] = ['ours', 'baseline']

/** wrangler --config for each Worker (relative paths resolve against REPO_ROOT, as scripts/stack.ts runs there). */
export const CONFIG: Record<WorkerId, string> = {
  ours: path.join(REPO_ROOT, 'wrangler.toml'),
  baseline: path.join(BENCH_DIR, 'baseline', 'wrangler.toml'),
}

export const LABEL: Record<WorkerId, string> = { ours: 'ours', baseline: 'baseline' }
