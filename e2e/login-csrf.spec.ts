/**
 * Login CSRF in a real browser: an attacker mints a link to their own account and gets a signed-in
 * victim to open it and press the button. The victim must see both accounts and be able to sign out.
 */
import { extractLinks } from '../local-auth/client'
import { expect, test } from './support/fixtures'
import { newUser } from './support/flow'

test("an attacker's link pressed by a signed-in victim shows both accounts and lets the victim sign out", async ({ page, stack, control }) => {
  const victim = await newUser(control)
  const attacker = await newUser(control)
  const linkOf = async (email: string, type: 'magiclink' | 'recovery', next?: string) => {
    const minted = await control.mintToken({ email, type })
    const link = extractLinks((await control.message(minted.message_id)).HTML).find((href) => href.includes('/auth/confirm')) ?? ''
    const url = new URL(link)
    if (next) url.searchParams.set('next', next)
    return url.href
  }

  const signInAsVictim = async () => {
    await page.goto(await linkOf(victim.email, 'magiclink'))
    await page.getByRole('button', { name: 'Continue to sign in' }).click()
    await page.waitForURL((url) => !url.pathname.startsWith('/auth/confirm'))
  }

  // The victim is signed in (their own magic link).
  await signInAsVictim()

  // The attacker's magic link, with next pointing at a page of the site: the victim presses the button.
  await page.goto(await linkOf(attacker.email, 'magiclink', `${stack.workerUrl}/welcome`))
  await page.getByRole('button', { name: 'Continue to sign in' }).click()
  await expect(page).toHaveURL(/\/account\/signed-in\?next=/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check which account you are signed in to')
  await expect(page.getByRole('alert')).toContainText(`You are now signed in as ${attacker.email}`)
  await expect(page.getByRole('alert')).toContainText(`this browser was signed in as ${victim.email}`)
  await expect(page.getByRole('link', { name: `Continue as ${attacker.email}` })).toBeVisible()

  await page.getByRole('button', { name: 'Not you? Sign out' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are signed out')
  const cookies = await page.context().cookies()
  expect(cookies.filter((c) => c.name.startsWith('sb-') && c.name.endsWith('-auth-token'))).toEqual([])

  // The attacker's recovery link: the form names both accounts, and signs out the same way.
  await signInAsVictim()
  await page.goto(await linkOf(attacker.email, 'recovery', `${stack.workerUrl}/welcome`))
  await page.getByRole('button', { name: 'Continue to choose a new password' }).click()
  await expect(page).toHaveURL(/\/account\/update-password\?next=/)
  await expect(page.getByRole('alert')).toContainText(`You were signed in as ${victim.email}`)
  await expect(page.getByRole('main')).toContainText(`You are choosing a new password for ${attacker.email}`)
  await page.getByRole('button', { name: `Not ${attacker.email}? Sign out` }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are signed out')
})
