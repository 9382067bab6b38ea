/**
 * Start-up attribution by experiment: tiny Workers that each load one piece of ours (a library, or
 * one of our own modules through a side-effect import of `src/...`), bundled with esbuild the way
 * wrangler bundles (esm, minified, keepNames, conditions workerd/worker/browser), then measured like
 * the full Workers; plus what-ifs (all of ours without zod's cost). Their cost minus the empty control is what that piece's global scope costs on its own.
 * Nothing in src/ is changed: the entries import it.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import path from 'node:path'
import { build } from 'esbuild'
import { BENCH_DIR, OUT_DIR, REPO_ROOT } from './paths'

const BENCH_BASELINE = path.join(BENCH_DIR, 'baseline')

export interface Experiment {
  readonly id: string
  readonly what: string
  readonly entry: string
  /** Replace modules by do-nothing stubs (what-ifs: ours without that module's start-up cost). */
  readonly stubs?: readonly StubName[]
  /** esbuild keepNames; wrangler's default (`keep_names = true`) unless a row says otherwise. */
  readonly keepNames?: boolean
}

const keep = (ns: string) => `export default { fetch() { return new Response(String(Object.keys(${ns}).length)) } }\n`
const src = (module: string) => `import * as m from ${JSON.stringify(path.join(REPO_ROOT, 'src', module))}\n${keep('m')}`

export const EXPERIMENTS: readonly Experiment[] = [
  { id: 'hono', what: 'hono core (new Hono + one route)', entry: `import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/', (c) => c.text('x'))\nexport default app\n` },
  { id: 'supabase-ssr', what: '@supabase/ssr (createServerClient, pulls in all of supabase-js)', entry: `import * as m from '@supabase/ssr'\n${keep('m')}` },
  {
    id: 'zod-mini',
    what: 'zod/mini with one small schema built at module load',
    entry: `import * as z from 'zod/mini'\nconst s = z.object({ a: z.string() })\nexport default { fetch() { return new Response(String(s.safeParse({ a: 'x' }).success)) } }\n`,
  },
  { id: 'src-config', what: 'src/config.ts (zod/mini + the bindings schema)', entry: src('config.ts') },
  { id: 'src-forgot', what: 'src/routes/forgot-password.tsx (+ its views, zod/mini email schema)', entry: src('routes/forgot-password.tsx') },
  { id: 'src-confirm', what: 'src/routes/confirm.tsx (+ views)', entry: src('routes/confirm.tsx') },
  { id: 'src-update', what: 'src/routes/update-password.tsx (+ views, zod/mini)', entry: src('routes/update-password.tsx') },
  { id: 'src-verify-code', what: 'src/routes/verify-code.tsx (+ views, zod/mini)', entry: src('routes/verify-code.tsx') },
  { id: 'src-pages', what: 'src/routes/pages.tsx (+ stylesheet, views)', entry: src('routes/pages.tsx') },
  { id: 'src-security-headers', what: 'src/middleware/security-headers.ts (header values per config; imports config.ts)', entry: src('middleware/security-headers.ts') },
  { id: 'src-csrf', what: 'src/middleware/csrf.tsx (hono csrf, bodyLimit, cookie)', entry: src('middleware/csrf.tsx') },
  { id: 'src-supabase', what: 'src/middleware/supabase.ts (@supabase/ssr)', entry: src('middleware/supabase.ts') },
  { id: 'ours', what: 'all of ours (src/index.tsx), same esbuild settings as these rows', entry: src('index.tsx') },
  { id: 'ours-no-zod', what: 'what-if: all of ours, zod/mini stubbed out', entry: src('index.tsx'), stubs: ['zod'] },
  { id: 'ours-no-jsx', what: 'what-if: all of ours, hono/jsx stubbed out', entry: src('index.tsx'), stubs: ['jsx'] },
  { id: 'ours-no-hono-mw', what: 'what-if: all of ours, hono csrf and bodyLimit stubbed out', entry: src('index.tsx'), stubs: ['middleware'] },
  { id: 'ours-no-all', what: 'what-if: all of ours, zod, hono/jsx and those middleware stubbed out', entry: src('index.tsx'), stubs: ['zod', 'jsx', 'middleware'] },
  { id: 'baseline', what: 'the baseline (bench/baseline/index.ts), same esbuild settings as these rows', entry: `export { default } from ${JSON.stringify(path.join(BENCH_BASELINE, 'index.ts'))}\n` },
]

