/**
 * The complete reset flow, driven the way a browser does it, against any of the servers:
 * GET forgot form → POST email → read the email (Mailpit API) → GET the link (interstitial) →
 * POST confirm → GET update form → POST new password → (optionally) sign in with it, as the main site
 * would. The same driver runs all of them: the baseline has no forms, so the confirm POST then sends the
 * link's own query fields; the Express peer verifies on GET (Supabase's guide), so its link answers 303
 * at once and there is no POST confirm step.
 */
import { randomBytes } from 'node:crypto'
import { extractLinks, localAuthControl } from '../../local-auth/client'
import { BenchBrowser, firstPostForm } from './client'
import { sleep } from './stats'

export const STEPS = ['GET forgot', 'POST forgot', 'GET confirm', 'POST confirm', 'GET update', 'POST update'] as const
export type StepName = (typeof STEPS)[number]
/** The steps of a complete reset as the throughput section counts it: STEPS, then signing in. */
export type FlowStep = StepName | 'sign in'

export interface FlowUser {
  readonly email: string
  readonly password: string
  readonly newPassword: string
}

export interface FlowResult {
  readonly ok: boolean
  readonly error?: string
  readonly browser: BenchBrowser
  readonly ms: number
}

/** Polls the stand-in's Mailpit API for everyone waiting on an email; deletes what it hands out. */
export class MailWatcher {
  private readonly waiters = new Map<string, (link: string) => void>()
  private running = false

  constructor(private readonly authUrl: string) {}

  /** Register before triggering the email, then await the returned promise. */
  expect(email: string, timeoutMs = 15_000): Promise<string> {
    const address = email.toLowerCase()
    const promise = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(address)
        reject(new Error(`no email to ${email} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.set(address, (link) => {
        clearTimeout(timer)
        resolve(link)
      })
    })
    if (!this.running) void this.loop()
    return promise
  }

  private async loop() {
    this.running = true
    try {
      while (this.waiters.size > 0) {
        const list = (await (await fetch(`${this.authUrl}/api/v1/messages`)).json()) as {
          messages: { ID: string; To: { Address: string }[] }[]
        }
        const consumed: string[] = []
        await Promise.all(
          list.messages.map(async (m) => {
            const address = m.To[0]?.Address.toLowerCase() ?? ''
            const resolve = this.waiters.get(address)
            if (!resolve) return
            const full = (await (await fetch(`${this.authUrl}/api/v1/message/${encodeURIComponent(m.ID)}`)).json()) as { HTML: string }
            const link = extractLinks(full.HTML).find((href) => href.includes('/auth/confirm'))
            if (!link) return
            this.waiters.delete(address)
            consumed.push(m.ID)
            resolve(link)
          }),
        )
        if (consumed.length) {
          await fetch(`${this.authUrl}/api/v1/messages`, { method: 'DELETE', body: JSON.stringify({ IDs: consumed }) })
        }
        await sleep(consumed.length ? 0 : 15)
      }
    } finally {
      this.running = false
    }
  }
}

function check(response: Response, step: FlowStep, expected: number) {
  if (response.status !== expected) throw new Error(`${step}: status ${response.status}, expected ${expected}`)
}

/**
 * One person resetting their password. `afterStep` runs once each step has fully happened (for the
 * forgot POST: once the email arrived, since our Worker calls Supabase after answering).
 */
export async function runFlow(
  workerUrl: string,
  mail: MailWatcher,
  user: FlowUser,
  ip: string,
  afterStep: (step: FlowStep) => Promise<void> = async () => {},
  until: StepName = 'POST update',
  signInAt?: { readonly authUrl: string; readonly apikey: string },
): Promise<FlowResult> {
  const done = (step: StepName) => step === until
  const browser = new BenchBrowser(workerUrl, ip)
  const started = performance.now()
  try {
    const page = await browser.get('/account/forgot-password')
    check(page, 'GET forgot', 200)
    const form = firstPostForm(await page.text())
    let csrf = form?.fields.csrf_token ?? browser.jar.get('csrf')
    if (!csrf) {
      // The baseline has no CSRF: send the same shape of request anyway (it ignores both).
      csrf = randomBytes(32).toString('base64url')
      browser.jar.set('csrf', csrf)
    }
    await afterStep('GET forgot')

    const emailed = mail.expect(user.email)
    check(await browser.post('/account/forgot-password', { csrf_token: csrf, email: user.email }), 'POST forgot', 200)
    const link = await emailed
    await afterStep('POST forgot')

    const linkUrl = new URL(link)
    const interstitial = await browser.get(`${linkUrl.pathname}${linkUrl.search}`)
    let confirmed = interstitial
    if (interstitial.status === 303) {
      // Verified on GET (the Express peer, as Supabase's guide does): nothing left to press.
      await afterStep('GET confirm')
    } else {
      check(interstitial, 'GET confirm', 200)
      const confirmForm = firstPostForm(await interstitial.text())
      await afterStep('GET confirm')
      const fields = confirmForm?.fields ?? { ...Object.fromEntries(linkUrl.searchParams), csrf_token: csrf }
      confirmed = await browser.post(confirmForm?.action || '/auth/confirm', fields)
      check(confirmed, 'POST confirm', 303)
    }
    const location = confirmed.headers.get('location') ?? ''
    if (!location.startsWith('/account/update-password')) throw new Error(`confirm: redirected to ${location}`)
    if (confirmed !== interstitial) await afterStep('POST confirm')

    const updatePage = await browser.get(location)
    check(updatePage, 'GET update', 200)
    const updateForm = firstPostForm(await updatePage.text())
    await afterStep('GET update')
    if (done('GET update')) return { ok: true, browser, ms: performance.now() - started }

    const updateFields = { ...(updateForm?.fields ?? { csrf_token: csrf }), password: user.newPassword, password_confirm: user.newPassword }
    check(await browser.post('/account/update-password', updateFields), 'POST update', 200)
    await afterStep('POST update')
    if (signInAt) {
      const status = await signIn(signInAt.authUrl, signInAt.apikey, user.email, user.newPassword)
      if (status !== 200) throw new Error(`sign in: status ${status}, expected 200`)
      await afterStep('sign in')
    }
    return { ok: true, browser, ms: performance.now() - started }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), browser, ms: performance.now() - started }
  }
}

/** Create users in the stand-in, `concurrency` at a time. */
export async function createUsers(authUrl: string, users: readonly FlowUser[], concurrency = 16): Promise<void> {
  const control = localAuthControl(authUrl)
  await pool(users, concurrency, (u) => control.createUser({ email: u.email, password: u.password }))
}

/** Run `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await fn(items[index]!, index)
      }
    }),
  )
  return results
}

/** A distinct client IP per index (10.x.y.z). */
export function ipFor(index: number, salt = 0): string {
  const n = index + 1 + salt * 65_536
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
}

/** Sign in through the stand-in's password grant, as the main site would. */
export async function signIn(authUrl: string, apikey: string, email: string, password: string): Promise<number> {
  const response = await fetch(`${authUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  await response.arrayBuffer()
  return response.status
}
