/**
 * `npm run supabase:configure` with SITES (scripts/ops/configure.ts), against three local stand-ins
 * behind one local Management API that routes each project ref to its stand-in (and can refuse a
 * PATCH on purpose). Every site is planned (config, ref, origin, its project read) before any is
 * changed; two sites on one project are refused before anything is read; a write failing part-way
 * stops the run and says which sites were already changed.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { localAuthControl } from '../../local-auth/client'
import { startLocalAuth, type LocalAuth } from '../../local-auth/index'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../../local-auth/management'
import { formatPlan, runConfigure } from '../ops/configure'
import { deploymentSites } from '../ops/deployment'
import { getAuthConfig } from '../ops/management-api'

const REF = { a: 'aaaaaaaaaaaaaaaaaaaa', b: 'bbbbbbbbbbbbbbbbbbbb', c: 'cccccccccccccccccccc' } as const
const UNKNOWN_REF = 'zzzzzzzzzzzzzzzzzzzz'
const KEY = 'sb_publishable_0000000000000000000000'

let projects: Record<string, LocalAuth>
let api: Server
let apiUrl: string
/** Requests the Management API saw, as `METHOD ref`. */
let seen: string[] = []
/** Refs whose PATCH the Management API refuses (500). */
let refusePatch = new Set<string>()

beforeAll(async () => {
  const [a, b, c] = await Promise.all([0, 1, 2].map(() => startLocalAuth({ siteUrl: 'https://www.example.test', passwordMinLength: 6 })))
  projects = { [REF.a]: a as LocalAuth, [REF.b]: b as LocalAuth, [REF.c]: c as LocalAuth }
  api = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const ref = /^\/v1\/projects\/([^/]+)\/config\/auth$/.exec(req.url ?? '')?.[1] ?? ''
      seen.push(`${req.method} ${ref}`)
      const project = projects[ref]
      if (!project) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Project not found"}')
      if (req.method === 'PATCH' && refusePatch.has(ref)) return void res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"message":"refused on purpose"}')
      const upstream = await fetch(`${project.url}/v1/projects/${LOCAL_PROJECT_REF}/config/auth`, {
        method: req.method ?? 'GET',
        headers: { Authorization: req.headers.authorization ?? '', 'Content-Type': 'application/json' },
        ...(req.method === 'PATCH' ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
      })
      res.writeHead(upstream.status, { 'Content-Type': 'application/json' }).end(await upstream.text())
    })
  })
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => api.close(resolve))
  await Promise.all(Object.values(projects).map((p) => p.stop()))
})
beforeEach(async () => {
  seen = []
  refusePatch = new Set()
  await Promise.all(Object.values(projects).map((p) => localAuthControl(p.url).reset()))
})

const site = (ref: string, host: string) => ({ [host]: { SUPABASE_URL: `https://${ref}.supabase.co`, SITE_URL: `https://www.${host.replace(/^auth\./, '')}` } })
const deploy = (sites: Record<string, unknown>) => deploymentSites({ SUPABASE_PUBLISHABLE_KEY: KEY, SITES: JSON.stringify(sites) })
const configure = (sites: Record<string, unknown>, apply: boolean, projectRef?: string) =>
  runConfigure(deploy(sites), { management: { baseUrl: apiUrl, token: LOCAL_ACCESS_TOKEN }, apply, ...(projectRef ? { projectRef } : {}) })
const config = async (ref: string) => {
  const result = await getAuthConfig({ baseUrl: apiUrl, token: LOCAL_ACCESS_TOKEN }, ref)
  if ('error' in result) throw new Error(result.error)
  return result.config
}
const patches = () => seen.filter((r) => r.startsWith('PATCH'))

