/**
 * The whole flow with JavaScript turned off: the pages are plain HTML forms and links (their one
 * script, the guard that sends each form once, only keeps a second press from going out), so nothing
 * may depend on it.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './support/fixtures'
import {
  chooseNewPasswordWithMistakes,
  clickLinkInEmail,
  expectPasswordIsNow,
  expectUpdateForm,
  followContinue,
  NEW_PASSWORD,
  newUser,
  openEmailInInbox,
  pressConfirm,
  readCodeInInbox,
  requestReset,
} from './support/flow'

test.use({ javaScriptEnabled: false })

/** Worker pages carry no script but the inline submit guard (src/views/submit-guard.ts), nothing loaded. */
async function expectOnlyTheGuardScript(page: Page) {
  await expect(page.locator('script')).toHaveCount(1)
  await expect(page.locator('script[src]')).toHaveCount(0)
}

test('with JavaScript off: request, email link, confirm, new password (mistakes first), success', async ({ page, stack, control }) => {
  // Prove the switch is really off: a page of our own that would change its title if scripts ran.
  await page.setContent('<title>off</title><script>document.title = "on"</script>')
  await expect(page).toHaveTitle('off')

  const user = await newUser(control)
  await page.goto('/')
  await expectOnlyTheGuardScript(page)
  await page.getByRole('link', { name: 'Reset my password' }).click()
  await expectOnlyTheGuardScript(page)
  await requestReset(page, user.email)
  await expectOnlyTheGuardScript(page)

  await openEmailInInbox(page, stack, control, user.email)
  await clickLinkInEmail(page, stack)
  await expectOnlyTheGuardScript(page)
  await pressConfirm(page)
  await expectOnlyTheGuardScript(page)
  await chooseNewPasswordWithMistakes(page)
  await expectOnlyTheGuardScript(page)
  await followContinue(page, stack)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})

test('with JavaScript off: the 6-digit code path', async ({ page, stack, control }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)
  await openEmailInInbox(page, stack, control, user.email)
  const code = await readCodeInInbox(page)

  await page.goto('/account/verify-code')
  await expectOnlyTheGuardScript(page)
  await page.getByLabel('Email address').fill(user.email)
  await page.getByLabel('Code').fill('12')
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByLabel('Code')).toHaveAccessibleDescription(/Enter the 6 digits from the email\./)
  await page.getByLabel('Code').fill(code)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expectUpdateForm(page)
  await chooseNewPasswordWithMistakes(page)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})
