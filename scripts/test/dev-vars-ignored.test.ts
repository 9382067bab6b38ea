// `npm run dev` (and the browser tests) run on the stack's own bindings. An operator who copies
// .dev.vars.example to .dev.vars and fills in real values (COOKIE_DOMAIN for their domain, say) must
// not break the demo: wrangler lays .dev.vars over the stack's --var values unless told otherwise.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, startStack, type Stack } from '../stack'

describe('npm run dev with a .dev.vars beside wrangler.toml', () => {
  let dir: string
  let stack: Stack

  beforeAll(async () => {
    // wrangler reads .dev.vars beside the config: a copy of wrangler.toml in a fresh directory, with
    // its paths made absolute, and a .dev.vars holding what an operator would put there.
    dir = mkdtempSync(path.join(tmpdir(), 'dev-vars-'))
    const config = readFileSync(path.join(REPO_ROOT, 'wrangler.toml'), 'utf8')
      .replace(/^main = "src\/index.tsx"$/m, `main = ${JSON.stringify(path.join(REPO_ROOT, 'src/index.tsx'))}`)
      .replace(/^directory = "\.\/assets"$/m, `directory = ${JSON.stringify(path.join(REPO_ROOT, 'assets'))}`)
    expect(config).toContain(path.join(REPO_ROOT, 'src/index.tsx'))
    expect(config).toContain(path.join(REPO_ROOT, 'assets'))
    writeFileSync(path.join(dir, 'wrangler.toml'), config)
    writeFileSync(path.join(dir, '.dev.vars'), 'COOKIE_DOMAIN=.example.com\nSITE_URL=https://www.example.com\n')
    stack = await startStack({ config: path.join(dir, 'wrangler.toml'), secondSite: {} })
  }, 120_000)

  afterAll(async () => {
    await stack?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('serves both demo sites on the stack’s own settings, not the operator’s', async () => {
    const health = await fetch(`${stack.workerUrl}/healthz`)
    expect(health.status).toBe(200)
    for (const site of [stack.workerUrl, stack.siteB!.url]) {
      const page = await fetch(`${site}/account/forgot-password`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Send me a reset link')
      // No Domain attribute from the operator's COOKIE_DOMAIN on the CSRF cookie.
      expect(page.headers.getSetCookie().join('\n')).not.toMatch(/domain=/i)
    }
  })
})
