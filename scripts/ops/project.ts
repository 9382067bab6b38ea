/**
 * Pure decisions about a Supabase project's auth config (Management API field names) against this
 * deployment's site: what it should be (`desiredChanges`, for `npm run supabase:configure`) and whether
 * it is right (`projectChecks`, for `npm run doctor`). No I/O: the live config and the template files
 * come in as values. Field names from Supabase's OpenAPI document (`UpdateAuthConfigBody`), see
 * local-auth/management.ts. Redirect rules are GoTrue's, shared with the stand-in (local-auth/redirect.ts).
 * Trade-off: configure never changes `site_url` (other apps of the project may depend on it); when it is
 * not this Worker's origin, the templates get this Worker's origin in place of `{{ .SiteURL }}` instead.
 */
import { isRedirectAllowed } from '../../local-auth/redirect'
import type { Config } from '../../src/config'
import { UPDATE_PASSWORD_PATH } from '../../src/constants'

/** A template file of templates/, under its Management API name (`recovery` → mailer_templates_recovery_content). */
export interface TemplateFile {
  readonly name: 'confirmation' | 'recovery' | 'magic_link' | 'invite' | 'email_change'
  readonly file: string
  readonly content: string
}

/** Management API name → file in templates/ (README "Supabase dashboard settings"). */
export const TEMPLATE_FILES: Readonly<Record<TemplateFile['name'], string>> = {
  confirmation: 'confirmation.html',
  recovery: 'recovery.html',
  magic_link: 'magic_link.html',
  invite: 'invite.html',
  email_change: 'email_change.html',
}

/** The project's auth config as the Management API returns it (the fields we read). */
export type AuthConfig = Readonly<Record<string, unknown>>

/** One site of this deployment, as the project sees it. */
export interface SiteTarget {
  /** The site's parsed configuration. */
  readonly config: Config
  /** The origin this Worker answers on for the site (`https://auth.example.com`). */
  readonly workerOrigin: string
  /**
   * The deployment uses SITES: the Worker then ignores a top-level SUPABASE_SECRET_KEY, and each site
   * names the Worker secret holding its key with SUPABASE_SECRET_KEY_BINDING (src/sites.ts).
   */
  readonly multiSite?: boolean
}

/** Supabase's default hourly email budget once custom SMTP is set; fewer means resets will be refused. */
export const MIN_EMAIL_BUDGET_PER_HOUR = 30

/** The redirect URL the forgot-password form sends (`redirectTo`), which the project must allow. */
export function confirmRedirect(workerOrigin: string): string {
  return `${workerOrigin}/auth/confirm?next=${UPDATE_PASSWORD_PATH}`
}

/** A template's subject: the text of its first `<h2>` (templates/ keep subject and heading as one). */
export function subjectOf(content: string): string {
  const heading = /<h2[^>]*>([\s\S]*?)<\/h2>/i.exec(content)?.[1] ?? ''
  return heading.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()
}

function originOf(url: unknown): string | undefined {
  return typeof url === 'string' && URL.canParse(url) ? new URL(url).origin : undefined
}

/** The template content this site needs: the file, with this Worker's origin for `{{ .SiteURL }}` unless Site URL is it. */
export function desiredTemplate(file: TemplateFile, siteUrl: unknown, workerOrigin: string): string {
  if (originOf(siteUrl) === workerOrigin) return file.content
  return file.content.replace(/\{\{\s*\.SiteURL\s*\}\}/g, workerOrigin)
}

function allowList(config: AuthConfig): string[] {
  const raw = config.uri_allow_list
  return typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : []
}

/** One field the project should change, with its value now and after. */
export interface FieldChange {
  readonly field: string
  readonly from: unknown
  readonly to: unknown
}

/**
 * The Management API changes that make the project match this site: redirect allow-list entry added
 * (never removed), templates and subjects from templates/, password minimum. Empty when it matches.
 */
export function desiredChanges(current: AuthConfig, target: SiteTarget, templates: readonly TemplateFile[]): FieldChange[] {
  const changes: FieldChange[] = []
  const set = (field: string, to: unknown) => {
    if (current[field] !== to) changes.push({ field, from: current[field] ?? null, to })
  }
  const siteUrl = current.site_url
  const redirect = confirmRedirect(target.workerOrigin)
  const entries = allowList(current)
  if (!isRedirectAllowed(redirect, String(siteUrl ?? ''), entries)) {
    set('uri_allow_list', [...entries, `${target.workerOrigin}/auth/confirm**`].join(','))
  }
  for (const file of templates) {
    set(`mailer_templates_${file.name}_content`, desiredTemplate(file, siteUrl, target.workerOrigin))
    set(`mailer_subjects_${file.name}`, subjectOf(file.content))
  }
  // Raised to the Worker's minimum, never lowered: a project stricter than PASSWORD_MIN_LENGTH keeps its
  // own rule for every other way in (signup, the app's own forms); the doctor says to raise ours instead.
  const minimum = current.password_min_length
  if (typeof minimum !== 'number' || minimum < target.config.passwordMinLength) set('password_min_length', target.config.passwordMinLength)
  return changes
}

