/**
 * How the ops commands read a deployment (scripts/ops/deployment.ts): `.dev.vars` parsing, the
 * wrangler environment's vars and custom-domain route, the process environment only for names the
 * Worker reads (a secret such as SUPABASE_PUBLISHABLE_KEY, never PATH), and each site's Worker origin.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deploymentSites, parseDevVars, readBindings } from '../ops/deployment'

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
