/**
 * A form on another website that posts to the Worker is refused with the 403 page, and changes nothing.
 * The other site is a tiny Node server on another port: `127.0.0.1:<port>` is another origin but the
 * same site (so the Worker's SameSite=Lax cookies still travel with the post: only the Origin check
 * and the CSRF token stand in the way), and `localhost:<port>` is another site altogether.
 */
import { createServer, type Server } from 'node:http'
import type { Page } from '@playwright/test'
import type { AddressInfo } from 'node:net'
import { CSRF_COOKIE_PLAIN, CSRF_FIELD } from '../src/constants'
import { expect, test } from './support/fixtures'
import { clickLinkInEmail, newUser, openEmailInInbox, pressConfirm, requestReset, signIn } from './support/flow'

let server: Server
let port: number

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/** GET /?action=<url>&<field>=<value>...: a page with one form posting those fields to that URL. */
function attackerPage(url: URL): string {
  const action = url.searchParams.get('action') ?? ''
  const fields = [...url.searchParams].filter(([name]) => name !== 'action')
  const inputs = fields.map(([name, value]) => `<input type="hidden" name="${escapeAttr(name)}" value="${escapeAttr(value)}">`).join('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>You have won</title></head>
<body><h1>You have won a prize</h1><form method="post" action="${escapeAttr(action)}">${inputs}<button>Claim it</button></form></body></html>`
}

test.beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(attackerPage(new URL(req.url ?? '/', 'http://attacker.invalid')))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

test.afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

for (const host of ['127.0.0.1', 'localhost'] as const) {
  const kind = host === '127.0.0.1' ? 'same-site, other origin' : 'other site'
  test(`a new-password form posted from another website is refused (${kind})`, async ({ page, context, stack, control }) => {
    // The victim is mid-reset: this browser holds a fresh recovery session.
    const user = await newUser(control)
    await requestReset(page, user.email)
    await openEmailInInbox(page, stack, control, user.email)
    await clickLinkInEmail(page, stack)
    await pressConfirm(page)

    const attack = (extra: Record<string, string>) => {
      const url = new URL(`http://${host}:${port}/`)
      url.searchParams.set('action', `${stack.workerUrl}/account/update-password`)
      url.searchParams.set('password', 'attacker-chosen-password')
      url.searchParams.set('password_confirm', 'attacker-chosen-password')
      for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value)
      return url.href
    }

    // Without the CSRF token (the attacker cannot read it)...
    await page.goto(attack({}))
    await claimPrize(page, stack.workerUrl)

    // ...and even with it (were it ever leaked), because the Origin is not the Worker's.
    const csrf = (await context.cookies(stack.workerUrl)).find((c) => c.name === CSRF_COOKIE_PLAIN)
    expect(csrf?.value, 'the CSRF cookie').toBeTruthy()
    await page.goto(attack({ [CSRF_FIELD]: csrf!.value }))
    await claimPrize(page, stack.workerUrl)

    // Nothing changed: the old password works, the attacker's does not.
    expect((await signIn(stack, user.email, user.password)).error).toBeNull()
    expect((await signIn(stack, user.email, 'attacker-chosen-password')).error?.code).toBe('invalid_credentials')
  })
}

test('a reset request posted from another website is refused and sends no email', async ({ page, stack, control }) => {
  const user = await newUser(control)
  await page.goto('/account/forgot-password') // the browser has the Worker's CSRF cookie
  const url = new URL(`http://127.0.0.1:${port}/`)
  url.searchParams.set('action', `${stack.workerUrl}/account/forgot-password`)
  url.searchParams.set('email', user.email)
  await page.goto(url.href)
  await claimPrize(page, stack.workerUrl)
  await page.waitForTimeout(300) // an email would be sent from waitUntil; give it time to show up
  expect((await control.messages()).filter((m) => m.To.some((t) => t.Address === user.email))).toEqual([])
})

/** Press the attacker's button: the post reaches the Worker, which answers with its 403 page. */
async function claimPrize(page: Page, workerUrl: string) {
  const posted = page.waitForResponse((r) => r.url().startsWith(`${workerUrl}/account/`) && r.request().method() === 'POST')
  await page.getByRole('button', { name: 'Claim it' }).click()
  expect((await posted).status()).toBe(403)
  await expect(page).toHaveURL(new RegExp(`^${workerUrl}/account/`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('This form could not be accepted')
  await expect(page.getByRole('main')).toContainText('It may have expired. Reload the page and try again.')
  // The way forward reloads the refused form itself.
  const path = new URL(page.url()).pathname
  await expect(page.getByRole('link', { name: 'Reload the form' })).toHaveAttribute('href', path)
}
