/**
 * The reset flow as steps named after what a person does (STYLE rule 41), over the Browser and
 * the stand-in's control API, so each test reads as a short story.
 */
import { createClient } from '@supabase/supabase-js'
import { expect, inject, vi } from 'vitest'
import { extractCode, extractLinks, localAuthControl, type MintedToken } from '../local-auth/client'
import { Browser } from './browser'

export const control = () => localAuthControl(inject('authUrl'))

/** The stand-in's Management API, as a team changes the project in the dashboard (a template, a provider). */
export async function management(method: 'GET' | 'PATCH', body?: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { token, projectRef } = inject('management')
  const res = await fetch(`${inject('authUrl')}/v1/projects/${projectRef}/config/auth`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, unknown>
}

export interface TestUser {
  readonly email: string
  readonly password: string
}

let counter = 0
/** A fresh user in the stand-in, unique to the test. */
export async function newUser(overrides: { user_metadata?: Record<string, unknown> } = {}): Promise<TestUser> {
  const email = `user${Date.now().toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1e6)}@example.com`
  const password = `old-password-${counter}`
  await control().createUser({ email, password, ...overrides })
  return { email, password }
}

/**
 * A secure email change (Supabase's default) mails both addresses and needs both links: open the current
 * address's one at Supabase first, as the person would from that inbox, so the minted link completes it.
 */
export async function confirmCurrentAddress(minted: MintedToken): Promise<void> {
  if (!minted.current_token_hash) return
  const res = await fetch(`${inject('authUrl')}/auth/v1/verify`, {
    method: 'POST',
    headers: { apikey: inject('anonKey'), 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'email_change', token_hash: minted.current_token_hash }),
  })
  const body = (await res.json()) as { code?: unknown }
  if (body.code !== '200') throw new Error(`the current address's link was refused: ${JSON.stringify(body)}`)
}

/** Ask for a reset link from the forgot-password page. */
export async function requestRecovery(browser: Browser, email: string): Promise<Response> {
  const page = await browser.get('/account/forgot-password')
  return browser.submit(await page.text(), { email })
}

export interface RecoveryEmail {
  readonly link: string
  readonly code: string | undefined
  readonly html: string
  readonly text: string
}

/** The newest email to `email` in the stand-in's outbox, with its /auth/confirm link and code. */
export async function recoveryEmail(email: string): Promise<RecoveryEmail> {
  const message = await control().latestMessageTo(email, { timeoutMs: 5000 })
  const link = extractLinks(message.HTML).find((href) => href.includes('/auth/confirm'))
  if (!link) throw new Error('no /auth/confirm link in the email')
  return { link, code: extractCode(message.Text), html: message.HTML, text: message.Text }
}

/**
 * The link a `{{ .ConfirmationURL }}` template would have sent for the same email: Supabase's GET /verify
 * with the email's token, followed as a browser would, to the `/auth/confirm?code=…` it redirects to.
 */
export async function codeLinkFor(emailedLink: string, redirectTo = 'https://auth.example.com/auth/confirm?next=/account/update-password'): Promise<string> {
  const verify = new URL(`${inject('authUrl')}/auth/v1/verify`)
  verify.searchParams.set('token', new URL(emailedLink).searchParams.get('token_hash') ?? '')
  verify.searchParams.set('type', 'recovery')
  verify.searchParams.set('redirect_to', redirectTo)
  const location = (await fetch(verify, { redirect: 'manual' })).headers.get('location') ?? ''
  if (!new URL(location).searchParams.get('code')) throw new Error(`no code in ${location}`)
  return location
}

/** Open the emailed link and press the confirm button: returns the redirect after verification. */
export async function openLinkAndConfirm(browser: Browser, link: string): Promise<Response> {
  const page = await browser.get(link)
  if (page.status !== 200) return page
  return browser.submit(await page.text())
}

/** The whole way from "forgot password" to the new-password form being shown. */
export async function reachUpdateForm(browser: Browser, user: TestUser): Promise<Response> {
  await requestRecovery(browser, user.email)
  const { link } = await recoveryEmail(user.email)
  const confirmed = await openLinkAndConfirm(browser, link)
  return browser.follow(confirmed)
}

/** Fill in the new-password form. */
export async function submitNewPassword(browser: Browser, password: string, confirm = password): Promise<Response> {
  const page = await browser.get('/account/update-password')
  return browser.submit(await page.text(), { password, password_confirm: confirm })
}

/** Sign in against the stand-in directly, as the main site would. */
export async function signInWith(email: string, password: string) {
  const client = createClient(inject('authUrl'), inject('anonKey'), {
    auth: { persistSession: false, autoRefreshToken: false },
  })
  return client.auth.signInWithPassword({ email, password })
}

/** Everything the Worker logs during `run`, as lines. */
export async function captureLogs<T>(run: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = []
  const record = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '))
  }
  const log = vi.spyOn(console, 'log').mockImplementation(record)
  const error = vi.spyOn(console, 'error').mockImplementation(record)
  const warn = vi.spyOn(console, 'warn').mockImplementation(record)
  try {
    return { result: await run(), lines }
  } finally {
    log.mockRestore()
    error.mockRestore()
    warn.mockRestore()
  }
}
