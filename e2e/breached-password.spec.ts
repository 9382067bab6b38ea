/**
 * The breached-password check in the browser (issue 14): a password known from breaches is refused on
 * the form with an explanation tied to the field, then a fresh one succeeds; and when the range API is
 * down the reset still finishes. The local range server (local-pwned/) stands in for Pwned Passwords.
 */
import { localPwnedControl } from '../local-pwned/client'
import { expect, test } from './support/fixtures'
import {
  clickLinkInEmail,
  expectPasswordChanged,
  expectPasswordIsNow,
  expectUpdateForm,
  NEW_PASSWORD,
  newUser,
  openEmailInInbox,
  passwordField,
  pressConfirm,
  requestReset,
  submitNewPassword,
} from './support/flow'

test('a person choosing a password known from breaches is told why, and a fresh one works', async ({ page, stack, control }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)
  await openEmailInInbox(page, stack, control, user.email)
  await clickLinkInEmail(page, stack)
  await pressConfirm(page)

  // password123 is in the local range server's list of breached passwords.
  await submitNewPassword(page, 'password123')
  await expectUpdateForm(page)
  await expect(page).toHaveTitle(/^Error: choose a new password/)
  await expect(passwordField(page)).toHaveAttribute('aria-invalid', 'true')
  await expect(passwordField(page)).toHaveAccessibleDescription(/It appears in data breaches. Use one you have never used elsewhere/)
  await expect(page.getByText('It appears in data breaches. Use one you have never used elsewhere.')).toBeVisible()
  await expect(passwordField(page)).toHaveValue('') // never echoed back

  await submitNewPassword(page, NEW_PASSWORD)
  await expectPasswordChanged(page)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})

test('the reset still finishes when the breached-password service is down', async ({ page, stack, control }) => {
  const pwned = localPwnedControl(stack.pwnedUrl)
  const user = await newUser(control)
  await requestReset(page, user.email)
  await openEmailInInbox(page, stack, control, user.email)
  await clickLinkInEmail(page, stack)
  await pressConfirm(page)
  try {
    await pwned.injectFault({ mode: 'fail', status: 503, times: 5 })
    await pwned.clearRequests()
    const password = `fresh ${Date.now()} ${Math.random()}` // not cached by an earlier test
    await submitNewPassword(page, password)
    await expectPasswordChanged(page)
    // The check did ask (and got the 503): the reset went through despite it, not around it.
    expect(await pwned.requests()).toHaveLength(1)
    await expectPasswordIsNow(stack, user, password)
  } finally {
    await pwned.clearFaults()
  }
})
