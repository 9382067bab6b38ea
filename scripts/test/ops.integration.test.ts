/**
 * `npm run doctor` and `npm run supabase:configure` against the local stand-in's Management API
 * (local-auth/management.ts): a misconfigured project fails the doctor with the right fixes; configure
 * prints a diff, changes nothing without --apply, makes the project pass with it, and finds nothing to
 * do the second time; a bad token or an unreachable API gives a clear error and changes nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { localAuthControl } from '../../local-auth/client'
import { startLocalAuth, type LocalAuth } from '../../local-auth/index'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../../local-auth/management'
import { formatPlan, runConfigure } from '../ops/configure'
import { deploymentSites } from '../ops/deployment'
import { formatReport, runDoctor, type DoctorReport } from '../ops/doctor'
import { getAuthConfig, patchAuthConfig } from '../ops/management-api'

const WORKER_URL = 'https://auth.example.test'
let auth: LocalAuth
let legacy: LocalAuth

beforeAll(async () => {
  // The project as a new one is: Site URL the main site, no redirect URLs, Supabase's default minimum (6).
  auth = await startLocalAuth({ siteUrl: 'https://www.example.test', passwordMinLength: 6 })
  legacy = await startLocalAuth({ siteUrl: 'https://www.example.test', jwtAlgorithm: 'HS256' })
})
afterAll(async () => {
  await Promise.all([auth.stop(), legacy.stop()])
})
beforeEach(async () => {
  await localAuthControl(auth.url).reset()
})

const management = (token: string | undefined = LOCAL_ACCESS_TOKEN, baseUrl = auth.url) => ({ baseUrl, token })

function bindings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { SUPABASE_URL: auth.url, SUPABASE_PUBLISHABLE_KEY: auth.publishableKey, SITE_URL: 'https://www.example.test', ...extra }
}

const deployment = (extra: Record<string, unknown> = {}) => deploymentSites(bindings(extra), { workerUrl: WORKER_URL })

function doctor(extra: Record<string, unknown> = {}, token?: string, baseUrl?: string) {
  return runDoctor(deployment(extra), { management: management(token, baseUrl), projectRef: LOCAL_PROJECT_REF })
}

function failing(report: DoctorReport): Record<string, string | undefined> {
  return Object.fromEntries(report.sites.flatMap((s) => s.checks).filter((c) => c.status === 'fail').map((c) => [c.id, c.fix]))
}

const projectConfig = async () => {
  const result = await getAuthConfig(management() as { baseUrl: string; token: string }, LOCAL_PROJECT_REF)
  if ('error' in result) throw new Error(result.error)
  return result.config
}

describe('npm run doctor', () => {
  it('fails a misconfigured project, naming each problem with its fix', async () => {
    const report = await doctor()
    expect(report.ok).toBe(false)
    const fixes = failing(report)
    expect(Object.keys(fixes).sort()).toEqual(['password_min_length', 'redirect_urls', 'smtp', 'template_links', 'templates_match'])
    expect(fixes.redirect_urls).toContain(`add ${WORKER_URL}/auth/confirm** under Authentication → URL Configuration → Redirect URLs`)
    expect(fixes.password_min_length).toContain('set Minimum password length to 8')
    expect(fixes.smtp).toContain('SMTP')
    expect(fixes.templates_match).toContain('npm run supabase:configure -- --apply')
    const text = formatReport(report)
    expect(text).toContain('✓ Supabase Auth is reachable and healthy')
    expect(text).toContain('✓ JWT signing keys are asymmetric: ES256')
    expect(text).toContain('✗ Password minimum matches PASSWORD_MIN_LENGTH: project 6, Worker 8')
    expect(text).toContain('5 checks failed.')
  })

  it('flags a small email budget, and IP forwarding that does not match the secret key', async () => {
    await patchAuthConfig(management() as { baseUrl: string; token: string }, LOCAL_PROJECT_REF, { rate_limit_email_sent: 2 })
    const withSecret = failing(await doctor({ SUPABASE_SECRET_KEY: auth.secretKey }))
    expect(withSecret.email_budget).toContain('rate_limit_email_sent')
    expect(withSecret.ip_forwarding).toContain('turn on IP address forwarding')
    await patchAuthConfig(management() as { baseUrl: string; token: string }, LOCAL_PROJECT_REF, { security_sb_forwarded_for_enabled: true })
    expect(failing(await doctor({ SUPABASE_SECRET_KEY: auth.secretKey })).ip_forwarding).toBeUndefined()
    expect(failing(await doctor()).ip_forwarding).toContain('wrangler secret put SUPABASE_SECRET_KEY')
  })

  it('fails a project whose Email provider is off, which refuses every reset email', async () => {
    expect((await doctor()).sites[0]?.checks.find((c) => c.id === 'auth_health')).toMatchObject({ status: 'pass', detail: 'health 200, email sign-in on' })
    await patchAuthConfig(management() as { baseUrl: string; token: string }, LOCAL_PROJECT_REF, { external_email_enabled: false })
    expect((await doctor()).sites[0]?.checks.find((c) => c.id === 'auth_health')).toMatchObject({
      status: 'fail',
      detail: 'email sign-in is off',
      fix: 'turn on the Email provider under Authentication → Providers',
    })
  })

  it('fails a project signing with a legacy HS256 secret, an unreachable Supabase, and a bad config', async () => {
    const hs = await runDoctor(deploymentSites(bindings({ SUPABASE_URL: legacy.url, SUPABASE_PUBLISHABLE_KEY: legacy.publishableKey }), { workerUrl: WORKER_URL }))
    expect(failing(hs).jwt_keys).toContain('asymmetric signing keys')
    const down = await runDoctor(deployment({ SUPABASE_URL: 'http://127.0.0.1:1' }), { timeoutMs: 1000 })
    expect(failing(down).auth_health).toContain('check SUPABASE_URL (http://127.0.0.1:1)')
    // An unreachable JWKS says so: it is no evidence of a legacy HS256 secret.
    const jwt = down.sites[0]?.checks.find((c) => c.id === 'jwt_keys')
    expect(jwt).toMatchObject({ status: 'fail', detail: 'JWKS unreachable: http://127.0.0.1:1/auth/v1/.well-known/jwks.json: could not connect' })
    expect(JSON.stringify(jwt)).not.toMatch(/HS256|migrate/)
    const bad = await runDoctor(deploymentSites({ ...bindings(), SITES: JSON.stringify({ 'auth.a.test': { SITE_URL: 'nope' } }) }))
    expect(bad.ok).toBe(false)
    expect(bad.sites[0]?.checks[0]).toMatchObject({ id: 'config', status: 'fail', detail: expect.stringContaining('SITES.auth.a.test.SITE_URL') })
  })

  it('a single site\'s COOKIE_DOMAIN that misses its hostname fails, with a domain that covers it', async () => {
    const miss = await runDoctor(deployment({ COOKIE_DOMAIN: '.other-brand.test' }))
    expect(miss.sites[0]?.checks.find((c) => c.id === 'cookie_domain')).toMatchObject({ status: 'fail', fix: expect.stringContaining('set COOKIE_DOMAIN to .example.test') })
    const apex = await runDoctor(deploymentSites(bindings({ COOKIE_DOMAIN: '.other-brand.test' }), { workerUrl: 'https://example.test' }))
    expect(apex.sites[0]?.checks.find((c) => c.id === 'cookie_domain')?.fix).toContain('set COOKIE_DOMAIN to .example.test (covering')
    const ip = await runDoctor(deploymentSites(bindings({ COOKIE_DOMAIN: '.other-brand.test' }), { workerUrl: 'http://127.0.0.1:8787' }))
    expect(ip.sites[0]?.checks.find((c) => c.id === 'cookie_domain')?.fix).toBe('remove COOKIE_DOMAIN: on an IP address cookies are host-only')
    const covered = await runDoctor(deployment({ COOKIE_DOMAIN: '.example.test' }))
    expect(covered.sites[0]?.checks.find((c) => c.id === 'cookie_domain')).toMatchObject({ status: 'pass' })
  })

  it('says what each refused setting must be, and never its value', async () => {
    const report = await runDoctor(deployment({ PASSWORD_MIN_LENGTH: '5', SUPABASE_PUBLISHABLE_KEY: auth.secretKey }))
    const detail = report.sites[0]?.checks.find((c) => c.id === 'config')?.detail
    expect(detail).toContain('PASSWORD_MIN_LENGTH (a whole number from 6 to 72)')
    expect(detail).toContain('SUPABASE_PUBLISHABLE_KEY (the project\'s publishable key')
    expect(JSON.stringify(report)).not.toContain(auth.secretKey)
    const sites = await runDoctor(
      deploymentSites(bindings({ SITES: JSON.stringify({ 'auth.a.test': { ALLOWED_REDIRECT_ORIGIN: 'https://app.a.test' }, 'auth.b.test': { BRANDING: { acent: '#000' } } }) })),
    )
    const details = sites.sites.map((s) => s.checks.find((c) => c.id === 'config')?.detail)
    expect(details).toEqual([
      'invalid or missing: SITES.auth.a.test.ALLOWED_REDIRECT_ORIGIN (not a site setting; did you mean ALLOWED_REDIRECT_ORIGINS?)',
      'invalid or missing: SITES.auth.b.test.BRANDING.acent (not a BRANDING field; did you mean accent?)',
    ])
    const port = await runDoctor(deploymentSites(bindings({ SITES: JSON.stringify({ '127.0.0.1:8787': {} }) })))
    expect(port.sites[0]?.checks[0]?.detail).toContain('SITES.127.0.0.1:8787 (a SITES key is a bare hostname as browsers send it')
  })

  it('with SITES on different projects whose URLs do not tell their refs, SUPABASE_PROJECT_REF checks none of them', async () => {
    // Two sites on one such project share it (configure refuses that case itself); two projects cannot.
    const one = await runDoctor(deploymentSites(bindings({ SITES: JSON.stringify({ 'auth.a.test': {}, 'auth.b.test': {} }) })), { management: management(), projectRef: LOCAL_PROJECT_REF })
    expect(one.sites.map((s) => s.checks.find((c) => c.id === 'management_api'))).toMatchObject([{ status: 'pass' }, { status: 'pass' }])
    const two = await runDoctor(deploymentSites(bindings({ SITES: JSON.stringify({ 'auth.a.test': {}, 'auth.b.test': { SUPABASE_URL: legacy.url } }) })), {
      management: management(),
      projectRef: LOCAL_PROJECT_REF,
    })
    for (const site of two.sites) {
      expect(site.checks.find((c) => c.id === 'management_api')).toMatchObject({ status: 'fail', fix: expect.stringContaining('SUPABASE_PROJECT_REF names one project') })
    }
    // Without the ref, the advice is the same: setting it would not help.
    const unset = await runDoctor(deploymentSites(bindings({ SITES: JSON.stringify({ 'auth.a.test': {}, 'auth.b.test': { SUPABASE_URL: legacy.url } }) })), { management: management() })
    expect(unset.sites[0]?.checks.find((c) => c.id === 'management_api')?.fix).toContain('one site each and its SUPABASE_PROJECT_REF')
  })

  it('skips the project checks without SUPABASE_ACCESS_TOKEN (not a failure), and says how to enable them', async () => {
    const report = await doctor({}, '')
    const check = report.sites[0]?.checks.find((c) => c.id === 'management_api')
    expect(check).toMatchObject({ status: 'skip', fix: expect.stringContaining('SUPABASE_ACCESS_TOKEN') })
    expect(report.ok).toBe(true)
  })

  it('lists and counts every skipped check, says so in the summary, and --strict fails the run on them', async () => {
    const lenient = await doctor({}, '')
    const skipped = lenient.sites[0]?.checks.filter((c) => c.status === 'skip').map((c) => c.id)
    expect(skipped).toEqual(['management_api', 'redirect_urls', 'template_links', 'templates_match', 'smtp', 'email_budget', 'password_min_length', 'ip_forwarding', 'captcha'])
    expect(lenient).toMatchObject({ ok: true, strict: false, counts: { failed: 0, skipped: 9 } })
    expect(formatReport(lenient)).toMatch(/\nNo check failed, but 9 checks were skipped \(not run\): this is not a full pass \(--strict makes skipped checks fail the run\)\.$/)
    expect(formatReport(lenient)).not.toContain('All checks passed')
    const strict = await runDoctor(deployment(), { management: management(''), projectRef: LOCAL_PROJECT_REF, strict: true })
    expect(strict).toMatchObject({ ok: false, strict: true, counts: { failed: 0, skipped: 9 } })
    expect(formatReport(strict)).toContain('9 checks were skipped (not run), which fails the run with --strict.')
  })

  it('with SITES: the secret-key advice names SUPABASE_SECRET_KEY_BINDING, and a top-level SUPABASE_SECRET_KEY is warned about as ignored', async () => {
    await patchAuthConfig(management() as { baseUrl: string; token: string }, LOCAL_PROJECT_REF, { security_sb_forwarded_for_enabled: true })
    const SITES = JSON.stringify({ 'auth.brand-a.test': { SITE_URL: 'https://www.brand-a.test' } })
    const sites = (extra: Record<string, unknown>) => runDoctor(deploymentSites(bindings({ SITES, ...extra })), { management: management(), projectRef: LOCAL_PROJECT_REF })
    const withTopLevel = await sites({ SUPABASE_SECRET_KEY: auth.secretKey })
    expect(withTopLevel.sites[0]).toMatchObject({ site: 'deployment', checks: [{ id: 'secret_key_ignored', status: 'warn' }] })
    expect(withTopLevel.sites[0]?.checks[0]?.fix).toContain('SUPABASE_SECRET_KEY_BINDING')
    const fix = failing(withTopLevel).ip_forwarding
    expect(fix).toContain('add "SUPABASE_SECRET_KEY_BINDING": "SUPABASE_SECRET_KEY_AUTH_BRAND_A_TEST" to the SITES entry for auth.brand-a.test')
    expect(fix).toContain('npx wrangler secret put SUPABASE_SECRET_KEY_AUTH_BRAND_A_TEST')
    expect(fix).not.toContain('wrangler secret put SUPABASE_SECRET_KEY ')
    expect(JSON.stringify(withTopLevel)).not.toContain(auth.secretKey)
    // Without the top-level key: no warning, the same advice; with the site's own binding: forwarding matches.
    const without = await sites({})
    expect(without.sites[0]?.site).toBe('auth.brand-a.test')
    expect(failing(without).ip_forwarding).toContain('SUPABASE_SECRET_KEY_BINDING')
    const own = await sites({ SITES: JSON.stringify({ 'auth.brand-a.test': { SITE_URL: 'https://www.brand-a.test', SUPABASE_SECRET_KEY_BINDING: 'A_KEY' } }), A_KEY: auth.secretKey })
    expect(failing(own).ip_forwarding).toBeUndefined()
  })

  it('a bad token or an unreachable Management API fails with a clear error', async () => {
    const badToken = await doctor({}, 'sbp_not_a_real_token')
    expect(badToken.ok).toBe(false)
    const check = badToken.sites[0]?.checks.find((c) => c.id === 'management_api')
    expect(check?.detail).toContain('refused the access token (401)')
    expect(JSON.stringify(badToken)).not.toContain('sbp_not_a_real_token')
    const unreachable = await doctor({}, LOCAL_ACCESS_TOKEN, 'http://127.0.0.1:1')
    expect(unreachable.sites[0]?.checks.find((c) => c.id === 'management_api')?.detail).toContain('unreachable')
  })
})

describe('npm run supabase:configure', () => {
  const configure = (apply: boolean, token = LOCAL_ACCESS_TOKEN, baseUrl = auth.url) =>
    runConfigure(deployment(), { management: { baseUrl, token }, projectRef: LOCAL_PROJECT_REF, apply })

  it('prints the changes as a diff and changes nothing without --apply', async () => {
    const before = await projectConfig()
    const plan = await configure(false)
    expect(plan.ok).toBe(true)
    expect(plan.sites[0]?.changes.map((c) => c.field).sort()).toEqual(
      [
        'password_min_length',
        'uri_allow_list',
        ...['confirmation', 'email_change', 'invite', 'magic_link', 'recovery'].map((n) => `mailer_templates_${n}_content`),
        // The invite's heading is Supabase's default subject already ("You have been invited").
        ...['confirmation', 'email_change', 'magic_link', 'recovery'].map((n) => `mailer_subjects_${n}`),
      ].sort(),
    )
    const diff = formatPlan(plan, false)
    expect(diff).toContain('~ password_min_length: 6 → 8')
    expect(diff).toContain(`~ uri_allow_list: "" → "${WORKER_URL}/auth/confirm**"`)
    expect(diff).toContain('~ mailer_subjects_recovery: "Reset Your Password" → "Reset your password"')
    expect(diff).toContain(`      + <p><a href="${WORKER_URL}/auth/confirm?token_hash={{ .TokenHash }}&type=recovery&next=/account/update-password">Reset my password</a></p>`)
    expect(diff).toContain('not applied (run again with --apply)')
    expect(await projectConfig()).toEqual(before)
  })

  it('--apply makes the doctor pass (but for SMTP, which it never sets), and a second run changes nothing', async () => {
    const applied = await configure(true)
    expect(applied.sites[0]).toMatchObject({ applied: true })
    expect(Object.keys(failing(await doctor()))).toEqual(['smtp'])
    const again = await configure(true)
    expect(again.sites[0]).toMatchObject({ changes: [], applied: false })
    expect(formatPlan(again, true)).toContain('up to date: nothing to change')
    // The operator sets SMTP; now everything passes.
    await patchAuthConfig(management() as { baseUrl: string; token: string }, LOCAL_PROJECT_REF, { smtp_host: 'smtp.example.test' })
    const report = await doctor()
    expect(formatReport(report)).toContain('All checks passed.')
    expect(report.ok).toBe(true)
  })

  it('--emails recovery: only the reset email is set and checked; the project keeps its own signup, magic-link, invite and email-change emails', async () => {
    const before = await projectConfig()
    const plan = await runConfigure(deployment(), { management: management() as { baseUrl: string; token: string }, projectRef: LOCAL_PROJECT_REF, apply: true, emails: ['recovery'] })
    const fields = plan.sites[0]?.changes.map((c) => c.field) ?? []
    expect(fields.filter((f) => f.startsWith('mailer_')).sort()).toEqual(['mailer_subjects_recovery', 'mailer_templates_recovery_content'])
    const after = await projectConfig()
    for (const name of ['confirmation', 'magic_link', 'invite', 'email_change']) {
      expect(after[`mailer_templates_${name}_content`], name).toEqual(before[`mailer_templates_${name}_content`])
    }
    const options = { management: management(), projectRef: LOCAL_PROJECT_REF }
    expect(failing(await runDoctor(deployment(), { ...options, emails: ['recovery'] }))).toEqual({ smtp: expect.any(String) })
    // Without --emails the doctor still holds the project to all five.
    expect(Object.keys(failing(await runDoctor(deployment(), options))).sort()).toEqual(['smtp', 'template_links', 'templates_match'])
  })

  it('never lowers a stricter project minimum: the doctor says to raise PASSWORD_MIN_LENGTH instead', async () => {
    await patchAuthConfig(management() as { baseUrl: string; token: string }, LOCAL_PROJECT_REF, { password_min_length: 12 })
    const plan = await configure(true)
    expect(plan.sites[0]?.changes.map((c) => c.field)).not.toContain('password_min_length')
    expect((await projectConfig()).password_min_length).toBe(12)
    expect(failing(await doctor()).password_min_length).toContain('set PASSWORD_MIN_LENGTH to 12')
  })

  it('adds this Worker to the redirect URLs and never removes one', async () => {
    await patchAuthConfig(management() as { baseUrl: string; token: string }, LOCAL_PROJECT_REF, { uri_allow_list: 'https://app.example.test/**' })
    await configure(true)
    expect((await projectConfig()).uri_allow_list).toBe(`https://app.example.test/**,${WORKER_URL}/auth/confirm**`)
  })

  it('keeps {{ .SiteURL }} in the templates when Site URL already is this Worker', async () => {
    await patchAuthConfig(management() as { baseUrl: string; token: string }, LOCAL_PROJECT_REF, { site_url: WORKER_URL })
    const plan = await configure(true)
    expect(plan.sites[0]?.changes.map((c) => c.field)).not.toContain('uri_allow_list')
    expect((await projectConfig()).mailer_templates_recovery_content).toContain('{{ .SiteURL }}/auth/confirm?token_hash={{ .TokenHash }}')
    expect(failing(await doctor())).toEqual({ smtp: expect.any(String) })
  })

  it('a bad token or an unreachable API: a clear error, nothing changed', async () => {
    const before = await projectConfig()
    const badToken = await configure(true, 'sbp_not_a_real_token')
    expect(badToken.ok).toBe(false)
    expect(badToken.sites[0]?.error).toContain('refused the access token (401): check SUPABASE_ACCESS_TOKEN')
    const unreachable = await configure(true, LOCAL_ACCESS_TOKEN, 'http://127.0.0.1:1')
    expect(unreachable.sites[0]?.error).toBe('Management API at http://127.0.0.1:1 unreachable (could not connect)')
    expect(formatPlan(unreachable, true)).toContain('error: Management API at http://127.0.0.1:1 unreachable')
    expect(await projectConfig()).toEqual(before)
  })
})