describe('supabase:configure with SITES', () => {
  it('configures each site in its own project; a second run finds nothing to do', async () => {
    const sites = { ...site(REF.a, 'auth.brand-a.test'), ...site(REF.b, 'auth.brand-b.test') }
    const plan = await configure(sites, true)
    expect(plan.ok).toBe(true)
    expect(plan.sites.map((s) => [s.site, s.ref, s.applied])).toEqual([
      ['auth.brand-a.test', REF.a, true],
      ['auth.brand-b.test', REF.b, true],
    ])
    expect((await config(REF.a)).uri_allow_list).toBe('https://auth.brand-a.test/auth/confirm**')
    expect((await config(REF.b)).uri_allow_list).toBe('https://auth.brand-b.test/auth/confirm**')
    expect((await configure(sites, true)).sites.every((s) => s.changes.length === 0)).toBe(true)
  })

  it('refuses two sites on one project (same ref), naming the sites and the project, before reading or writing anything', async () => {
    const before = await config(REF.a)
    seen = []
    for (const apply of [false, true]) {
      const plan = await configure({ ...site(REF.a, 'auth.brand-a.test'), ...site(REF.a, 'auth.brand-b.test') }, apply)
      expect(plan.ok).toBe(false)
      expect(plan.message).toContain(`sites auth.brand-a.test and auth.brand-b.test resolve to the same Supabase project ${REF.a}`)
      expect(formatPlan(plan, apply)).toContain('refused, nothing read or changed')
    }
    expect(seen).toEqual([])
    expect(await config(REF.a)).toEqual(before)
  })

  it('refuses two sites that both fall back to SUPABASE_PROJECT_REF, saying why', async () => {
    const local = (host: string) => ({ [host]: { SUPABASE_URL: 'http://127.0.0.1:54321', SITE_URL: 'https://www.example.test' } })
    const plan = await configure({ ...local('auth.brand-a.test'), ...local('auth.brand-b.test') }, true, REF.a)
    expect(plan.ok).toBe(false)
    expect(plan.message).toContain(`resolve to the same Supabase project ${REF.a} (auth.brand-a.test, auth.brand-b.test: SUPABASE_URL is not https://<ref>.supabase.co, so the ref came from SUPABASE_PROJECT_REF)`)
    expect(seen).toEqual([])
  })

  it('plans every site before changing any: a later site whose project cannot be read leaves the earlier one unchanged', async () => {
    const before = await config(REF.a)
    const plan = await configure({ ...site(REF.a, 'auth.brand-a.test'), ...site(UNKNOWN_REF, 'auth.brand-z.test') }, true)
    expect(plan.ok).toBe(false)
    expect(patches()).toEqual([])
    expect(await config(REF.a)).toEqual(before)
    expect(plan.sites[0]).toMatchObject({ site: 'auth.brand-a.test', applied: false, held: 'another site failed (auth.brand-z.test)' })
    expect(plan.sites[0]?.changes.length).toBeGreaterThan(0)
    expect(plan.sites[1]?.error).toContain(`project ${UNKNOWN_REF} not found`)
    const text = formatPlan(plan, true)
    expect(text).toContain('  not applied: another site failed (auth.brand-z.test)')
    expect(text).toContain('nothing was changed: auth.brand-z.test could not be planned')
  })

  it('a write failing part-way stops the run and names the sites already changed and those not changed', async () => {
    refusePatch = new Set([REF.b])
    const sites = { ...site(REF.a, 'auth.brand-a.test'), ...site(REF.b, 'auth.brand-b.test'), ...site(REF.c, 'auth.brand-c.test') }
    const plan = await configure(sites, true)
    expect(plan.ok).toBe(false)
    expect(patches()).toEqual([`PATCH ${REF.a}`, `PATCH ${REF.b}`])
    expect(plan.sites.map((s) => [s.site, s.applied, s.error ?? s.held ?? null])).toEqual([
      ['auth.brand-a.test', true, null],
      ['auth.brand-b.test', false, 'Management API answered 500: refused on purpose'],
      ['auth.brand-c.test', false, 'not attempted: the run stopped at auth.brand-b.test'],
    ])
    expect(plan.message).toBe(
      `stopped at auth.brand-b.test (project ${REF.b}): its write failed, so it was not changed. ` +
        `Already changed: auth.brand-a.test (project ${REF.a}). Not changed: auth.brand-b.test (project ${REF.b}), auth.brand-c.test (project ${REF.c}). ` +
        'Fix the error and run again: sites already changed show as up to date',
    )
    expect((await config(REF.a)).uri_allow_list).toBe('https://auth.brand-a.test/auth/confirm**')
    expect((await config(REF.c)).uri_allow_list).toBe('')
    expect(formatPlan(plan, true)).toContain(`Already changed: auth.brand-a.test (project ${REF.a})`)
  })
})
