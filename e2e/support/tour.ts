/**
 * A walk through every page the Worker shows, in every state worth seeing, calling `visit(name)` on
 * each: the accessibility test runs axe there, the screenshot tests take a picture. Names are stable
 * (they become file names: docs/screenshots/<name>.<device>.png).
 *
 * Everything shown is the same on every run (fixed addresses, typed and shown), so the screenshots
 * only change when the pages do.
 */
import type { Page } from '@playwright/test'
import type { LocalAuthControl } from '../../local-auth/client'
import { LINK_REASONS, type Reason } from '../../src/lib/reasons'
import { sourceTranslator as translatorFor } from '../../scripts/catalogue-sources'
import type { Locale } from '../../src/i18n/locales'
import { copyFor } from '../../src/views/reason-copy'
import { expect } from './fixtures'
import {
  expectPasswordChanged,
  expectUpdateForm,
  linkAndCode,
  NEW_PASSWORD,
  newUser,
  requestReset,
  submitNewPassword,
  waitForEmail,
} from './flow'

export type Visit = (name: string) => Promise<void>

/** Reasons with a page of their own at /auth/auth-code-error; the tour checks each page shows its own title. */
export const ERROR_PAGE_REASONS: readonly Reason[] = [...LINK_REASONS]

/** Every page name the tour visits, in order (for docs and for checking the screenshot folder). */
export const TOUR_PAGES: readonly string[] = [
  'landing',
  'forgot-password',
  'forgot-password.invalid-email',
  'forgot-password.session-ended',
  'forgot-password.confirm-first',
  'check-email',
  'confirm',
  'confirm.try-again',
  'update-password',
  'update-password.mismatch',
  'update-password.too-short',
  'update-password.same-password',
  'update-password.breached-password',
  'update-password.session-ended',
  'password-changed',
  'update-password.switched-account',
  'signed-in.switched-account',
  'signed-out',
  'sign-out',
  'verify-code',
  'verify-code.missing-fields',
  'verify-code.wrong-code',
  ...ERROR_PAGE_REASONS.map((reason) => `error.${reason.replace(/_/g, '-')}`),
  'not-found',
  'form-refused',
  'method-not-allowed',
]

const h1 = (page: Page) => page.getByRole('heading', { level: 1 })

/**
 * `persona` is the name typed into the forms (`jamie@example.com`); the Worker limits code attempts per
 * address (5 a minute, in wrangler's persisted state), so callers that run in the same minute use
 * different ones unless the pictures must match (the screenshot tests use one at both widths).
 * `locale` is the language the browser asks for (its Accept-Language): every check reads that
 * language's catalogue, so a page left in English fails the walk.
 */
