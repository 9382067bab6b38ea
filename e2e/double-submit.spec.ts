/**
* A second press on a button that spends something, while the first is on its way: the emailed link's
 * button, the code form's Continue, "Save new password". Without the submit guard (src/views/submit-guard.ts)
 * Chromium sends the form again and cancels the first navigation after it reached the Worker, dropping
 * its answer (and the session cookies in it): the second press then finds the link or code spent, or
 * the password already set. The stand-in holds each call a while (a fault), and the second press comes
 * once the stand-in has the first call and before it answers, as a double click on a slow connection
 * does; the outcome is checked on the page, in the POSTs the browser sent and in the stand-in's request
 * log (one call to Supabase).
 */
import type { Locator, Page } from '@playwright/test'
import type { LoggedRequest, LocalAuthControl } from '../local-auth/client'
import { expect, test } from './support/fixtures'
import {
  expectPasswordChanged,
  expectPasswordIsNow,
  expectUpdateForm,
  linkAndCode,
  NEW_PASSWORD,
  newUser,
  passwordAgainField,
  passwordField,
  requestReset,
  waitForEmail,
} from './support/flow'

/**
 * The stand-in holds both calls two presses would make for this long: longer than the few
 * milliseconds between seeing the first call arrive and pressing again, even on a loaded machine.
 */
const HOLD_MS = 1_000

/** A reset asked for; the link and code of its email. */
async function resetEmail(page: Page, control: LocalAuthControl, email: string) {
  await requestReset(page, email)
  return linkAndCode(await waitForEmail(control, email))
}

/**
 * Press `button`, and press it again once the stand-in has received the first press's call to
 * `method path` and not yet answered it. Returns the form POSTs the browser sent and that call's
 * entries in the stand-in's log, read once the page has settled (`settled`).
 */
async function pressTwiceWhileTheFirstIsOnItsWay(
  page: Page,
  control: LocalAuthControl,
  button: Locator,
  call: { readonly method: string; readonly path: string },
  settled: () => Promise<void>,
): Promise<{ posts: number; calls: LoggedRequest[] }> {
  await control.injectFault({ ...call, delay_ms: HOLD_MS, times: 2 })
  const before = (await control.requests()).length
  const calls = async () => (await control.requests()).slice(before).filter((r) => r.method === call.method && r.path === call.path)
  let posts = 0
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.isNavigationRequest()) posts++
  })
  // The mouse, not a locator's click: that would wait for the first press's navigation to finish.
  const box = await button.boundingBox()
  if (!box) throw new Error(`${button} is not on screen`)
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2]
  await page.mouse.click(x, y)
  await expect.poll(async () => (await calls()).length, { message: 'the first press reached Supabase', intervals: [10] }).toBe(1)
  await page.mouse.click(x, y)
  // Still unanswered after the second press: it came while the first was on its way.
  expect((await calls())[0]?.status, 'the first call still on its way at the second press').toBeUndefined()
  await settled()
  return { posts, calls: await calls() }
}

test('pressing the emailed link’s button twice spends the link once and reaches the new-password form', async ({ page, control }) => {
  const user = await newUser(control)
  const { link } = await resetEmail(page, control, user.email)
  await page.goto(link)
  const button = page.getByRole('button', { name: 'Continue to choose a new password' })

  const { posts, calls } = await pressTwiceWhileTheFirstIsOnItsWay(page, control, button, { method: 'POST', path: '/auth/v1/verify' }, () => expectUpdateForm(page))

  expect(posts, 'form POSTs the browser sent').toBe(1)
  expect(calls.map((c) => c.status)).toEqual([200])
})

test('pressing the code form’s Continue twice spends the code once and reaches the new-password form', async ({ page, control }) => {
  const user = await newUser(control)
  const { code } = await resetEmail(page, control, user.email)
  await page.goto('/account/verify-code')
  await page.getByLabel('Email address').fill(user.email)
  await page.getByLabel('Code').fill(code)
  const button = page.getByRole('button', { name: 'Continue' })

  const { posts, calls } = await pressTwiceWhileTheFirstIsOnItsWay(page, control, button, { method: 'POST', path: '/auth/v1/verify' }, () => expectUpdateForm(page))

  expect(posts, 'form POSTs the browser sent').toBe(1)
  expect(calls.map((c) => c.status)).toEqual([200])
})

test('pressing “Save new password” twice saves it once and shows the success page', async ({ page, stack, control }) => {
  const user = await newUser(control)
  const { link } = await resetEmail(page, control, user.email)
  await page.goto(link)
  await page.getByRole('button', { name: 'Continue to choose a new password' }).click()
  await expectUpdateForm(page)
  await passwordField(page).fill(NEW_PASSWORD)
  await passwordAgainField(page).fill(NEW_PASSWORD)
  const button = page.getByRole('button', { name: 'Save new password' })

  const { posts, calls } = await pressTwiceWhileTheFirstIsOnItsWay(page, control, button, { method: 'PUT', path: '/auth/v1/user' }, () => expectPasswordChanged(page))

  expect(posts, 'form POSTs the browser sent').toBe(1)
  expect(calls.map((c) => c.status)).toEqual([200])
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})

test('a form the browser restores from its back/forward cache can be sent again', async ({ page }) => {
  await page.goto('/account/verify-code')
  await page.getByLabel('Email address').fill('someone@example.com')
  await page.getByLabel('Code').fill('123456')
  // Pressed three times within one task of the page, before the browser starts the navigation: sent,
  // ignored, then (after the page was shown again from the cache) sent again. A listener added after
  // the guard's sees whether each press was let through.
  const presses = await page.evaluate(() => {
    const button = document.querySelector<HTMLButtonElement>('main form button')!
    const sent: boolean[] = []
    addEventListener('submit', (event) => sent.push(!event.defaultPrevented))
    const press = () => {
      button.click()
      return { sent: sent.at(-1), busy: button.getAttribute('aria-disabled') }
    }
    const first = press()
    const second = press()
    // What the browser fires when it shows the page again from the back/forward cache.
    dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))
    const restored = button.getAttribute('aria-disabled')
    const third = press()
    return { first, second, restored, third }
  })
  expect(presses).toEqual({
    first: { sent: true, busy: 'true' },
    second: { sent: false, busy: 'true' },
    restored: null,
    third: { sent: true, busy: 'true' },
  })
})
