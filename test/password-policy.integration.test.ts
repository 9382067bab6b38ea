/**
 * A Supabase project with every password rule its dashboard offers switched on (required characters,
 * leaked-password protection, current password and reauthentication for password changes): the reset
 * still works end to end, and what Supabase refuses reads as a clear instruction on the form.
 * The stand-in applies each rule as GoTrue does (local-auth/test/password-policy.integration.test.ts).
 */
import { describe, expect, inject, it } from 'vitest'
import { createClient } from '@supabase/supabase-js'
import { extractLinks, localAuthControl } from '../local-auth/client'
import { Browser } from './browser'
import { withBindings } from './deployment'
import { openLinkAndConfirm, requestRecovery, submitNewPassword } from './flow'
import { pwned } from './pwned'

const strict = () => localAuthControl(inject('strictAuthUrl'))
const onStrictProject = (extra: Record<string, unknown> = {}) =>
  withBindings({ SUPABASE_URL: inject('strictAuthUrl'), SUPABASE_PUBLISHABLE_KEY: inject('strictAnonKey'), ...extra })

let counter = 0
/** A person of the strict project, on the new-password form from the emailed link. */
async function onUpdateForm(extra: Record<string, unknown> = {}) {
  const email = `strict${Date.now().toString(36)}${(counter++).toString(36)}@example.com`
  const password = 'Old password 1'
  await strict().createUser({ email, password })
  const browser = new Browser({ fetcher: onStrictProject(extra) })
  await requestRecovery(browser, email)
  const message = await strict().latestMessageTo(email, { timeoutMs: 5000 })
  const link = extractLinks(message.HTML).find((href) => href.includes('/auth/confirm'))
  if (!link) throw new Error('no /auth/confirm link in the email')
  const form = await browser.follow(await openLinkAndConfirm(browser, link))
  expect(form.status).toBe(200)
  return { email, password, browser }
}

const signIn = (email: string, password: string) =>
  createClient(inject('strictAuthUrl'), inject('strictAnonKey'), { auth: { persistSession: false, autoRefreshToken: false } }).auth.signInWithPassword({ email, password })

/** What the person asked Supabase to save, as the stand-in recorded it. */
const passwordUpdates = async () => (await strict().requests()).filter((r) => r.method === 'PUT' && r.path === '/auth/v1/user')

describe('a project with every password rule on', () => {
  it('a reset still changes the password: a recovery session needs neither the current password nor reauthentication', async () => {
    const { email, password, browser } = await onUpdateForm()
    const res = await submitNewPassword(browser, 'Brand new Password 42')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Your password has been changed')
    expect((await signIn(email, 'Brand new Password 42')).error).toBeNull()
    expect((await signIn(email, password)).error?.code).toBe('invalid_credentials')
  })

  it("a password without a required kind of character: the form says what it needs, and nothing changed", async () => {
    const { email, password, browser } = await onUpdateForm()
    const res = await submitNewPassword(browser, 'all lowercase words 42')
    expect(res.status).toBe(422)
    const html = await res.text()
    // This project requires lower case, upper case and digits (no symbols), and the form names exactly those.
    expect(html).toContain('Choose another password: it needs lower- and upper-case letters (a–z, A–Z) and digits (0–9).')
    expect(html).not.toContain('all lowercase words 42')
    expect((await signIn(email, password)).error).toBeNull()
  })

  it("with the Worker's own breach check off, Supabase's leaked-password protection refuses, and the form says why", async () => {
    await pwned().addPassword('Leaked Password 99', 12)
    const { email, password, browser } = await onUpdateForm({ BREACHED_PASSWORD_CHECK: 'off' })
    await strict().clearRequests()
    const refused = await submitNewPassword(browser, 'Leaked Password 99')
    expect(refused.status).toBe(422)
    expect(await refused.text()).toContain('Choose another password: it is known from data breaches.')
    expect(await passwordUpdates()).toHaveLength(1) // Supabase decided
    expect((await signIn(email, password)).error).toBeNull()
  })

  it('with it on (the default), the Worker refuses first and Supabase is not asked', async () => {
    await pwned().addPassword('Leaked Password 98', 12)
    const { email, password, browser } = await onUpdateForm()
    await strict().clearRequests()
    const refused = await submitNewPassword(browser, 'Leaked Password 98')
    expect(refused.status).toBe(422)
    expect(await refused.text()).toContain('It appears in data breaches.')
    expect(await passwordUpdates()).toEqual([])
    expect((await signIn(email, password)).error).toBeNull()
  })
})
