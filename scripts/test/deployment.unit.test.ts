/**
 * How the ops commands read a deployment (scripts/ops/deployment.ts): `.dev.vars` parsing, the
 * wrangler environment's vars and custom-domain route, the process environment only for names the
 * Worker reads (a secret such as SUPABASE_PUBLISHABLE_KEY, never PATH), and each site's Worker origin.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LOCALES } from '../../src/i18n/locales'
import { deploymentSites, parseDevVars, readBindings } from '../ops/deployment'
import { translationsCheck } from '../ops/translations'

const dir = mkdtempSync(path.join(tmpdir(), 'ops-deployment-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('parseDevVars', () => {
  it('reads KEY=value lines as wrangler does: quotes, comments, blank lines, export', () => {
    expect(
      parseDevVars('# a comment\nA=1\n\nexport B = "two words"\nC=\'x=y\'\nD=plain # trailing\nnot a line\n'),
    ).toEqual({ A: '1', B: 'two words', C: 'x=y', D: 'plain' })
  })
})

describe('readBindings', { timeout: 60_000 }, () => {
  it("takes the environment's vars and route, .dev.vars, and the process environment only for the Worker's names", async () => {
    writeFileSync(
      path.join(dir, 'wrangler.toml'),
      `name = "t"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n[vars]\nSITE_URL = "https://top.example.test"\n` +
        `[env.production]\nroutes = [{ pattern = "auth.example.test", custom_domain = true }, { pattern = "www.example.test/auth/*", zone_name = "example.test" }]\n` +
        `[env.production.vars]\nSITE_URL = "https://www.example.test"\nSUPABASE_URL = "https://abcdefghijklmnopqrst.supabase.co"\n`,
    )
    writeFileSync(path.join(dir, '.dev.vars'), 'APP_NAME="From dev vars"\n')
    const { bindings, routes } = await readBindings({
      configPath: path.join(dir, 'wrangler.toml'),
      env: 'production',
      overlay: { SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_from_the_environment_000', SITE_URL: 'https://ignored.test', PATH: '/bin' },
    })
    expect(bindings).toEqual({
      SITE_URL: 'https://www.example.test',
      SUPABASE_URL: 'https://abcdefghijklmnopqrst.supabase.co',
      APP_NAME: 'From dev vars',
      SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_from_the_environment_000',
    })
    expect(routes).toEqual(['auth.example.test'])
    const parsed = deploymentSites(bindings, { routes })
    expect('sites' in parsed && parsed.sites.map((s) => [s.id, s.workerOrigin])).toEqual([['default', 'https://auth.example.test']])
  })

  it("reads the [assets] block (folder resolved beside the config), and null when there is none", async () => {
    const configPath = path.join(dir, 'assets.wrangler.toml')
    writeFileSync(configPath, `name = "t"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n[assets]\ndirectory = "./assets"\nbinding = "ASSETS"\nrun_worker_first = true\n`)
    expect((await readBindings({ configPath, devVars: false })).assets).toEqual({ directory: path.join(dir, 'assets'), binding: 'ASSETS', runWorkerFirst: true })
    const bare = path.join(dir, 'bare.wrangler.toml')
    writeFileSync(bare, `name = "t"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n`)
    expect((await readBindings({ configPath: bare, devVars: false })).assets).toBeNull()
  })

  it("this repository's wrangler.toml passes the translations check for every language", async () => {
    const { assets } = await readBindings({ configPath: path.resolve(import.meta.dirname, '../../wrangler.toml'), devVars: false })
    expect(translationsCheck(LOCALES, assets, existsSync)).toMatchObject({ status: 'pass', detail: 'de, fr, es, ja, ar' })
  })
})

describe('translationsCheck', () => {
  const ok = { directory: '/srv/assets', binding: 'ASSETS', runWorkerFirst: true }
  const all = () => true

  it('passes for an English-only site without assets, and when every offered language has its file', () => {
    expect(translationsCheck(['en'], null, all).status).toBe('pass')
    expect(translationsCheck(['en', 'de'], ok, (f) => f === '/srv/assets/i18n/de.json')).toMatchObject({ status: 'pass', detail: 'de' })
  })

  it('fails, saying what to do, without the block, with another binding, with assets served first, or a file missing', () => {
    const fails = [
      translationsCheck(['en', 'ja'], null, all),
      translationsCheck(['ja'], { ...ok, binding: 'STATIC' }, all),
      translationsCheck(['en', 'ja'], { ...ok, runWorkerFirst: false }, all),
      translationsCheck(['ar', 'de'], ok, (f) => f.endsWith('/de.json')),
    ]
    expect(fails.map((c) => c.status)).toEqual(['fail', 'fail', 'fail', 'fail'])
    expect(fails[0]?.detail).toContain('ja would be served in English')
    expect(fails[2]?.fix).toBe('set run_worker_first = true in the [assets] block')
    expect(fails[3]).toMatchObject({ detail: 'missing in /srv/assets: i18n/ar.json', fix: 'run npm run i18n:build, then deploy again' })
  })
})

describe('deploymentSites', () => {
  it('a SITES deployment: each hostname is its own Worker origin; --worker-url wins for a single site', () => {
    const common = { SUPABASE_URL: 'https://abcdefghijklmnopqrst.supabase.co', SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0000000000000000000000' }
    const sites = deploymentSites({ ...common, SITES: JSON.stringify({ 'auth.a.test': { SITE_URL: 'https://a.test' }, 'auth.b.test': { SITE_URL: 'https://b.test' } }) })
    expect('sites' in sites && sites.sites.map((s) => s.workerOrigin)).toEqual(['https://auth.a.test', 'https://auth.b.test'])
    const single = deploymentSites({ ...common, SITE_URL: 'https://a.test' }, { workerUrl: 'https://auth.a.test/ignored/path', routes: ['other.test'] })
    expect('sites' in single && single.sites[0]?.workerOrigin).toBe('https://auth.a.test')
    expect(deploymentSites({ SITES: '{' })).toEqual({ error: expect.objectContaining({ keys: ['SITES'] }) })
  })
})