export async function tour(page: Page, control: LocalAuthControl, visit: Visit, persona = 'jamie', locale: Locale = 'en'): Promise<string[]> {
  const t = translatorFor(locale)
  const { m } = t
  /** Text as the page shows it: right-to-left pages isolate inserted values with invisible marks. */
  const shown = (text: string) => (t.dir === 'rtl' ? new RegExp(escapeRe(text.replace(/[\u2068\u2069]/g, '')).replace(/(\d+)/g, '[\u2068]?$1[\u2069]?')) : text)
  const typed = `${persona}@example.com`
  const visited: string[] = []
  const at = async (name: string) => {
    visited.push(name)
    await visit(name)
  }

  await page.goto('/')
  await expect(h1(page)).toHaveText(m.landing.title)
  await at('landing')

  await page.goto('/account/forgot-password')
  await expect(h1(page)).toHaveText(m.forgot.title)
  await at('forgot-password')
  await page.getByLabel(m.forgot.email).fill(`${persona}@`)
  await page.getByRole('button', { name: m.forgot.submit }).click()
  await expect(page.getByLabel(m.forgot.email)).toHaveAttribute('aria-invalid', 'true')
  await at('forgot-password.invalid-email')
  await page.goto('/account/forgot-password?reason=session_missing')
  await expect(page.getByRole('status')).toHaveText(m.forgot.sessionMissing)
  await at('forgot-password.session-ended')
  await page.goto('/account/forgot-password?reason=recovery_required')
  await expect(page.getByRole('status')).toHaveText(m.forgot.recoveryRequired)
  await at('forgot-password.confirm-first')

  // A new account each time, with the same address on every run (jamie@example.com for jamie).
  const user = await newUser(control, { name: persona })
  await requestReset(page, user.email, m)
  await at('check-email')

  const { link } = linkAndCode(await waitForEmail(control, user.email))
  await page.goto(link)
  await expect(page.getByRole('button', { name: m.confirm.recovery.button })).toBeVisible()
  await at('confirm')
  // Supabase refuses the first press (its per-IP limit): the same button comes back with the wait.
  await control.injectFault({
    path: '/auth/v1/verify',
    method: 'POST',
    status: 429,
    body: { code: 429, error_code: 'over_request_rate_limit', msg: 'Request rate limit reached' },
  })
  await page.getByRole('button', { name: m.confirm.recovery.button }).click()
  await expect(page.getByRole('alert')).toContainText(m.reasons.rate_limited.title)
  await expect(h1(page)).toHaveText(m.confirm.recovery.title)
  await at('confirm.try-again')
  await page.getByRole('button', { name: m.confirm.recovery.button }).click()
  await expectUpdateForm(page, m)
  await at('update-password')
  await submitNewPassword(page, NEW_PASSWORD, 'correct horse battery stapler', m)
  await expect(page.getByText(m.update.mismatch)).toBeVisible()
  await at('update-password.mismatch')
  await submitNewPassword(page, 'short', 'short', m)
  await expect(page.getByText(shown(t.count(m.update.tooShort, 8)))).toBeVisible()
  await at('update-password.too-short')
  await submitNewPassword(page, user.password, user.password, m)
  await expect(page.getByText(m.reasons.same_password.message)).toBeVisible()
  await at('update-password.same-password')
  // Supabase's own verdicts, which only it can give: a password known from breaches (HaveIBeenPwned
  // check, off in the stand-in), and a session revoked while the form was open. Injected as the
  // stand-in's answer to the next PUT /auth/v1/user.
  await control.injectFault({
    path: '/auth/v1/user',
    method: 'PUT',
    status: 422,
    body: { code: 422, error_code: 'weak_password', msg: 'Password is known to be weak and easy to guess', weak_password: { reasons: ['pwned'] } },
  })
  await submitNewPassword(page, 'password1234', 'password1234', m)
  await expect(page.getByText(m.update.weakPwned)).toBeVisible()
  await at('update-password.breached-password')
  await control.injectFault({
    path: '/auth/v1/user',
    method: 'PUT',
    status: 403,
    body: { code: 403, error_code: 'session_not_found', msg: 'Session from session_id claim in JWT does not exist' },
  })
  await submitNewPassword(page, NEW_PASSWORD, NEW_PASSWORD, m)
  await expect(page.getByRole('alert')).toContainText(m.reasons.session_missing.title)
  await at('update-password.session-ended')
  await submitNewPassword(page, NEW_PASSWORD, NEW_PASSWORD, m)
  await expectPasswordChanged(page, m)
  await at('password-changed')

  // Login CSRF: someone else's links pressed in this browser, which holds this account's session.
  const someoneElse = await newUser(control, { name: `${persona}.other` })
  const minted = async (email: string, type: 'recovery' | 'magiclink') =>
    linkAndCode(await control.message((await control.mintToken({ email, type })).message_id)).link
  await page.goto(await minted(someoneElse.email, 'recovery'))
  await page.getByRole('button', { name: m.confirm.recovery.button }).click()
  await expect(page.getByRole('alert')).toContainText(user.email)
  await expect(page.getByRole('alert')).toContainText(someoneElse.email)
  await at('update-password.switched-account')
  await page.goto(await minted(user.email, 'magiclink'))
  await page.getByRole('button', { name: m.confirm.magiclink.button }).click()
  await expect(h1(page)).toHaveText(m.account.signedInTitle)
  await at('signed-in.switched-account')
  await page.getByRole('button', { name: m.account.notYou }).click()
  await expect(h1(page)).toHaveText(m.account.signedOutTitle)
  await at('signed-out')
  await page.goto('/account/sign-out')
  await expect(h1(page)).toHaveText(m.account.signOutTitle)
  await at('sign-out')

  await page.goto('/account/verify-code')
  await expect(h1(page)).toHaveText(m.verify.title)
  await at('verify-code')
  await page.getByRole('button', { name: m.verify.submit, exact: true }).click()
  await expect(page.getByLabel(m.verify.code, { exact: true })).toHaveAttribute('aria-invalid', 'true')
  await at('verify-code.missing-fields')
  await page.getByLabel(m.forgot.email).fill(typed)
  await page.getByLabel(m.verify.code, { exact: true }).fill('000000')
  await page.getByRole('button', { name: m.verify.submit, exact: true }).click()
  await expect(page.getByRole('alert')).toContainText(m.reasons.code_invalid.title)
  await at('verify-code.wrong-code')

  for (const reason of ERROR_PAGE_REASONS) {
    await page.goto(`/auth/auth-code-error?reason=${reason}`)
    await expect(h1(page)).toHaveText(copyFor(reason, t).title)
    await expect(page.getByRole('alert')).toHaveText(shown(copyFor(reason, t).message))
    await at(`error.${reason.replace(/_/g, '-')}`)
  }

  const missing = await page.goto('/account/no-such-page')
  expect(missing?.status()).toBe(404)
  await expect(h1(page)).toHaveText(m.errors.notFoundTitle)
  await at('not-found')

  // A form left open until its CSRF cookie is gone (cleared cookies, another browser profile).
  await page.goto('/account/forgot-password')
  await page.context().clearCookies()
  await page.getByLabel(m.forgot.email).fill(typed)
  await page.getByRole('button', { name: m.forgot.submit }).click()
  await expect(h1(page)).toHaveText(m.refused.forgeryTitle)
  await at('form-refused')

  // No link or form leads here; a script or a tool using another method does.
  const url = `${new URL(page.url()).origin}/account/forgot-password`
  await page.route(url, (route) => route.continue({ method: 'DELETE' }))
  const refused = await page.goto(url)
  await page.unroute(url)
  expect(refused?.status()).toBe(405)
  await expect(h1(page)).toHaveText(m.errors.notAllowed)
  await at('method-not-allowed')

  expect(visited, 'the tour visits every page in TOUR_PAGES, in order').toEqual(TOUR_PAGES)
  return visited
}

function escapeRe(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