type StubName = 'zod' | 'jsx' | 'middleware'

/**
 * Stand-ins whose every export is a proxy that returns itself: the module's start-up cost and its
 * code leave the bundle, our modules still evaluate. Only for measuring; they do nothing.
 * zod's export names are the `z.<name>` uses found in src/.
 */
async function writeStubs(dir: string): Promise<Record<StubName, Record<string, string>>> {
  const stub = async (file: string, names: Iterable<string>) => {
    const full = path.join(dir, file)
    await writeFile(
      full,
      `const p = new Proxy(function () {}, { get: (_t, k) => (k === Symbol.toPrimitive ? () => '' : p), apply: () => p, construct: () => p })\n` +
        `export { ${[...names].map((n) => `p as ${n}`).join(', ')} }\n`, // \`as\` allows reserved words (enum)
    )
    return full
  }
  const jsx = await stub('jsx-stub.js', ['jsx', 'jsxs', 'jsxDEV', 'Fragment'])
  return {
    zod: { 'zod/mini': await stub('zod-stub.js', await zodNames()) },
    jsx: { 'hono/jsx/jsx-runtime': jsx, 'hono/jsx/jsx-dev-runtime': jsx },
    middleware: {
      'hono/secure-headers': await stub('secure-headers-stub.js', ['secureHeaders']),
      'hono/csrf': await stub('csrf-stub.js', ['csrf']),
      'hono/body-limit': await stub('body-limit-stub.js', ['bodyLimit']),
    },
  }
}

async function zodNames(): Promise<Set<string>> {
  const names = new Set<string>(['NEVER'])
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (/\.tsx?$/.test(entry.name)) for (const m of (await readFile(full, 'utf8')).matchAll(/\bz\.([A-Za-z_]\w*)/g)) names.add(m[1]!)
    }
  }
  await walk(path.join(REPO_ROOT, 'src'))
  return names
}

export interface BuiltExperiment {
  readonly source: string
  readonly gzipBytes: number
  /** Heavy dependencies that ended up in the bundle (zod, hono/jsx, supabase-js, our config). */
  readonly includes: readonly string[]
}

const NOTABLE: ReadonlyArray<[RegExp, string]> = [
  [/node_modules\/zod\//, 'zod'],
  [/node_modules\/@supabase\//, 'supabase-js'],
  [/node_modules\/hono\/dist\/jsx\//, 'hono/jsx'],
  [/node_modules\/hono\/dist\/middleware\/secure-headers\//, 'secureHeaders'],
  [/(^|\/)src\/config\.ts$/, 'src/config.ts'],
]

/** Bundle every experiment; returns id → minified source and what it pulled in. */
export async function buildExperiments(): Promise<Map<string, BuiltExperiment>> {
  const dir = path.join(OUT_DIR, 'experiments')
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const out = new Map<string, BuiltExperiment>()
  const stubs = await writeStubs(dir)
  for (const experiment of EXPERIMENTS) {
    const entry = path.join(dir, `${experiment.id}.ts`)
    await writeFile(entry, experiment.entry)
    const outfile = path.join(dir, `${experiment.id}.js`)
    const result = await build({
      entryPoints: [entry],
      outfile,
      metafile: true,
      keepNames: experiment.keepNames ?? true, // as wrangler bundles by default
      alias: Object.assign({}, ...(experiment.stubs ?? []).map((name) => stubs[name])),
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2024',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      external: ['cloudflare:*', 'node:*'],
      tsconfig: path.join(REPO_ROOT, 'tsconfig.json'),
      nodePaths: [path.join(REPO_ROOT, 'node_modules')],
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    const includes = NOTABLE.filter(([re]) => inputs.some((i) => re.test(i))).map(([, name]) => name)
    const source = await readFile(outfile, 'utf8')
    out.set(experiment.id, { source, gzipBytes: gzipSync(source).byteLength, includes })
  }
  return out
}

