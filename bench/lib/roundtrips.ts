/**
 * Section c: round trips to the auth server per step, counted from the stand-in's request log
 * (GET/DELETE /__local/requests). Flows run one at a time on a freshly started Worker, so the first
 * flow shows the per-isolate JWKS fetch and the later ones the steady state.
 */
import { localAuthControl } from '../../local-auth/client'
import { MailWatcher, STEPS, createUsers, ipFor, runFlow, type FlowUser, type StepName } from './flow'

/** What a round-trip count needs of a server: its URL, its stand-in's, and a name for the users. */
export interface FlowTarget {
  readonly url: string
  readonly authUrl: string
  readonly id: string
}

export interface StepCount {
  /** Number of /auth/v1 requests. */
  readonly count: number
  /** e.g. ["POST /auth/v1/recover"] */
  readonly calls: readonly string[]
}

export interface RoundTripResult {
  readonly flows: number
  readonly errors: readonly string[]
  /** Per flow (index 0 = first flow in a fresh isolate), per step. */
  readonly perFlow: ReadonlyArray<Record<StepName, StepCount>>
}

export async function countRoundTrips(stack: FlowTarget, flows = 3, tag = 'rt'): Promise<RoundTripResult> {
  const control = localAuthControl(stack.authUrl)
  const mail = new MailWatcher(stack.authUrl)
  const users: FlowUser[] = Array.from({ length: flows }, (_, i) => ({
    email: `${tag}-${stack.id}-${i}@example.com`,
    password: `old-password-${i}`,
    newPassword: `new-password-${i}-x`,
  }))
  await createUsers(stack.authUrl, users)
  const perFlow: Array<Record<StepName, StepCount>> = []
  const errors: string[] = []
  for (const [i, user] of users.entries()) {
    const counts = {} as Record<StepName, StepCount>
    await control.clearRequests()
    const result = await runFlow(stack.url, mail, user, ipFor(i, 7), async (step) => {
      if (step === 'sign in') return
      const requests = await control.requests()
      await control.clearRequests()
      counts[step] = { count: requests.length, calls: requests.map((r) => `${r.method} ${r.path}`) }
    })
    if (!result.ok) errors.push(`flow ${i}: ${result.error}`)
    for (const step of STEPS) counts[step] ??= { count: Number.NaN, calls: [] }
    perFlow.push(counts)
  }
  return { flows, errors, perFlow }
}
