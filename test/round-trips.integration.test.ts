/**
 * Round trips to Supabase Auth per step, counted from the stand-in's request log: the minimum
 * (recover 1, confirm 1, update page 0, update 1, plus one JWKS fetch per isolate), the range
 * API calls of the breached-password check (1 per submission), and the
 * fallback to GET /user for legacy projects that sign with an HS256 secret.
 */
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { extractLinks, localAuthControl, type LocalAuthControl } from '../local-auth/client'
import app from '../src/index'
import { Browser, type Fetcher } from './browser'
import { control, newUser, recoveryEmail, requestRecovery, signInWith, submitNewPassword } from './flow'
import { pwned } from './pwned'

const JWKS = 'GET /auth/v1/.well-known/jwks.json'

/** The calls the stand-in received while `step` ran (including waitUntil work). */
async function callsDuring(auth: LocalAuthControl, step: () => Promise<unknown>): Promise<string[]> {
  await auth.clearRequests()
  await step()
  await new Promise((resolve) => setTimeout(resolve, 50)) // let waitUntil work (the email) land
  return (await auth.requests()).map((r) => `${r.method} ${r.path}`)
}

describe('round trips to Supabase Auth', () => {
  it('are the minimum for each step of a reset (asymmetric signing keys)', async () => {
    const auth = control()
    const user = await newUser()
    const browser = new Browser()
    const steps: Record<string, string[]> = {}
    steps.forgotPage = await callsDuring(auth, () => browser.get('/account/forgot-password'))
    steps.forgotPost = await callsDuring(auth, () => requestRecovery(browser, user.email))
    const { link } = await recoveryEmail(user.email)
    let html = ''
    steps.confirmPage = await callsDuring(auth, async () => (html = await (await browser.get(link)).text()))
    steps.confirmPost = await callsDuring(auth, () => browser.submit(html))
    steps.updatePage = await callsDuring(auth, () => browser.get('/account/update-password'))
    // The breached-password check adds one call per submission, to the range API (not Supabase).
    await pwned().clearRequests()
    steps.updatePost = await callsDuring(auth, () => submitNewPassword(browser, 'counted new password'))
    expect((await pwned().requests()).map((r) => `${r.method} ${r.path.slice(0, 7)}`)).toEqual(['GET /range/'])
    await pwned().clearRequests()
    steps.updateAgain = await callsDuring(auth, () => submitNewPassword(browser, 'counted new password'))
    expect(await pwned().requests()).toHaveLength(1)
    const withoutJwks = Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, v.filter((c) => c !== JWKS)]))
    expect(withoutJwks).toEqual({
      forgotPage: [],
      forgotPost: ['POST /auth/v1/recover'],
      confirmPage: [],
      confirmPost: ['POST /auth/v1/verify'],
      updatePage: [],
      updatePost: ['PUT /auth/v1/user'],
      updateAgain: ['PUT /auth/v1/user'], // refused by Supabase as same_password
    })
    // The JWKS is fetched at most once for the whole flow (cached per isolate).
    expect(Object.values(steps).flat().filter((c) => c === JWKS).length).toBeLessThanOrEqual(1)
  })
})

describe('a legacy project signing with an HS256 secret', () => {
  const legacy = () => localAuthControl(inject('legacyAuthUrl'))
  const fetcher: Fetcher = async (request) => {
    const ctx = createExecutionContext()
    const bindings = { ...env, SUPABASE_URL: inject('legacyAuthUrl'), SUPABASE_PUBLISHABLE_KEY: inject('legacyAnonKey') }
    const res = await app.fetch(request, bindings, ctx)
    await waitOnExecutionContext(ctx)
    return res
  }

  it('resets the password too, checking the session with one GET /user', async () => {
    const auth = legacy()
    const email = `legacy-${crypto.randomUUID()}@example.com`
    await auth.createUser({ email, password: 'legacy old password' })
    const browser = new Browser({ fetcher })
    await requestRecovery(browser, email)
    const message = await auth.latestMessageTo(email, { timeoutMs: 5000 })
    const link = extractLinks(message.HTML).find((href) => href.includes('/auth/confirm')) ?? ''
    const page = await browser.get(link)
    expect((await browser.submit(await page.text())).headers.get('location')).toBe('/account/update-password')
    expect(await callsDuring(auth, () => browser.get('/account/update-password'))).toEqual(['GET /auth/v1/user'])
    expect((await submitNewPassword(browser, 'legacy new password')).status).toBe(200)
    // The main (ES256) project is untouched by any of this.
    expect((await signInWith(email, 'legacy new password')).error?.code).toBe('invalid_credentials')
  })
})
