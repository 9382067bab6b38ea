/**
 * The reset flow as steps a person takes in the browser, named after what they do, so each spec reads as
 * a short story. Clicks go through the real pages (the stand-in's HTML inbox included); only account
 * seeding, the fake clock and sign-in checks go through the stand-in's APIs.
 */
import { createClient } from '@supabase/supabase-js'
import type { Page } from '@playwright/test'
import { extractCode, extractLinks, type LocalAuthControl, type MailpitMessage } from '../../local-auth/client'
import { expect } from './fixtures'
import type { StackInfo } from './stack-info'
import type { Messages } from '../../src/i18n/catalogue'
import { en as EN } from '../../src/i18n/messages/en'


export const NEW_PASSWORD = 'correct horse battery staple'

export interface TestUser {
  readonly email: string
  readonly password: string
}

let counter = 0

/** A unique suffix (per run, per call): the stand-in lives for one run, the Worker's edge limits for a minute. */
function unique(): string {
  return `${Date.now().toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`
}

const named = new Map<string, number>()

/**
 * A fresh user in the stand-in. With `name`, the address is `<name>@example.com` (then `<name>2@…`, …
 * within one run, whose stand-in is new), so pages that show it look the same on every run (screenshots).
 */
export async function newUser(control: LocalAuthControl, options: { name?: string } = {}): Promise<TestUser> {
  let email = `u${unique()}x@example.com`
  if (options.name) {
    const n = (named.get(options.name) ?? 0) + 1
    named.set(options.name, n)
    email = `${options.name}${n > 1 ? n : ''}@example.com`
  }
  const password = `old-password-${unique()}`
  await control.createUser({ email, password })
  return { email, password }
}

/** Every email sent to `email`, newest first. */
async function messagesTo(control: LocalAuthControl, email: string) {
  return (await control.messages()).filter((m) => m.To.some((to) => to.Address.toLowerCase() === email.toLowerCase()))
}

/**
 * Wait until `count` emails to `email` are in the outbox (the Worker sends from waitUntil, so the email
 * can land just after the "check your email" page), and return the newest.
 */
export async function waitForEmail(control: LocalAuthControl, email: string, count = 1): Promise<MailpitMessage> {
  let newest: string | undefined
  await expect
    .poll(async () => {
      const found = await messagesTo(control, email)
      newest = found[0]?.ID
      return found.length
    }, { message: `email number ${count} to ${email}`, timeout: 10_000, intervals: [50, 100, 250] })
    .toBeGreaterThanOrEqual(count)
  return control.message(newest as string)
}

/** The /auth/confirm link and the 6-digit code of a reset email. */
export function linkAndCode(message: MailpitMessage): { link: string; code: string } {
  const link = extractLinks(message.HTML).find((href) => href.includes('/auth/confirm'))
  const code = extractCode(message.Text)
  if (!link || !code) throw new Error('the reset email has no /auth/confirm link or no code')
  return { link, code }
}