/**
 * One line of the doctor's checklist. `fail` fails the run; `skip` (not run) fails it only with
 * `--strict`; `warn` never fails it.
 */
export interface Check {
  readonly id: string
  readonly title: string
  readonly status: 'pass' | 'fail' | 'warn' | 'skip'
  /** What was found (never a secret). */
  readonly detail?: string
  /** What to do, when it failed, warned or was skipped. */
  readonly fix?: string
}

/** The checks `projectChecks` makes, by id, in order (the doctor lists them as skipped without a token). */
export const PROJECT_CHECK_TITLES = {
  redirect_urls: "Site URL and redirect URLs cover this Worker's /auth/confirm",
  template_links: 'Email templates link to /auth/confirm with {{ .TokenHash }}',
  templates_match: 'Email templates and subjects match templates/',
  smtp: 'Custom SMTP is set',
  email_budget: 'Hourly email budget',
  password_min_length: 'Password minimum matches PASSWORD_MIN_LENGTH',
  ip_forwarding: 'IP forwarding matches the secret key',
  captcha: "CAPTCHA protection lets the Worker's reset requests through",
} as const

/** A Worker secret name for a SITES hostname's secret key: SUPABASE_SECRET_KEY_AUTH_BRAND_A_COM. */
export function suggestedSecretBinding(hostname: string): string {
  return `SUPABASE_SECRET_KEY_${hostname.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`
}

type ProjectCheckId = keyof typeof PROJECT_CHECK_TITLES
const pass = (id: ProjectCheckId, detail?: string): Check => ({ id, title: PROJECT_CHECK_TITLES[id], status: 'pass', ...(detail ? { detail } : {}) })
const fail = (id: ProjectCheckId, detail: string, fix: string): Check => ({ id, title: PROJECT_CHECK_TITLES[id], status: 'fail', detail, fix })

/** Links of a template that point at /auth/confirm, and whether each carries `{{ .TokenHash }}`. */
function confirmLinks(content: string): string[] {
  return [...content.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '').filter((href) => href.includes('/auth/confirm'))
}

