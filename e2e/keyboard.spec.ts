/**
 * Keyboard only: every form filled and sent with Tab, typing and Enter; no mouse, no clicks. Each
 * stop reached with Tab must show a visible focus indicator (WCAG 2.4.7).
 */
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './support/fixtures'
import { expectPasswordIsNow, expectUpdateForm, NEW_PASSWORD, newUser, readCodeInInbox, waitForEmail } from './support/flow'
import type { StackInfo } from './support/stack-info'

const MAX_TABS = 40

const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement)

/** Press Tab until `target` has focus (or fail), then check the focus can be seen. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let presses = 0; !(await isFocused(target)); presses++) {
    if (presses >= MAX_TABS) throw new Error(`${target} not reached with ${MAX_TABS} presses of Tab`)
    await page.keyboard.press('Tab')
  }
  await expectVisibleFocus(target)
}

async function expectVisibleFocus(target: Locator): Promise<void> {
  const style = await target.evaluate((el) => {
    const s = getComputedStyle(el)
    return { outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow }
  })
  expect(style.outline !== 'none' && style.width > 0 || style.shadow !== 'none', `visible focus on ${target}`).toBe(true)
}

/** Type into the focused field: keystrokes, not fill(). */
async function type(page: Page, text: string) {
  await page.keyboard.type(text)
}

/** Ask for a reset from the landing page, by keyboard. Ends on "Check your email". */
async function requestResetByKeyboard(page: Page, email: string) {
  await page.goto('/')
  // The first Tab stop is the skip link, shown when focused.
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await tabTo(page, page.getByRole('link', { name: 'Reset my password' }))
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reset your password')
  await tabTo(page, page.getByLabel('Email address'))
  await type(page, email)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email')
}

/** Open the newest email to `email` in the inbox page, by keyboard. */
async function openEmailByKeyboard(page: Page, stack: StackInfo, email: string) {
  await page.goto(stack.inboxUrl)
  await tabTo(page, page.getByRole('row').filter({ hasText: email }).first().getByRole('link'))
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reset Your Password')
}

/** The new-password form: a mismatch, one too short, then the real one; each by keyboard. */
async function chooseNewPasswordByKeyboard(page: Page) {
  const password = page.getByLabel('New password', { exact: true })
  const again = page.getByLabel('New password again')
  const attempt = async (first: string, second: string) => {
    await tabTo(page, password)
    await type(page, first)
    await page.keyboard.press('Tab')
    await expect(again).toBeFocused()
    await type(page, second)
    await page.keyboard.press('Enter')
  }
  await attempt(NEW_PASSWORD, 'something else')
  // Both fields come back empty: the focus is on the first, which says to type the password in both.
  await expect(password).toBeFocused()
  await expect(password).toHaveAccessibleDescription(/The passwords did not match\. Enter your new password in both fields\./)
  await expect(again).not.toHaveAttribute('aria-invalid', 'true')
  await attempt('short', 'short')
  await expect(password).toHaveAccessibleDescription(/Use at least 8 characters\./)
  await attempt(NEW_PASSWORD, NEW_PASSWORD)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your password has been changed')
  await tabTo(page, page.getByRole('link', { name: 'Continue' }))
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Account help')
}

test('keyboard only: request, the link from the inbox, confirm, new password', async ({ page, stack, control }) => {
  const user = await newUser(control)
  await requestResetByKeyboard(page, user.email)
  await waitForEmail(control, user.email)
  await openEmailByKeyboard(page, stack, user.email)
  await tabTo(page, page.getByRole('list').getByRole('link', { name: /\/auth\/confirm\?/ }))
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reset your password')
  await tabTo(page, page.getByRole('button', { name: 'Continue to choose a new password' }))
  await page.keyboard.press('Enter')
  await expectUpdateForm(page)
  await chooseNewPasswordByKeyboard(page)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})

test('keyboard only: request, then the 6-digit code form, new password', async ({ page, context, stack, control }) => {
  const user = await newUser(control)
  await requestResetByKeyboard(page, user.email)
  await waitForEmail(control, user.email)
  const mail = await context.newPage()
  await openEmailByKeyboard(mail, stack, user.email)
  const code = await readCodeInInbox(mail)
  await mail.close()

  await page.bringToFront()
  await tabTo(page, page.getByRole('link', { name: 'I have a code' }))
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enter your code')
  await tabTo(page, page.getByLabel('Email address'))
  await type(page, user.email)
  await page.keyboard.press('Tab')
  await expect(page.getByLabel('Code')).toBeFocused()
  await type(page, code)
  await page.keyboard.press('Enter')
  await expectUpdateForm(page)
  await chooseNewPasswordByKeyboard(page)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})
