/**
 * The pages' one script (the guard that sends each form once, src/views/submit-guard.ts) is allowed by
 * the CSP through its hash, and that hash is of the script the page actually carries: a script edited
 * or escaped differently from what was hashed would be blocked by browsers, and fails here first.
 * What the script does in a browser is e2e/double-submit.spec.ts's.
 */
import { describe, expect, it } from 'vitest'
import { Browser } from './browser'
import { newUser, reachUpdateForm } from './flow'

const scriptRe = /<script\b[^>]*>([\s\S]*?)<\/script>/g

/** CSP's hash-source for `text`: the base64 SHA-256 of its UTF-8 bytes (CSP Level 3, §8.4). */
async function hashSource(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`
}

/** The sources `script-src` allows, or undefined without the directive. */
function scriptSources(csp: string | null): string[] | undefined {
  const directive = (csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).find(([name]) => name === 'script-src')
  return directive?.slice(1)
}

async function expectScriptAllowedByItsHash(res: Response, what: string) {
  const html = await res.text()
  const scripts = [...html.matchAll(scriptRe)].map((match) => match[1] ?? '')
  expect(scripts, `${what}: one script`).toHaveLength(1)
  expect(scripts[0], `${what}: the submit guard`).toContain("addEventListener('submit'")
  // Exactly this script: no 'unsafe-inline', no 'self', no second hash.
  expect(scriptSources(res.headers.get('content-security-policy')), what).toEqual([await hashSource(scripts[0] ?? '')])
}

describe("the pages' script and the CSP", () => {
  it.each([
    ['the interstitial of an emailed link', `/auth/confirm?token_hash=${'c'.repeat(56)}&type=recovery`],
    ['the code form', '/account/verify-code'],
    ['the reset request form', '/account/forgot-password'],
    ['the landing page', '/'],
    ['an error page', '/auth/auth-code-error?reason=link_expired'],
  ])('%s carries the one script the CSP allows by its hash', async (what, path) => {
    await expectScriptAllowedByItsHash(await new Browser().get(path), what)
  })

  it('so does the new-password form, and the answer to its POST', async () => {
    const user = await newUser()
    const browser = new Browser()
    await reachUpdateForm(browser, user)
    const form = await browser.get('/account/update-password')
    const html = await form.clone().text()
    await expectScriptAllowedByItsHash(form, 'the new-password form')
    // A typing mistake: the form again, as a POST's answer.
    const again = await browser.submit(html, { password: 'one new password', password_confirm: 'another one' })
    expect(again.status).toBe(400)
    await expectScriptAllowedByItsHash(again, 'the form after a mistake')
  })
})
