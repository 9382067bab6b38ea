/**
 * The two commands as an operator runs them: `tsx scripts/doctor.ts` and `tsx scripts/supabase-configure.ts`
 * with `--config`/`--env` naming a wrangler environment (vars and a custom-domain route from the file, the
 * publishable key from the process environment, as a Worker secret would be), against the stand-in.
 * Exit statuses: doctor 0 when nothing failed (1 with --strict if a check was skipped); configure 0 when
 * every site was read (and written), 1 when it refuses. The plain `.dev.vars` (local development values)
 * never reaches `--env production`; limiters the top level binds but production does not fail the doctor.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalAuth, type LocalAuth } from '../../local-auth/index'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../../local-auth/management'
import { LIMITER_NAMES } from '../../src/config'
import type { DoctorReport } from '../ops/doctor'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
let auth: LocalAuth
let dir: string

beforeAll(async () => {
  auth = await startLocalAuth({ siteUrl: 'https://www.example.test', passwordMinLength: 6 })
  dir = mkdtempSync(path.join(tmpdir(), 'ops-cli-'))
  writeFileSync(
    path.join(dir, 'wrangler.toml'),
    `name = "ops-cli-test"
main = "index.js"
compatibility_date = "2026-11-01"
${LIMITER_NAMES.map((name, i) => `[[ratelimits]]\nname = "${name}"\nnamespace_id = "${4201 + i}"\nsimple = { limit = 10, period = 60 }\n`).join('')}
[[analytics_engine_datasets]]
binding = "AUTH_EVENTS"
dataset = "auth_events"

# Everything the doctor can check without a token passes here: only the Management API checks are skipped.
[env.clean]
routes = [{ pattern = "auth.example.test", custom_domain = true }]
${LIMITER_NAMES.map((name, i) => `[[env.clean.ratelimits]]\nname = "${name}"\nnamespace_id = "${5201 + i}"\nsimple = { limit = 10, period = 60 }\n`).join('')}
[[env.clean.analytics_engine_datasets]]
binding = "AUTH_EVENTS"
dataset = "auth_events"
[env.clean.vars]
SUPABASE_URL = "${auth.url}"
SITE_URL = "https://www.example.test"
LOCALES = "en"

# Two sites on one project: both fall back to SUPABASE_PROJECT_REF.
[env.shared.vars]
SUPABASE_URL = "${auth.url}"
SITES = '{"auth.brand-a.test": {"SITE_URL": "https://www.brand-a.test"}, "auth.brand-b.test": {"SITE_URL": "https://www.brand-b.test"}}'

# A site naming the Worker secret that holds its key: the operator's own name, never a misspelt setting.
[env.named.vars]
SUPABASE_URL = "${auth.url}"
SITES = '{"auth.brand-a.test": {"SITE_URL": "https://www.brand-a.test", "SUPABASE_SECRET_KEY_BINDING": "SUPABASE_SECRET_KEYS"}}'

# Two slips the Worker itself cannot see: a misspelt setting (ignored) and a cookie domain that does not
# cover the route (browsers drop every session cookie).
[env.slips]
routes = [{ pattern = "auth.example.test", custom_domain = true }]
[env.slips.vars]
SUPABASE_URL = "${auth.url}"
SITE_URL = "https://www.example.test"
ALLOWED_REDIRECT_ORIGIN = "https://app.example.test"
COOKIE_DOMAIN = ".other-brand.test"

[env.production]
routes = [{ pattern = "auth.example.test", custom_domain = true }]
[env.production.vars]
SUPABASE_URL = "${auth.url}"
SITE_URL = "https://www.example.test"
PASSWORD_MIN_LENGTH = "8"
`,
  )
  // Local development's values: the doctor and configure for --env production must never read them.
  writeFileSync(path.join(dir, '.dev.vars'), 'SUPABASE_URL=http://127.0.0.1:1\nPASSWORD_MIN_LENGTH=12\nSUPABASE_PUBLISHABLE_KEY=\n')
})
afterAll(async () => {
  await auth.stop()
  rmSync(dir, { recursive: true, force: true })
})

function run(script: string, args: string[], env: Record<string, string> = {}, wranglerEnv = 'production'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      [path.join(ROOT, 'scripts', script), '--config', path.join(dir, 'wrangler.toml'), '--env', wranglerEnv, ...args],
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
    const report = JSON.parse(before.stdout) as { ok: boolean; sites: { site: string; checks: { id: string; status: string; detail?: string }[] }[] }
    expect(report.ok).toBe(false)
    // [env.production] repeats neither [[ratelimits]] nor [[analytics_engine_datasets]]: wrangler inherits neither.
    expect(report.sites[0]?.site).toBe('deployment')
    expect(report.sites[0]?.checks.map((c) => [c.id, c.status])).toEqual([
      ['rate_limits', 'fail'],
      ['auth_events', 'warn'],
    ])
    expect(report.sites[0]?.checks[0]?.detail).toContain(`not bound in [env.production]: ${LIMITER_NAMES.join(', ')}`)
    // Supabase reached at production's SUPABASE_URL, not .dev.vars' (which would fail auth_health and the key).
    expect(report.sites[1]?.checks.find((c) => c.id === 'auth_health')?.status).toBe('pass')
    expect(report.sites[1]?.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
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
    expect(applied.stdout).not.toContain('→ 12') // .dev.vars' PASSWORD_MIN_LENGTH, never read for --env production
    const again = await run('supabase-configure.ts', ['--apply'])
    expect(again.stdout).toContain('up to date: nothing to change')

    const after = await run('doctor.ts', [])
    expect(after.code).toBe(1)
    expect(after.stdout).toContain('✗ Custom SMTP is set')
    expect(after.stdout).toContain('✗ Pages reach their translations: no [assets] block with binding "ASSETS"')
    expect(after.stdout).toContain('✗ Edge rate limits are bound in [env.production]')
    expect(after.stdout).toContain('[[env.production.ratelimits]]')
    expect(after.stdout).toContain('! Auth events are bound (AUTH_EVENTS) in [env.production]')
    expect(after.stdout).toContain('3 checks failed. 1 warning (!), which does not fail the run.')
  })

  it('--strict: skipped checks (no SUPABASE_ACCESS_TOKEN) are counted, and fail the run only with --strict', async () => {
    const lenient = await run('doctor.ts', ['--json'], { SUPABASE_ACCESS_TOKEN: '' }, 'clean')
    expect(JSON.parse(lenient.stdout)).toMatchObject({ ok: true, strict: false, counts: { failed: 0, warned: 0, skipped: 9 } })
    expect(lenient.code).toBe(0)
    const strict = await run('doctor.ts', ['--strict'], { SUPABASE_ACCESS_TOKEN: '' }, 'clean')
    expect(strict.stdout).toContain('9 checks were skipped (not run), which fails the run with --strict.')
    expect(strict.code).toBe(1)
  })

  it('doctor: a misspelt setting is a warning naming the one meant; a cookie domain that misses the route fails', async () => {
    const { stdout, code } = await run('doctor.ts', ['--json'], { SUPABASE_ACCESS_TOKEN: '' }, 'slips')
    const checks = (JSON.parse(stdout) as DoctorReport).sites.flatMap((site) => site.checks)
    expect(checks.find((check) => check.id === 'misspelt_binding')).toMatchObject({
      status: 'warn',
      detail: 'ALLOWED_REDIRECT_ORIGIN is not read by the Worker; did you mean ALLOWED_REDIRECT_ORIGINS?',
    })
    expect(checks.find((check) => check.id === 'cookie_domain')).toMatchObject({ status: 'fail', detail: expect.stringContaining('.other-brand.test does not cover auth.example.test') })
    expect(code).toBe(1)
  })

  it('doctor: the secret a SITES entry names is not taken for a misspelt setting, however close its name', async () => {
    const { stdout } = await run('doctor.ts', ['--json'], { SUPABASE_ACCESS_TOKEN: '', SUPABASE_SECRET_KEYS: auth.secretKey }, 'named')
    const report = JSON.parse(stdout) as DoctorReport
    expect(report.sites.flatMap((site) => site.checks).find((check) => check.id === 'config')).toMatchObject({ status: 'pass' })
    expect(report.sites.flatMap((site) => site.checks).map((check) => check.id)).not.toContain('misspelt_binding')
    expect(stdout).not.toContain(auth.secretKey)
  })

  it('--help prints the flags and does nothing else; a bad --emails list is refused by name (exit 2)', async () => {
    const help = await run('doctor.ts', ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('--emails <list>')
    expect(help.stdout).not.toContain('✓')
    const configureHelp = await run('supabase-configure.ts', ['--help'], { SUPABASE_ACCESS_TOKEN: '' })
    expect(configureHelp.code).toBe(0)
    expect(configureHelp.stdout).toContain('--apply')
    const bad = await run('doctor.ts', ['--emails', 'recovery,signup'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('not one of them: signup')
  })

  it('configure refuses two SITES on one project before reading or changing anything (exit 1)', async () => {
    const shared = await run('supabase-configure.ts', ['--apply'], {}, 'shared')
    expect(shared.code).toBe(1)
    expect(shared.stdout).toContain(`sites auth.brand-a.test and auth.brand-b.test resolve to the same Supabase project ${LOCAL_PROJECT_REF}`)
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
