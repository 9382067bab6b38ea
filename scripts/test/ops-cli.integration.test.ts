/**
 * The two commands as an operator runs them: `tsx scripts/doctor.ts` and `tsx scripts/supabase-configure.ts`
 * with `--config`/`--env` naming a wrangler environment (vars and a custom-domain route from the file, the
 * publishable key from the process environment, as a Worker secret would be), against the stand-in.
 * Exit statuses: doctor 0 only when all pass; configure 0 when every site was read (and written).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalAuth, type LocalAuth } from '../../local-auth/index'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../../local-auth/management'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let auth: LocalAuth
let dir: string

beforeAll(async () => {
  auth = await startLocalAuth({ siteUrl: 'https://www.example.test', passwordMinLength: 10 })
  dir = mkdtempSync(path.join(tmpdir(), 'ops-cli-'))
  writeFileSync(
    path.join(dir, 'wrangler.toml'),
    `name = "ops-cli-test"
main = "index.js"
compatibility_date = "2026-11-01"

[env.production]
routes = [{ pattern = "auth.example.test", custom_domain = true }]
[env.production.vars]
SUPABASE_URL = "${auth.url}"
SITE_URL = "https://www.example.test"
PASSWORD_MIN_LENGTH = "8"
`,
  )
})
afterAll(async () => {
  await auth.stop()
  rmSync(dir, { recursive: true, force: true })
})

function run(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      [path.join(ROOT, 'scripts', script), '--config', path.join(dir, 'wrangler.toml'), '--env', 'production', ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? dir,
          SUPABASE_PUBLISHABLE_KEY: auth.publishableKey,
          SUPABASE_MANAGEMENT_API_URL: auth.url,
          SUPABASE_PROJECT_REF: LOCAL_PROJECT_REF,
          SUPABASE_ACCESS_TOKEN: LOCAL_ACCESS_TOKEN,
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

// Each command loads wrangler's config reader (about 3–5 s on a loaded 2-core machine).
describe('the commands', { timeout: 120_000 }, () => {
  it('doctor --json fails, configure --apply fixes what it can, a second configure is a no-op', async () => {
    const before = await run('doctor.ts', ['--json'])
    expect(before.code).toBe(1)
    const report = JSON.parse(before.stdout) as { ok: boolean; sites: { site: string; checks: { id: string; status: string }[] }[] }
    expect(report.ok).toBe(false)
    expect(report.sites[0]?.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
      'translations', // this config has no [assets] block, and the site offers every language
      'redirect_urls',
      'template_links',
      'templates_match',
      'smtp',
      'password_min_length',
    ])

    const dryRun = await run('supabase-configure.ts', [])
    expect(dryRun.code).toBe(0)
    expect(dryRun.stdout).toContain('~ uri_allow_list: "" → "https://auth.example.test/auth/confirm**"')
    expect(dryRun.stdout).toContain('not applied (run again with --apply)')

    const applied = await run('supabase-configure.ts', ['--apply'])
    expect(applied.code).toBe(0)
    expect(applied.stdout).toContain('applied 11 change(s)')
    const again = await run('supabase-configure.ts', ['--apply'])
    expect(again.stdout).toContain('up to date: nothing to change')

    const after = await run('doctor.ts', [])
    expect(after.code).toBe(1)
    expect(after.stdout).toContain('✗ Custom SMTP is set')
    expect(after.stdout).toContain('✗ Pages reach their translations: no [assets] block with binding "ASSETS"')
    expect(after.stdout).toContain('2 checks failed.')
  })

  it('a bad token: a clear message and a failing status; no token: configure refuses to start', async () => {
    const bad = await run('supabase-configure.ts', ['--apply'], { SUPABASE_ACCESS_TOKEN: 'sbp_bad' })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain('Management API refused the access token (401)')
    expect(bad.stdout + bad.stderr).not.toContain('sbp_bad')
    const none = await run('supabase-configure.ts', [], { SUPABASE_ACCESS_TOKEN: '' })
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('set SUPABASE_ACCESS_TOKEN')
  })
})