/** The checks that need the project's auth config (Management API). */
export function projectChecks(current: AuthConfig, target: SiteTarget, templates: readonly TemplateFile[]): Check[] {
  const { workerOrigin, config } = target
  const configure = 'run `npm run supabase:configure -- --apply`'
  const checks: Check[] = []
  const redirect = confirmRedirect(workerOrigin)
  checks.push(
    isRedirectAllowed(redirect, String(current.site_url ?? ''), allowList(current))
      ? pass('redirect_urls')
      : fail(
          'redirect_urls',
          `${redirect} is not allowed (Site URL ${String(current.site_url ?? 'unset')}; ${allowList(current).length} redirect URLs); Supabase would send people to the Site URL instead`,
          `add ${workerOrigin}/auth/confirm** under Authentication → URL Configuration → Redirect URLs, or ${configure}`,
        ),
  )
  const badLinks: string[] = []
  for (const file of templates) {
    const content = String(current[`mailer_templates_${file.name}_content`] ?? '')
    const links = confirmLinks(content).map((href) => href.replace(/\{\{\s*\.SiteURL\s*\}\}/g, originOf(current.site_url) ?? ''))
    const good = links.some((href) => href.startsWith(`${workerOrigin}/auth/confirm?`) && /\{\{\s*\.TokenHash\s*\}\}/.test(href))
    if (!good) badLinks.push(file.name)
  }
  checks.push(
    badLinks.length === 0
      ? pass('template_links')
      : fail(
          'template_links',
          `no ${workerOrigin}/auth/confirm?token_hash={{ .TokenHash }} link in: ${badLinks.join(', ')}`,
          `paste templates/ under Authentication → Emails → Templates, or ${configure}`,
        ),
  )
  const drifted = templates.filter(
    (file) =>
      current[`mailer_templates_${file.name}_content`] !== desiredTemplate(file, current.site_url, workerOrigin) ||
      current[`mailer_subjects_${file.name}`] !== subjectOf(file.content),
  )
  checks.push(
    drifted.length === 0
      ? pass('templates_match')
      : fail('templates_match', `differ: ${drifted.map((f) => f.name).join(', ')}`, configure),
  )
  const smtpHost = typeof current.smtp_host === 'string' ? current.smtp_host.trim() : ''
  checks.push(
    smtpHost
      ? pass('smtp', smtpHost)
      : fail(
          'smtp',
          "the built-in sender allows only a few emails an hour, to team members' addresses only",
          'set up your own SMTP under Authentication → Emails → SMTP Settings (turn off link tracking)',
        ),
  )
  const budget = typeof current.rate_limit_email_sent === 'number' ? current.rate_limit_email_sent : undefined
  checks.push(
    budget !== undefined && budget >= MIN_EMAIL_BUDGET_PER_HOUR
      ? pass('email_budget', `${budget} emails an hour for the whole project`)
      : fail(
          'email_budget',
          `${budget ?? 'unknown'} emails an hour for the whole project; past it every reset email is refused (over_email_send_rate_limit)`,
          `raise "Rate limit for sending emails" under Authentication → Rate Limits (rate_limit_email_sent) to at least ${MIN_EMAIL_BUDGET_PER_HOUR}, or your peak hourly resets; it needs custom SMTP`,
        ),
  )
  const projectMinimum = current.password_min_length
  checks.push(
    projectMinimum === config.passwordMinLength
      ? pass('password_min_length', String(config.passwordMinLength))
      : fail(
          'password_min_length',
          `project ${String(projectMinimum ?? 'unset')}, Worker ${config.passwordMinLength}`,
          typeof projectMinimum === 'number' && projectMinimum > config.passwordMinLength
            ? `set PASSWORD_MIN_LENGTH to ${projectMinimum}, the project's (the Worker would otherwise offer passwords Supabase refuses; configure never lowers the project's minimum)`
            : `set Minimum password length to ${config.passwordMinLength} (Authentication → Providers → Email), or PASSWORD_MIN_LENGTH to the project's; or ${configure}`,
        ),
  )
  const forwarding = current.security_sb_forwarded_for_enabled === true
  const hasSecret = config.secretKey !== undefined
  // With SITES the Worker ignores a top-level SUPABASE_SECRET_KEY: each site names its own secret.
  const secretName = target.multiSite ? `this site's secret key (SUPABASE_SECRET_KEY_BINDING in its SITES entry)` : 'SUPABASE_SECRET_KEY'
  const binding = suggestedSecretBinding(config.siteId)
  const addSecret = target.multiSite
    ? `add "SUPABASE_SECRET_KEY_BINDING": "${binding}" to the SITES entry for ${config.siteId}, then npx wrangler secret put ${binding} (an sb_secret_… key of this site's project); a top-level SUPABASE_SECRET_KEY is ignored with SITES, see README "Supabase's limits"`
    : 'npx wrangler secret put SUPABASE_SECRET_KEY (an sb_secret_… key), see README "Supabase\'s limits"'
  checks.push(
    forwarding === hasSecret
      ? pass('ip_forwarding', hasSecret ? `on, with ${secretName}` : 'off, no secret key')
      : fail(
          'ip_forwarding',
          hasSecret
            ? `the Worker has ${secretName} but the project ignores Sb-Forwarded-For: everyone behind one Cloudflare location shares one per-IP bucket`
            : `the project honours Sb-Forwarded-For but the Worker has no ${secretName}, so it cannot send it`,
          hasSecret ? 'turn on IP address forwarding under Authentication → Rate Limits (security_sb_forwarded_for_enabled)' : addSecret,
        ),
  )
  checks.push(captchaCheck(current.security_captcha_enabled === true, hasSecret))
  return checks
}

/**
 * CAPTCHA on refuses /recover without a token (captcha_failed; supabase/auth internal/api/api.go:256,
 * middleware.go:257-260), and this Worker's forms have none: every reset email would silently not go,
 * behind the same "check your email" page. Calls with admin credentials skip the check (middleware.go:244);
 * whether the gateway treats the secret key the Worker then sends as such is not visible from here.
 */
function captchaCheck(enabled: boolean, hasSecret: boolean): Check {
  if (!enabled) return pass('captcha', 'off')
  const off = "turn off CAPTCHA protection under Authentication → Attack Protection: this Worker's forms carry no CAPTCHA token; its per-IP and per-address limits stand in"
  if (!hasSecret) {
    return fail(
      'captcha',
      'CAPTCHA protection is on and the Worker sends no CAPTCHA token, so Supabase refuses every reset request (captcha_failed) while the page still says "check your email"; the log says reset_email captcha_required',
      off,
    )
  }
  return {
    id: 'captcha',
    title: PROJECT_CHECK_TITLES.captcha,
    status: 'warn',
    detail: 'CAPTCHA protection is on; Supabase skips it only for admin credentials, and whether it counts the secret key the Worker sends as such cannot be checked from here',
    fix: `send yourself a reset email; if none arrives (the log says reset_email captcha_required), ${off}`,
  }
}

