/**
 * The password reset as a person meets it: the forgot-password form, the email in the inbox, the
 * link, the confirm page, the new-password form (with two mistakes first), the success page.
 */
import { expect, test } from './support/fixtures'
import {
  chooseNewPasswordWithMistakes,
  clickLinkInEmail,
  expectPasswordIsNow,
  followContinue,
  NEW_PASSWORD,
  newUser,
  openEmailInInbox,
  pressConfirm,
  requestReset,
} from './support/flow'

test('a person resets a forgotten password through the emailed link and signs in with the new one', async ({ page, stack, control }) => {
  const user = await newUser(control)
  // Every form post states this origin: never `Origin: null` (which a Referrer-Policy of no-referrer
  // causes), which only Sec-Fetch-Site would rescue, and browsers without it (Safari before 16.4) would fail.
  const postOrigins: string[] = []
  // And no request, ours or another's, is told more than this origin: the confirm page's address holds the token hash.
  const referers: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().startsWith(stack.workerUrl)) postOrigins.push(request.headers()['origin'] ?? '(none)')
    const referer = request.headers()['referer']
    if (referer !== undefined) referers.push(referer)
  })

  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Account help')
  await page.getByRole('link', { name: 'Reset my password' }).click()
  await expect(page).toHaveURL(/\/account\/forgot-password$/)

  await requestReset(page, user.email)
  // The address is shown masked, the same whether or not an account exists.
  await expect(page.getByRole('status')).toContainText(`${user.email[0]}***${user.email.split('@')[0]!.at(-1)}@example.com`)

  await openEmailInInbox(page, stack, control, user.email)
  await clickLinkInEmail(page, stack)
  // Opening the link spends nothing; the button does.
  await expect(page.getByRole('button', { name: 'Continue to choose a new password' })).toBeVisible()
  await pressConfirm(page)
  // The form names the account in full, and gives password managers the username.
  await expect(page.getByRole('main')).toContainText(`You are choosing a new password for ${user.email}`)
  await expect(page.locator('input[autocomplete="username"]')).toHaveValue(user.email)

  await chooseNewPasswordWithMistakes(page)
  await followContinue(page, stack)

  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
  // forgot, confirm, two refused new passwords, the accepted one
  expect(postOrigins.length).toBeGreaterThanOrEqual(5)
  expect(new Set(postOrigins)).toEqual(new Set([new URL(stack.workerUrl).origin]))
  // What our pages send as a Referer (for the stylesheet, each next page): the origin, nothing more.
  const ours = referers.filter((referer) => new URL(referer).origin === new URL(stack.workerUrl).origin)
  expect(ours.length).toBeGreaterThanOrEqual(5)
  for (const referer of ours) expect(referer).toBe(`${new URL(stack.workerUrl).origin}/`)

})
