/**
 * The production example at the end of wrangler.toml, uncommented as the README says, gives the named
 * environment every binding the Worker needs: wrangler does not carry [[ratelimits]] or
 * [[analytics_engine_datasets]] into named environments, so a missing repeat would deploy without limits.
 * Read with wrangler's own config reader, as `wrangler deploy --env production` reads it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LIMITER_NAMES } from '../../src/config'

const ROOT = path.resolve(__dirname, '../..')
const dir = mkdtempSync(path.join(os.tmpdir(), 'wrangler-example-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** wrangler.toml with its production example uncommented, paths made absolute. */
function uncommented(): string {
  const text = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8')
  const start = text.indexOf('# [env.production]')
  expect(start, 'wrangler.toml has a commented [env.production] example').toBeGreaterThan(0)
  const example = text
    .slice(start)
    .split('\n')
    .map((line) => line.replace(/^# ?/, ''))
    .join('\n')
  return (text.slice(0, start) + example)
    .replace('main = "src/index.tsx"', `main = ${JSON.stringify(path.join(ROOT, 'src/index.tsx'))}`)
    .replace('directory = "./assets"', `directory = ${JSON.stringify(path.join(ROOT, 'assets'))}`)
}

/** The uncommented config as `wrangler deploy` reads it: the top level, and the production environment. */
async function readExample() {
  const file = path.join(dir, 'wrangler.toml')
  writeFileSync(file, uncommented())
  const { unstable_readConfig } = await import('wrangler')
  return { top: unstable_readConfig({ config: file }), production: unstable_readConfig({ config: file, env: 'production' }) }
}

describe('the production example in wrangler.toml', () => {
  it('binds every edge limiter with the top-level limits, unique namespace ids, and the events dataset', async () => {
    const { top, production } = await readExample()
    const limits = (config: typeof top) => Object.fromEntries(config.ratelimits.map((r: { name: string; simple: unknown }) => [r.name, r.simple]))
    expect(Object.keys(limits(production)).sort()).toEqual([...LIMITER_NAMES].sort())
    expect(limits(production)).toEqual(limits(top))
    const ids = [...top.ratelimits, ...production.ratelimits].map((r) => r.namespace_id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(production.analytics_engine_datasets.map((d: { binding: string }) => d.binding)).toEqual(['AUTH_EVENTS'])
    expect(production.routes?.length).toBeGreaterThan(0)
  })

  it('repeats every top-level var (named environments inherit none), and keeps our log lines in Workers Logs but not the URLs', async () => {
    const { top, production } = await readExample()
    expect(Object.keys(top.vars).filter((name) => !(name in production.vars))).toEqual([])
    // Without it, the JSON lines (README "Logs") exist only while someone runs `wrangler tail`.
    expect(top.observability?.enabled).toBe(true)
    expect(production.observability?.enabled).toBe(true)
    // Invocation logs record each request's URL, and an emailed link's URL carries its token.
    expect(top.observability?.logs?.invocation_logs).toBe(false)
    expect(production.observability?.logs?.invocation_logs).toBe(false)
  })
})
