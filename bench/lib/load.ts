/**
 * Section d: throughput and latency under load, with autocannon's programmatic API against `wrangler dev`
 * (+ the stand-in). Latency is taken from autocannon's per-response timings (sub-millisecond; its own
 * histogram keeps whole milliseconds), for the expected status only; throughput is expected-status
 * responses per second. A run with any other status is flagged, not silently averaged.
 */
import { randomBytes } from 'node:crypto'
import autocannon, { type Request as AutocannonRequest } from 'autocannon'
import { BenchBrowser } from './client'
import { MailWatcher, createUsers, ipFor, runFlow } from './flow'
import { percentile } from './stats'
import type { FlowTarget } from './roundtrips'

export interface RouteSpec {
  readonly id: string
  readonly label: string
  readonly expectedStatus: number
  /** Calls to the auth server each request makes (for the report). */
  readonly upstream: string
  /** Whether a request waits on (or triggers) a call to the auth server, i.e. whether stand-in latency matters. */
  readonly callsAuthServer: boolean
  build(prep: StackPrep): AutocannonRequest
}

/** What a Worker needs before its routes can be loaded: a CSRF token and a recovery session. */
export interface StackPrep {
  readonly origin: string
  readonly csrf: string
  readonly sessionCookie: string
}

let unique = 0
const nextUnique = () => ++unique

export const ROUTES: readonly RouteSpec[] = [
  {
    id: 'get-forgot',
    label: 'GET /account/forgot-password',
    expectedStatus: 200,
    upstream: 'none',
    callsAuthServer: false,
    build: () => ({ method: 'GET', path: '/account/forgot-password' }),
  },
  {
    id: 'post-forgot',
    label: 'POST /account/forgot-password',
    expectedStatus: 200,
    upstream: 'resetPasswordForEmail (ours: answers once the request has left, the call finishes in waitUntil)',
    callsAuthServer: true,
    build: (prep) => ({
      method: 'POST',
      path: '/account/forgot-password',
      // A distinct client IP and address per request, so neither our per-IP nor per-email edge limit
      // (nor the stand-in's per-user resend gap) turns requests into cheap 429s.
      setupRequest: (req: AutocannonRequest) => {
        const n = nextUnique()
        return {
          ...req,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: `csrf=${prep.csrf}`,
            origin: prep.origin,
            'sec-fetch-site': 'same-origin',
            'cf-connecting-ip': ipFor(n, 100),
          },
          body: new URLSearchParams({ csrf_token: prep.csrf, email: `load-${n}@example.com` }).toString(),
        }
      },
    }),
  },
  {
    id: 'get-update',
    label: 'GET /account/update-password (recovery session)',
    expectedStatus: 200,
    upstream: 'getClaims: JWT checked locally against the cached JWKS',
    callsAuthServer: false,
    build: (prep) => ({ method: 'GET', path: '/account/update-password', headers: { cookie: prep.sessionCookie } }),
  },
  {
    id: 'get-confirm',
    label: 'GET /auth/confirm (interstitial)',
    expectedStatus: 200,
    upstream: 'none',
    callsAuthServer: false,
    build: () => ({
      method: 'GET',
      path: `/auth/confirm?token_hash=pkce_${randomBytes(28).toString('hex')}&type=recovery&next=%2Faccount%2Fupdate-password`,
    }),
  },
]

/** CSRF token (from the form page for ours; made up for the baseline, which ignores it) and a recovery session. */
export async function prepareStack(stack: FlowTarget, tag: string): Promise<StackPrep> {
  const user = { email: `${tag}-${stack.id}-session@example.com`, password: 'old-password-1', newPassword: 'new-password-1x' }
  await createUsers(stack.authUrl, [user])
  const flow = await runFlow(stack.url, new MailWatcher(stack.authUrl), user, ipFor(1, 50), undefined, 'GET update')
  if (!flow.ok) throw new Error(`could not reach the update form on ${stack.id}: ${flow.error}`)
  const sessionCookie = [...flow.browser.jar].filter(([name]) => /^sb-[^-]+-auth-token(\.\d+)?$/.test(name)).map(([k, v]) => `${k}=${v}`).join('; ')
  if (!sessionCookie) throw new Error(`no session cookie from ${stack.id}`)
  const probe = new BenchBrowser(stack.url, ipFor(2, 50))
  const page = await (await probe.get('/account/forgot-password')).text()
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1] ?? probe.jar.get('csrf') ?? randomBytes(32).toString('base64url')
  return { origin: stack.url, csrf, sessionCookie }
}

export interface LoadRun {
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly responses: number
  readonly unexpected: Record<string, number>
  readonly errors: number
}

export async function loadRoute(
  stack: { readonly url: string },
  prep: StackPrep,
  route: RouteSpec,
  options: { durationS?: number; amount?: number; connections: number; requests?: AutocannonRequest[] },
): Promise<LoadRun> {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  const instance = autocannon({
    url: stack.url,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationS ?? 1 }),
    timeout: 10,
    requests: options.requests ?? [route.build(prep)],
  })
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
    if (statusCode === route.expectedStatus) latencies.push(responseTime)
  })
  const result = await instance
  const unexpected = Object.fromEntries(Object.entries(statuses).filter(([code]) => Number(code) !== route.expectedStatus))
  return {
    rps: latencies.length / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    responses: latencies.length,
    unexpected,
    errors: result.errors + result.timeouts,
  }
}