/** On the forgot-password page: type the address and send. Ends on "Check your email". */
export async function requestReset(page: Page, email: string, m: Messages = EN): Promise<void> {
  await page.goto('/account/forgot-password')
  await page.getByLabel(m.forgot.email).fill(email)
  await page.getByRole('button', { name: m.forgot.submit }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(m.checkEmail.title)
}

/** Open the stand-in's inbox page and the newest email to `email` (waiting for `count` emails first). */
export async function openEmailInInbox(page: Page, stack: StackInfo, control: LocalAuthControl, email: string, count = 1): Promise<void> {
  await waitForEmail(control, email, count)
  await page.goto(stack.inboxUrl)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Local inbox')
  // Newest first: the first row to this address is the email just sent.
  await page.getByRole('row').filter({ hasText: email }).first().getByRole('link', { name: 'Reset Your Password' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reset Your Password')
}

/**
 * Click "Reset my password" inside the email as displayed by the inbox. Ends on the Worker's confirm page.
 * Chromium now and then drops the first click on a link in the inbox's sandboxed srcdoc iframe (seen once
 * in CI, with JavaScript off): still on the inbox after a while, the person clicks again, as anyone would.
 * Opening the link spends nothing (the confirm page is an interstitial), so a second click is harmless.
 */
export async function clickLinkInEmail(page: Page, stack: StackInfo): Promise<void> {
  const link = page.frameLocator('iframe[title="Email body"]').getByRole('link', { name: 'Reset my password' })
  const onConfirm = (url: URL) => url.origin === stack.workerUrl && url.pathname === '/auth/confirm'
  await link.click()
  try {
    await page.waitForURL(onConfirm, { timeout: 8_000 })
  } catch {
    if (new URL(page.url()).origin === stack.workerUrl) throw new Error(`the email's link led to ${new URL(page.url()).pathname}, not /auth/confirm`)
    await link.click({ timeout: 5_000 }).catch(() => {}) // gone if the first click's navigation just landed
    await page.waitForURL(onConfirm)
  }
}

/** The code as a person reads it off the email's text in the inbox page. */
export async function readCodeInInbox(page: Page): Promise<string> {
  const text = (await page.locator('pre').textContent()) ?? ''
  const code = extractCode(text)
  if (!code) throw new Error('no 6-digit code in the email text')
  return code
}

/** The confirm interstitial: check it and press its button. Ends on the new-password form. */
export async function pressConfirm(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reset your password')
  await page.getByRole('button', { name: 'Continue to choose a new password' }).click()
  await expectUpdateForm(page)
}

export async function expectUpdateForm(page: Page, m: Messages = EN): Promise<void> {
  await expect(page).toHaveURL(/\/account\/update-password$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(m.update.title)
}

export const passwordField = (page: Page, m: Messages = EN) => page.getByLabel(m.update.password, { exact: true })
export const passwordAgainField = (page: Page, m: Messages = EN) => page.getByLabel(m.update.again)

/** Fill the new-password form and press Save. */
export async function submitNewPassword(page: Page, password: string, again = password, m: Messages = EN): Promise<void> {
  await passwordField(page, m).fill(password)
  await passwordAgainField(page, m).fill(again)
  await page.getByRole('button', { name: m.update.submit }).click()
}

/** A mismatch, then one too short (each showing its message, tied to its field), then the real one. */
export async function chooseNewPasswordWithMistakes(page: Page, password = NEW_PASSWORD): Promise<void> {
  await submitNewPassword(page, password, `${password} typo`)
  await expectUpdateForm(page)
  // Both fields come back empty: the first says so, and has the focus, so typing starts there again.
  await expect(passwordField(page)).toHaveAttribute('aria-invalid', 'true')
  await expect(passwordField(page)).toHaveAccessibleDescription(/The passwords did not match\. Enter your new password in both fields\./)
  await expect(passwordField(page)).toBeFocused()
  await expect(page.getByText('The passwords did not match.')).toBeVisible()

  await submitNewPassword(page, 'short', 'short')
  await expectUpdateForm(page)
  await expect(passwordField(page)).toHaveAttribute('aria-invalid', 'true')
  await expect(passwordField(page)).toHaveAccessibleDescription(/Use at least 8 characters\./)
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible()
  await expect(page.getByText('The passwords did not match.')).toHaveCount(0)

  await submitNewPassword(page, password)
  await expectPasswordChanged(page)
}

export async function expectPasswordChanged(page: Page, m: Messages = EN): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(m.changed.title)
  await expect(page.getByRole('status')).toHaveText(m.changed.saved)
}

/** The success page's Continue link goes to SITE_URL (here the Worker's own landing page). */
export async function followContinue(page: Page, stack: StackInfo): Promise<void> {
  await page.getByRole('link', { name: 'Continue' }).click()
  await expect(page).toHaveURL(`${stack.workerUrl}/`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Account help')
}

/** Sign in as the main site would: supabase-js against the stand-in, nothing stored. */
export async function signIn(stack: StackInfo, email: string, password: string) {
  const client = createClient(stack.authUrl, stack.anonKey, { auth: { persistSession: false, autoRefreshToken: false } })
  return client.auth.signInWithPassword({ email, password })
}

/** The new password works and the old one is refused. */
export async function expectPasswordIsNow(stack: StackInfo, user: TestUser, password: string): Promise<void> {
  const fresh = await signIn(stack, user.email, password)
  expect(fresh.error, 'sign-in with the new password').toBeNull()
  expect(fresh.data.session?.access_token).toBeTruthy()
  const old = await signIn(stack, user.email, user.password)
  expect(old.error?.code, 'sign-in with the old password').toBe('invalid_credentials')
}

/** Title of the page Worker pages show for a Reason (src/views/reason-copy.ts). */
export async function expectReasonPage(page: Page, title: string, path = '/auth/auth-code-error'): Promise<void> {
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[/]/g, '\\/')}(\\?|$)`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
}
