/**
 * One scenario of the limits benchmark: `flows` people, each from their own address, reset their password
 * through the Worker (wrangler dev) against the stand-in with a hosted project's limits, `concurrency` at a
 * time. Two phases, so every missing email can be matched to Supabase's record of refusing it: first
 * everyone asks for a link; once the stand-in has answered every /recover, those who got an email
 * confirm it and choose a new password.
 *
 * Every reset ends in exactly one outcome: completed; a limit page (429 with Retry-After: the person is
 * told to wait); an email Supabase refused (the person saw "Check your email", as for unknown addresses,
 * and the operator sees reset_email_refused); or lost (anything else: an error page, a missing email
 * Supabase never refused, a 429 without Retry-After). Lost must be 0.
 */
import { localAuthControl, type LocalAuthLimits } from '../../local-auth/client'
import { SECRET_KEY } from '../../local-auth/constants'
import { startStack } from '../../scripts/stack'
import { LimitsBrowser, pool } from './browser'

export interface ScenarioOptions {
  readonly name: string
  readonly flows: number
  readonly concurrency: number
  /** Stand-in limits (the hosted preset plus overrides). */
  readonly limits: Partial<LocalAuthLimits>
  /** Give the Worker SUPABASE_SECRET_KEY (forwarding). */
  readonly secretKey: boolean
  /** Start from links already emailed (minted by the stand-in, uncharged): only confirm and new password run. */
  readonly linksSentEarlier?: boolean
}

export type Outcome = 'completed' | 'limit_page' | 'email_refused' | 'lost' | 'dev_server_error'

export interface ScenarioResult {
  readonly name: string
  readonly flows: number
  readonly seconds: number
  readonly outcomes: Record<Outcome, number>
  /** Of those who saw a limit page, how many finished by submitting the same page once the limit passed. */
  readonly completedAfterWaiting: number
  /** Limit pages by the step that showed them. */
  readonly limitPagesByStep: Record<string, number>
  /** /recover calls Supabase refused, by its code. */
  readonly refusedByCode: Record<string, number>
  /** Why each lost reset was lost (first few). */
  readonly lostReasons: string[]
  /** Answers that did not come from the Worker at all (wrangler dev's own errors under load; first few). */
  readonly devServerErrors: string[]
}

const PASSWORD = 'old-password-limits'
const NEW_PASSWORD = 'new-password-limits-bench'

/** A distinct client address per person (198.18.0.0/15, the benchmarking range). */
const ipFor = (i: number) => `198.18.${(i >> 8) & 255}.${i & 255}`

/** Where a person stopped on a limit page: the page to submit again. */
interface Resume {
  readonly step: 'POST confirm' | 'POST update'
  readonly html: string
}

type FinishResult = { kind: 'completed' } | { kind: 'limited'; resume: Resume } | { kind: 'lost' | 'dev'; why: string }

/** From the confirm interstitial (or the new-password form) to "Password changed". */
async function finish(browser: LimitsBrowser, from: Resume): Promise<FinishResult> {
  let form = from.html
  if (from.step === 'POST confirm') {
    const confirmed = await browser.submit(form)
    if (!isFromWorker(confirmed)) return { kind: 'dev', why: `confirm: ${confirmed.status}` }
    const location = confirmed.headers.get('location') ?? ''
    if (confirmed.status !== 303) return { kind: 'lost', why: `confirm: ${confirmed.status}` }
    const next = await browser.get(location)
    if (!isFromWorker(next)) return { kind: 'dev', why: `after confirm: ${next.status}` }
    if (isLimitPage(next)) return { kind: 'limited', resume: from }
    if (!location.startsWith('/account/update-password') || next.status !== 200) return { kind: 'lost', why: `confirm → ${location}: ${next.status}` }
    form = await next.text()
  }
  const done = await browser.submit(form, { password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })
  if (!isFromWorker(done)) return { kind: 'dev', why: `update: ${done.status}` }
  if (isLimitPage(done)) return { kind: 'limited', resume: { step: 'POST update', html: form } }
  if (done.status !== 200 || !(await done.text()).includes('Password changed')) return { kind: 'lost', why: `update: ${done.status}` }
  return { kind: 'completed' }
}

/** Every response of the Worker carries its CSP; wrangler dev's own error answers do not. */
function isFromWorker(response: Response): boolean {
  return response.headers.has('content-security-policy')
}

function isLimitPage(response: Response): boolean {
  return response.status === 429 && Number(response.headers.get('retry-after')) > 0
}

