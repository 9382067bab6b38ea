/**
 * How the ops commands read a deployment (scripts/ops/deployment.ts): `.dev.vars` parsing, the
 * wrangler environment's vars and custom-domain route; `.dev.vars` only for the top level and
 * `.dev.vars.<env>` only for a named environment (local development values never stand in for
 * production's); the process environment only for names the Worker reads (a secret such as
 * SUPABASE_PUBLISHABLE_KEY, never PATH), winning over the files when set and non-empty; the
 * environment's own rate-limit and Analytics Engine bindings; and each site's Worker origin.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LOCALES } from '../../src/i18n/locales'
import { deploymentSites, parseDevVars, readBindings } from '../ops/deployment'
import { runDoctor, sessionKeyCheck } from '../ops/doctor'
import { translationsCheck } from '../ops/translations'

const dir = mkdtempSync(path.join(tmpdir(), 'ops-deployment-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('parseDevVars', () => {
  it('reads KEY=value lines as wrangler does: quotes, comments, blank lines, export', () => {
    expect(
      parseDevVars('# a comment\nA=1\n\nexport B = "two words"\nC=\'x=y\'\nD=plain # trailing\nnot a line\n'),
    ).toEqual({ A: '1', B: 'two words', C: 'x=y', D: 'plain' })
  })

  it('reads a quoted value over several lines, as wrangler dev does (a multi-line SITES)', () => {
    const sites = '{\n  "auth.a.test": { "APP_NAME": "A" },\n  "auth.b.test": {}\n}'
    expect(parseDevVars(`SITE_URL=https://x.test\nSITES='${sites}'\nAPP_NAME="one\\ntwo"\nLAST=1\n`)).toEqual({
      SITE_URL: 'https://x.test',
      SITES: sites,
      APP_NAME: 'one\ntwo',
      LAST: '1',
    })
  })
})

describe('readBindings', { timeout: 60_000 }, () => {
  const PRODUCTION_TOML =
    `name = "t"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n[vars]\nSITE_URL = "https://top.example.test"\nAPP_NAME = "Top"\n` +
    `[env.production]\nroutes = [{ pattern = "auth.example.test", custom_domain = true }, { pattern = "www.example.test/auth/*", zone_name = "example.test" }]\n` +
    `[env.production.vars]\nSITE_URL = "https://www.example.test"\nSUPABASE_URL = "https://abcdefghijklmnopqrst.supabase.co"\n`
  // Local development's .dev.vars: a dev project, an empty secret, a placeholder key. Never production's.
  const DEV_VARS = 'SUPABASE_URL=http://127.0.0.1:54321\nSUPABASE_SECRET_KEY=\nSUPABASE_PUBLISHABLE_KEY=sb_publishable_local_placeholder_00000\nAPP_NAME="From dev vars"\n'

  function fresh(name: string): string {
    const sub = path.join(dir, name)
    mkdirSync(sub, { recursive: true })
    writeFileSync(path.join(sub, 'wrangler.toml'), PRODUCTION_TOML)
    return path.join(sub, 'wrangler.toml')
  }

  it('a named environment never reads the plain .dev.vars; the process environment only for the Worker\'s names', async () => {
    const configPath = fresh('named')
    writeFileSync(path.join(path.dirname(configPath), '.dev.vars'), DEV_VARS)
    const { bindings, routes } = await readBindings({
      configPath,
      env: 'production',
      overlay: { SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_from_the_environment_000', PATH: '/bin' },
    })
    expect(bindings).toEqual({
      SITE_URL: 'https://www.example.test',
      SUPABASE_URL: 'https://abcdefghijklmnopqrst.supabase.co',
      SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_from_the_environment_000',
    })
    expect(routes).toEqual(['auth.example.test'])
    const parsed = deploymentSites(bindings, { routes })
    expect('sites' in parsed && parsed.sites.map((s) => [s.id, s.workerOrigin])).toEqual([['default', 'https://auth.example.test']])
  })

  it('a named environment reads .dev.vars.<env> over its vars; a set, non-empty process value wins over both; an empty one is ignored', async () => {
    const configPath = fresh('named-own-file')
    writeFileSync(path.join(path.dirname(configPath), '.dev.vars'), DEV_VARS)
    writeFileSync(path.join(path.dirname(configPath), '.dev.vars.production'), 'APP_NAME="Production"\nSITE_URL=https://from-file.example.test\nCOOKIE_DOMAIN=.example.test\n')
    const { bindings } = await readBindings({
      configPath,
      env: 'production',
      overlay: { SITE_URL: 'https://from-the-environment.example.test', COOKIE_DOMAIN: '', SUPABASE_URL: undefined },
    })
    expect(bindings).toEqual({
      SITE_URL: 'https://from-the-environment.example.test',
      SUPABASE_URL: 'https://abcdefghijklmnopqrst.supabase.co',
      APP_NAME: 'Production',
      COOKIE_DOMAIN: '.example.test',
    })
  })

  it('the top level reads .dev.vars (never .dev.vars.<env>), and SITES from the process environment brings its secret names', async () => {
    const configPath = fresh('top')
    writeFileSync(path.join(path.dirname(configPath), '.dev.vars'), 'APP_NAME="From dev vars"\n')
    writeFileSync(path.join(path.dirname(configPath), '.dev.vars.production'), 'APP_NAME="Production"\n')
    const sites = JSON.stringify({ 'auth.a.test': { SUPABASE_SECRET_KEY_BINDING: 'A_SECRET' } })
    const { bindings } = await readBindings({ configPath, overlay: { SITES: sites, A_SECRET: 'sb_secret_a', B_SECRET: 'sb_secret_b' } })
    expect(bindings).toEqual({ SITE_URL: 'https://top.example.test', APP_NAME: 'From dev vars', SITES: sites, A_SECRET: 'sb_secret_a' })
  })

  it("returns the environment's own rate-limit and Analytics Engine bindings, and the top level's (named environments inherit neither)", async () => {
    const sub = path.join(dir, 'bindings')
    mkdirSync(sub, { recursive: true })
    const configPath = path.join(sub, 'wrangler.toml')
    writeFileSync(
      configPath,
      `name = "t"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n` +
        `[[ratelimits]]\nname = "FORGOT_IP_LIMITER"\nnamespace_id = "4201"\nsimple = { limit = 10, period = 60 }\n` +
        `[[analytics_engine_datasets]]\nbinding = "AUTH_EVENTS"\ndataset = "auth_events"\n` +
        `[env.production]\n[env.staging]\n[[env.staging.ratelimits]]\nname = "CODE_IP_LIMITER"\nnamespace_id = "5204"\nsimple = { limit = 5, period = 10 }\n`,
    )
    const top = [{ name: 'FORGOT_IP_LIMITER', namespaceId: '4201', limit: 10, period: 60 }]
    const topEvents = [{ binding: 'AUTH_EVENTS', dataset: 'auth_events' }]
    expect((await readBindings({ configPath, env: 'production', devVars: false })).workerBindings).toEqual({
      env: 'production',
      ratelimits: [],
      analyticsEngine: [],
      topLevelRatelimits: top,
      topLevelAnalyticsEngine: topEvents,
    })
    expect((await readBindings({ configPath, env: 'staging', devVars: false })).workerBindings.ratelimits).toEqual([{ name: 'CODE_IP_LIMITER', namespaceId: '5204', limit: 5, period: 10 }])
    expect((await readBindings({ configPath, devVars: false })).workerBindings).toEqual({
      env: undefined,
      ratelimits: top,
      analyticsEngine: topEvents,
      topLevelRatelimits: top,
      topLevelAnalyticsEngine: topEvents,
    })
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
    // The Worker keeps the other sites up around a key that is no hostname; the tools refuse it by name.
    expect(deploymentSites({ ...common, SITES: JSON.stringify({ 'auth.a.test': { SITE_URL: 'https://a.test' }, 'auth.b.test:8443': {} }) })).toEqual({
      error: expect.objectContaining({ keys: ['SITES.auth.b.test:8443'] }),
    })
  })

  it('fails when two projects share a session cookie name and a COOKIE_DOMAIN carries one site’s cookie to the other, and only then', () => {
    const key = 'sb_publishable_0000000000000000000000'
    const sitesOf = (entries: Record<string, { url: string; domain?: string }>) => {
      const parsed = deploymentSites({
        SUPABASE_PUBLISHABLE_KEY: key,
        SITES: JSON.stringify(Object.fromEntries(Object.entries(entries).map(([host, { url, domain }]) => [host, { SUPABASE_URL: url, SITE_URL: 'https://www.brand.com', ...(domain ? { COOKIE_DOMAIN: domain } : {}) }]))),
      })
      if (!('sites' in parsed)) throw new Error('unreadable')
      return parsed.sites
    }
    const shared = sessionKeyCheck(sitesOf({ 'auth-a.brand.com': { url: 'https://api.brand-a.com', domain: '.brand.com' }, 'auth-b.brand.com': { url: 'https://api.brand-b.com' } }))
    expect(shared).toMatchObject({ id: 'session_key', status: 'fail' })
    expect(shared.detail).toContain('auth-a.brand.com (https://api.brand-a.com) and auth-b.brand.com (https://api.brand-b.com) both name their session cookie sb-api-auth-token')
    // Host-only cookies never meet; other first labels (hosted project refs) give other names; one project may share.
    expect(sessionKeyCheck(sitesOf({ 'auth-a.brand.com': { url: 'https://api.brand-a.com' }, 'auth-b.brand.com': { url: 'https://api.brand-b.com' } })).status).toBe('pass')
    expect(sessionKeyCheck(sitesOf({ 'auth-a.brand.com': { url: 'https://abcdefghijklmnopqrst.supabase.co', domain: '.brand.com' }, 'auth-b.brand.com': { url: 'https://bcdefghijklmnopqrstu.supabase.co', domain: '.brand.com' } })).status).toBe('pass')
    expect(sessionKeyCheck(sitesOf({ 'auth-a.brand.com': { url: 'https://api.brand-a.com', domain: '.brand.com' }, 'auth-b.brand.com': { url: 'https://api.brand-a.com', domain: '.brand.com' } })).status).toBe('pass')
  })

  it('the doctor lists that failure under "deployment", and nothing when there is none', async () => {
    const key = 'sb_publishable_0000000000000000000000'
    const run = (urls: [string, string], domain?: string) =>
      runDoctor(
        deploymentSites({ SUPABASE_PUBLISHABLE_KEY: key, SITE_URL: 'https://www.a.test', ...(domain ? { COOKIE_DOMAIN: domain } : {}), SITES: JSON.stringify({ 'auth.a.test': { SUPABASE_URL: urls[0] }, 'b.auth.a.test': { SUPABASE_URL: urls[1] } }) }),
        { timeoutMs: 500 },
      )
    // Two local projects on 127.0.0.1 and 127.0.0.2 (nothing listens): one cookie name, sb-127-auth-token.
    const clash = await run(['http://127.0.0.1:9', 'http://127.0.0.2:9'], '.a.test')
    expect(clash.sites[0]?.site).toBe('deployment')
    expect(clash.sites[0]?.checks.map((c) => [c.id, c.status])).toEqual([['session_key', 'fail']])
    expect(clash.ok).toBe(false)
    const hostOnly = await run(['http://127.0.0.1:9', 'http://127.0.0.2:9'])
    expect(hostOnly.sites.map((s) => s.site)).toEqual(['auth.a.test', 'b.auth.a.test'])
  })

  it('notes a top-level SUPABASE_SECRET_KEY beside SITES (the Worker ignores it), as a flag, never the value', () => {
    const common = { SUPABASE_URL: 'https://abcdefghijklmnopqrst.supabase.co', SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_0000000000000000000000' }
    const SITES = JSON.stringify({ 'auth.a.test': { SITE_URL: 'https://a.test' } })
    const withSecret = deploymentSites({ ...common, SITES, SUPABASE_SECRET_KEY: 'sb_secret_top' })
    expect(withSecret).toMatchObject({ kind: 'sites', ignoredTopLevelSecretKey: true })
    expect(JSON.stringify(withSecret)).not.toContain('sb_secret_top')
    expect(deploymentSites({ ...common, SITES })).toMatchObject({ kind: 'sites', ignoredTopLevelSecretKey: false })
    expect(deploymentSites({ ...common, SITE_URL: 'https://a.test', SUPABASE_SECRET_KEY: 'sb_secret_top' })).toMatchObject({ kind: 'single', ignoredTopLevelSecretKey: false })
  })
})
