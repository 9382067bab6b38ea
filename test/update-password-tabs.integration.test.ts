/**
 * A new-password form left open in one tab while another tab of the same browser opens a link for
 * another account: the session cookie is the browser's, so saving the old form would set the other
 * account's password. The form carries the user id it was shown for; a save for another account is
 * refused before anything reaches Supabase, and the form comes back for the account held now.
 */
import { describe, expect, it } from 'vitest'
import { Browser, parseForms } from './browser'
import { control, newUser, openLinkAndConfirm, reachUpdateForm, recoveryEmail, requestRecovery, signInWith, type TestUser } from './flow'

const NEW_PASSWORD = 'a new password for one account 7'

/** The account id a new-password page's form carries. */
const accountIdOf = (html: string) => parseForms(html).find((form) => form.action === '/account/update-password')?.fields.account_id

/** Open `user`'s emailed reset link in `browser` and press its button: the browser now holds `user`'s session. */
async function openResetLink(browser: Browser, user: TestUser): Promise<string> {
  await requestRecovery(browser, user.email)
  const { link } = await recoveryEmail(user.email)
  return (await browser.follow(await openLinkAndConfirm(browser, link))).text()
}

/** The password changes the stand-in was asked for since the last clearRequests(). */
const passwordChanges = async () => (await control().requests()).filter((r) => r.method === 'PUT' && r.path === '/auth/v1/user')

describe('a form left open while another tab switched accounts', () => {
  it("alice's form, saved after bob's link was opened in another tab: refused (409) naming bob, nothing sent, nobody's password changed", async () => {
    const alice = await newUser()
    const bob = await newUser()
    const browser = new Browser()
    // Tab 1: alice's link, her form.
    const aliceForm = await (await reachUpdateForm(browser, alice)).text()
    expect(aliceForm).toContain(`You are choosing a new password for <strong class="address">${alice.email}</strong>`)
    // Tab 2 of the same browser: bob's link, pressed. The session cookie is bob's now.
    const bobForm = await openResetLink(browser, bob)
    expect(accountIdOf(bobForm)).not.toBe(accountIdOf(aliceForm))
    await control().clearRequests()

    // Back in tab 1, alice's form is saved.
    const refused = await browser.submit(aliceForm, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })
    expect(refused.status).toBe(409)
    const html = await refused.text()
    expect(html).toContain(
      `Nothing was saved: this browser is now signed in as ${bob.email}, perhaps from a link opened in another tab. A password you save below will be for ${bob.email}.`,
    )
    expect(html).toContain('role="alert"')
    // The form again, for bob: his address for password managers, his account id, nothing of alice's.
    expect(html).toContain(`<input type="email" name="username" autocomplete="username" value="${bob.email}" hidden="" readonly=""/>`)
    expect(accountIdOf(html)).toBe(accountIdOf(bobForm))
    expect(html).not.toContain(NEW_PASSWORD)

    expect(await passwordChanges()).toEqual([])
    expect((await signInWith(alice.email, alice.password)).error).toBeNull()
    expect((await signInWith(bob.email, bob.password)).error).toBeNull()
    expect((await signInWith(bob.email, NEW_PASSWORD)).error?.code).toBe('invalid_credentials')

    // The form shown again is bob's, and saving it changes bob's password (and only his).
    const saved = await browser.submit(html, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })
    expect(saved.status).toBe(200)
    expect(await saved.text()).toContain(`The new password is for <strong class="address">${bob.email}</strong>.`)
    expect((await signInWith(bob.email, NEW_PASSWORD)).error).toBeNull()
    expect((await signInWith(alice.email, alice.password)).error).toBeNull()
  })

  it('a second link for the same account in another tab: the first form still saves (same account, no refusal)', async () => {
    const alice = await newUser()
    const browser = new Browser()
    const firstForm = await (await reachUpdateForm(browser, alice)).text()
    // Impatient: she asks again and opens the newer link in another tab; a new session, the same account.
    await openResetLink(browser, alice)
    const saved = await browser.submit(firstForm, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })
    expect(saved.status).toBe(200)
    expect((await signInWith(alice.email, NEW_PASSWORD)).error).toBeNull()
  })

  it('a form without the account field (shown before this check existed): refused the same way, and the form shown again saves', async () => {
    const alice = await newUser()
    const browser = new Browser()
    const form = parseForms(await (await reachUpdateForm(browser, alice)).text()).find((f) => f.action === '/account/update-password')
    const { account_id: _dropped, ...oldFields } = form?.fields ?? {}
    await control().clearRequests()
    // The page was loaded before the deploy; its form is sent now.
    const refused = await browser.post('/account/update-password', { ...oldFields, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })
    expect(refused.status).toBe(409)
    const html = await refused.text()
    // Nothing switched: it says the form was out of date, not that another tab changed the account.
    expect(html).toContain(`Nothing was saved: this form was out of date. A password you save below will be for ${alice.email}.`)
    expect(html).not.toContain('another tab')
    expect(await passwordChanges()).toEqual([])
    expect((await signInWith(alice.email, alice.password)).error).toBeNull()
    expect((await browser.submit(html, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })).status).toBe(200)
    expect((await signInWith(alice.email, NEW_PASSWORD)).error).toBeNull()
  })
})