/** Start a fresh stack (stand-in + wrangler dev) for the scenario, run it, stop the stack. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const stack = await startStack({ vars: options.secretKey ? { SUPABASE_SECRET_KEY: SECRET_KEY } : {} })
  try {
    return await drive(stack.workerUrl, stack.auth.url, options)
  } finally {
    await stack.stop()
  }
}

async function drive(workerUrl: string, authUrl: string, options: ScenarioOptions): Promise<ScenarioResult> {
  const control = localAuthControl(authUrl)
  const people = Array.from({ length: options.flows }, (_, i) => ({ email: `limits${i}@example.com`, ip: ipFor(i + 1) }))
  await pool(people, 16, (p) => control.createUser({ email: p.email, password: PASSWORD }))
  await control.setLimits({ preset: 'hosted', ...options.limits })
  await control.clearRequests()
  await control.clearMessages()
  const started = performance.now()
  const outcome: (Outcome | undefined)[] = new Array(people.length)
  const lostReasons: string[] = []
  const limitPagesByStep: Record<string, number> = {}
  const lose = (i: number, why: string) => {
    outcome[i] = 'lost'
    if (lostReasons.length < 10) lostReasons.push(`${people[i]!.email}: ${why}`)
  }
  const devServerErrors: string[] = []
  const devServerError = (i: number, why: string) => {
    outcome[i] = 'dev_server_error'
    if (devServerErrors.length < 3) devServerErrors.push(why)
  }
  const limited = (i: number, step: string) => {
    outcome[i] = 'limit_page'
    limitPagesByStep[step] = (limitPagesByStep[step] ?? 0) + 1
  }
  const browsers = people.map((p) => new LimitsBrowser(workerUrl, p.ip))

  // Phase 1: everyone asks for a link (or, for linksSentEarlier, already has one).
  let asked = 0
  const minted = new Map<string, string>()
  if (options.linksSentEarlier) {
    await pool(people, 16, async (p) => {
      const { token_hash } = await control.mintToken({ email: p.email, type: 'recovery' })
      minted.set(p.email, `${workerUrl}/auth/confirm?token_hash=${token_hash}&type=recovery&next=/account/update-password`)
    })
  }
  await pool(options.linksSentEarlier ? [] : people, options.concurrency, async (person, i) => {
    const browser = browsers[i]!
    try {
      const form = await browser.get('/account/forgot-password')
      const answer = await browser.submit(await form.text(), { email: person.email })
      if (isLimitPage(answer)) return limited(i, 'POST forgot')
      const text = await answer.text()
      if (!isFromWorker(answer)) return devServerError(i, `forgot: ${answer.status} ${text.slice(0, 80)}`)
      if (answer.status !== 200 || !text.includes('Check your email')) return lose(i, `forgot: ${answer.status}`)
      asked++
    } catch (error) {
      lose(i, `forgot: ${String(error)}`)
    }
  })

  // Wait until Supabase has answered every /recover the Worker sent (it sends them in waitUntil).
  const deadline = Date.now() + 60_000
  let recovers = (await control.requests()).filter((r) => r.path === '/auth/v1/recover')
  while (recovers.filter((r) => r.status !== undefined).length < asked && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    recovers = (await control.requests()).filter((r) => r.path === '/auth/v1/recover')
  }
  const refusedByCode: Record<string, number> = {}
  for (const r of recovers) if (r.status === 429) refusedByCode[r.error_code ?? 'unknown'] = (refusedByCode[r.error_code ?? 'unknown'] ?? 0) + 1
  const refusedTotal = Object.values(refusedByCode).reduce((a, b) => a + b, 0)

  // Who got an email: read the whole outbox once.
  const links = new Map<string, string>(minted)
  const outbox = (await (await fetch(`${authUrl}/api/v1/messages?limit=1000000`)).json()) as { messages: { ID: string; To: { Address: string }[] }[] }
  for (const summary of outbox.messages) {
    const full = await control.message(summary.ID)
    const link = /href="([^"]*\/auth\/confirm[^"]*)"/.exec(full.HTML)?.[1]?.replace(/&amp;/g, '&')
    const to = summary.To[0]?.Address
    if (link && to) links.set(to, link)
  }
  let withoutEmail = 0
  for (const [i, person] of people.entries()) {
    if (outcome[i] === undefined && !links.has(person.email)) {
      withoutEmail++
      outcome[i] = withoutEmail <= refusedTotal ? 'email_refused' : 'lost'
      if (outcome[i] === 'lost' && lostReasons.length < 10) lostReasons.push(`${person.email}: no email and no refusal recorded`)
    }
  }

  // Phase 2: those with an email open it, confirm, and choose a new password.
  const resume: (Resume | undefined)[] = new Array(people.length)
  const settle = (i: number, result: FinishResult) => {
    if (result.kind === 'completed') outcome[i] = 'completed'
    else if (result.kind === 'limited') {
      limited(i, result.resume.step)
      resume[i] = result.resume
    } else if (result.kind === 'dev') devServerError(i, result.why)
    else lose(i, result.why)
  }
  await pool(people, options.concurrency, async (person, i) => {
    if (outcome[i] !== undefined) return
    const browser = browsers[i]!
    try {
      const url = new URL(links.get(person.email)!)
      const page = await browser.get(`${url.pathname}${url.search}`)
      if (!isFromWorker(page)) return devServerError(i, `link page: ${page.status}`)
      if (page.status !== 200) return lose(i, `link page: ${page.status}`)
      settle(i, await finish(browser, { step: 'POST confirm', html: await page.text() }))
    } catch (error) {
      lose(i, `phase 2: ${String(error)}`)
    }
  })

  // Phase 3: the limit passes (Supabase's limits back to the CLI's); everyone who saw a limit page
  // submits the same page again, as its Retry-After told them to. Nothing was spent, so all must finish.
  await control.setLimits({ preset: 'cli' })
  let completedAfterWaiting = 0
  await pool(people, options.concurrency, async (_person, i) => {
    const from = resume[i]
    if (!from) return
    try {
      const result = await finish(browsers[i]!, from)
      if (result.kind === 'completed') completedAfterWaiting++
      else if (result.kind === 'dev') devServerError(i, `after waiting: ${result.why}`)
      else lose(i, `after waiting: ${result.kind === 'lost' ? result.why : 'limited again'}`)
    } catch (error) {
      lose(i, `after waiting: ${String(error)}`)
    }
  })

  const outcomes: Record<Outcome, number> = { completed: 0, limit_page: 0, email_refused: 0, lost: 0, dev_server_error: 0 }
  for (const o of outcome) outcomes[o ?? 'lost']++
  return {
    name: options.name,
    completedAfterWaiting,
    flows: options.flows,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    outcomes,
    limitPagesByStep,
    refusedByCode,
    lostReasons,
    devServerErrors,
  }
}
