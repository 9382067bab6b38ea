/**
 * The emailed link in the ways people really open it: twice, too late, on another device, and the
 * `?code=` form of the link (Supabase's `{{ .ConfirmationURL }}`), which only works where it was asked for.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './support/fixtures'
import {
  chooseNewPasswordWithMistakes,
  clickLinkInEmail,
  expectPasswordIsNow,
  expectReasonPage,
  expectUpdateForm,
  linkAndCode,
  NEW_PASSWORD,
  newUser,
  openEmailInInbox,
  pressConfirm,
  requestReset,
  signIn,
  submitNewPassword,
  expectPasswordChanged,
  waitForEmail,
} from './support/flow'
import type { StackInfo } from './support/stack-info'

const EXPIRED = 'This link has expired or was already used'
const OTHER_DEVICE = 'Open this link in the browser where you asked for it'

async function expectExpiredPage(page: Page) {
  await expectReasonPage(page, EXPIRED)
  await expect(page).toHaveURL(/reason=link_expired$/)
  await expect(page.getByRole('alert')).toContainText('Links work once')
  // The code in the same email died with the link, so a new link comes first.
  await expect(page.getByRole('link', { name: 'Send me a new link' })).toHaveAttribute('href', '/account/forgot-password')
  await expect(page.getByRole('link', { name: 'I have a code from a newer email' })).toHaveAttribute('href', '/account/verify-code')
}

test('the link opened twice: the same browser continues to the form, another browser is told it was used', async ({ page, stack, control, newVisitor }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)
  await openEmailInInbox(page, stack, control, user.email)
  await clickLinkInEmail(page, stack)
  const link = page.url()
  await pressConfirm(page)

  // The back button to the confirm page reloads it (no-store): this browser's link is spent, but it
  // holds the fresh recovery session, so it lands on the form again.
  await page.goBack()
  await expectUpdateForm(page)
  // A second click on the link in the email: the same.
  await page.goto(link)
  await expectUpdateForm(page)

  // The same link in another browser (a colleague, or a forwarded email): the page shows, the button refuses.
  const other = await newVisitor()
  await other.goto(link)
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Reset your password')
  await other.getByRole('button', { name: 'Continue to choose a new password' }).click()
  await expectExpiredPage(other)

  // The first browser can still finish.
  await submitNewPassword(page, NEW_PASSWORD)
  await expectPasswordChanged(page)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})

test('the link opened after it expired shows the expired page and offers the code and a new link', async ({ page, stack, control }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)
  await openEmailInInbox(page, stack, control, user.email)

  await control.advanceClock(2 * 60 * 60)
  try {
    await clickLinkInEmail(page, stack)
    // Opening still spends nothing; pressing the button finds the token expired.
    await page.getByRole('button', { name: 'Continue to choose a new password' }).click()
    await expectExpiredPage(page)
  } finally {
    await control.advanceClock(-2 * 60 * 60)
  }

  // Its "new link" button starts over, and the new link works.
  await page.getByRole('link', { name: 'Send me a new link' }).click()
  await requestReset(page, user.email)
  await openEmailInInbox(page, stack, control, user.email, 2)
  await clickLinkInEmail(page, stack)
  await pressConfirm(page)
  await submitNewPassword(page, NEW_PASSWORD)
  await expectPasswordChanged(page)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})

test('the token-hash link works in a fresh browser context (asked on a laptop, opened on a phone)', async ({ page, stack, control, newVisitor }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)

  const phone = await newVisitor({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  await openEmailInInbox(phone, stack, control, user.email)
  await clickLinkInEmail(phone, stack)
  await pressConfirm(phone)
  await chooseNewPasswordWithMistakes(phone)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)

  // The laptop that asked was never signed in by this.
  await page.goto('/account/update-password')
  await expect(page).toHaveURL(/\/account\/forgot-password\?reason=session_missing$/)
})

/**
 * The `?code=` link: the stand-in's GET /auth/v1/verify (where `{{ .ConfirmationURL }}` points) spends
 * the token hash from the email and 303s to the Worker with `?code=`, which needs the PKCE code verifier
 * cookie set in the browser that asked for the reset.
 */
function confirmationUrl(stack: StackInfo, tokenHash: string): string {
  const verify = new URL('/auth/v1/verify', stack.authUrl)
  verify.searchParams.set('token', tokenHash)
  verify.searchParams.set('type', 'recovery')
  verify.searchParams.set('redirect_to', `${stack.workerUrl}/auth/confirm?next=/account/update-password`)
  return verify.href
}

async function tokenHashOf(stack: StackInfo, control: Parameters<typeof waitForEmail>[0], email: string): Promise<string> {
  const { link } = linkAndCode(await waitForEmail(control, email))
  const tokenHash = new URL(link).searchParams.get('token_hash')
  expect(tokenHash, 'token_hash of a PKCE reset').toMatch(/^pkce_[0-9a-f]+$/)
  return tokenHash as string
}

test('a ?code= link opened in another browser shows the "other device" page', async ({ page, stack, control, newVisitor }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)
  const url = confirmationUrl(stack, await tokenHashOf(stack, control, user.email))

  const other = await newVisitor()
  await other.goto(url)
  await expectReasonPage(other, OTHER_DEVICE)
  await expect(other).toHaveURL(/reason=other_device$/)
  await expect(other.getByRole('alert')).toContainText('It only works in the browser that asked for it')
  await expect(other.getByRole('link', { name: 'Send me a new link' })).toBeVisible()
  // Nothing changed: the old password still works.
  expect((await signIn(stack, user.email, user.password)).error).toBeNull()
})

test('a ?code= link opened in the browser that asked continues to the form', async ({ page, stack, control }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)
  await page.goto(confirmationUrl(stack, await tokenHashOf(stack, control, user.email)))
  await expectUpdateForm(page)
  await submitNewPassword(page, NEW_PASSWORD)
  await expectPasswordChanged(page)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})


/**
 * The same `?code=` link opened again in the browser that asked (reload, back button): the verifier is
 * gone after the first exchange, but the Worker remembers the code it exchanged (a hash in an HttpOnly
 * cookie) and continues while the recovery session is fresh.
 */
test('the same ?code= link opened again in the browser that asked continues to the form', async ({ page, stack, control }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)
  const codeLanding = page.waitForResponse((r) => r.url().startsWith(`${stack.workerUrl}/auth/confirm?`) && r.url().includes('code='))
  await page.goto(confirmationUrl(stack, await tokenHashOf(stack, control, user.email)))
  await expectUpdateForm(page)
  const codeUrl = (await codeLanding).url()

  await page.goto(codeUrl) // reload, back button, or a second click in a mail app that kept the redirect
  await expectUpdateForm(page)
})
