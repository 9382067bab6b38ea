/**
 * The backstop in src/redirects.ts: every redirect and link target a route builds passes
 * `checkedTarget` on its way out, so a bug upstream of it (a decision that lets a bad target through)
 * still cannot send anyone off-site. Checked as an invariant on what the browser receives, with the
 * independent oracle of the next-url properties, over the same hostile values fed straight to it as if
 * a route had built them.
 * The Location it lets through is always printable ASCII: paths as well as absolute URLs must be in the
 * URL parser's own form, so the runtime has nothing to re-encode (and workerd nothing to warn about).
 */
import fc from 'fast-check'
import { Hono } from 'hono'
import { describe, expect, it, vi } from 'vitest'
import type { AppEnv } from '../src/app-env'
import type { Config } from '../src/config'
import { ERROR_PATH, MAX_NEXT_LENGTH, SIGNED_IN_PATH, UPDATE_PASSWORD_PATH } from '../src/constants'
import { isAllowedTarget, resolveNext } from '../src/lib/next-url'
import { seeOther, withNext } from '../src/redirects'
import { ALLOWED, anyNext, SEED, SELF, violation } from './redirect-oracle'

const REFUSED = `${ERROR_PATH}?reason=unexpected`

/** A route that answers with whatever target it was handed, as a buggy route would. */
function answerWith(target: string): Promise<Response> {
  const app = new Hono<AppEnv>()
  app.get('/built', (c) => {
    c.set('config', { redirectOrigins: ALLOWED } as unknown as Config)
    c.set('requestId', 'req-1')
    return seeOther(c, target)
  })
  return Promise.resolve(app.request(`${SELF}/built`))
}

describe('seeOther (every redirect a route builds)', () => {
  it('never sends the browser anywhere the oracle refuses; what it refuses becomes the error page', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    await fc.assert(
      fc.asyncProperty(anyNext, async (target) => {
        const response = await answerWith(target)
        expect(response.status).toBe(303)
        const location = response.headers.get('location') ?? ''
        expect(violation(location)).toBeUndefined()
        expect(location).toMatch(/^[\x21-\x7e]+$/)
        if (violation(target)) expect(location).toBe(REFUSED)
      }),
      { numRuns: 3_000, seed: SEED + 10 },
    )
  })

  it('passes a safe target through unchanged', async () => {
    for (const target of ['/account/update-password?next=%2Fx', `${ALLOWED[0]}/welcome`, `${SELF}/account`]) {
      expect((await answerWith(target)).headers.get('location')).toBe(target)
    }
  })

  it('logs a refusal with a fixed reason and the request id, never the target', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const response = await answerWith('https://evil.example/?token_hash=pkce_secret')
    expect(response.headers.get('location')).toBe(REFUSED)
    expect(logged).toHaveBeenCalledTimes(1)
    const line = String(logged.mock.calls[0]?.[0])
    expect(JSON.parse(line)).toEqual({ msg: 'redirect_refused', id: 'req-1' })
    expect(line).not.toContain('evil')
    expect(line).not.toContain('pkce_secret')
  })
})

describe('withNext (the new-password form and the signed-in page carry the confirmed next along)', () => {
  // Whatever resolveNext accepted, the page it leads to must pass the backstop too: a link that did
  // verify must never end on the error page because its `next` grew when encoded.
  const options = { selfOrigin: SELF, allowedOrigins: ALLOWED, fallback: '/' }
  // Characters a canonical path or query keeps as they are, several of which URLSearchParams encodes.
  const kept = fc.constantFrom(...'abcXYZ019-._~!$&()*+,;=:@/'.split(''), '%C3%A9', '%20')
  // A short pattern repeated to a length near the cap (long arrays would make shrinking crawl).
  const tail = fc
    .tuple(fc.array(kept, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 2000 }))
    .map(([pattern, length]) => pattern.join('').repeat(Math.ceil(length / pattern.join('').length)).slice(0, length))
  const longNext = fc.oneof(
    tail.map((rest) => `/${rest}`),
    fc.tuple(tail, tail).map(([path, query]) => `/${path.slice(0, 300)}?${query}`.slice(0, 2040)),
    tail.map((rest) => `https://app.example.com/${rest}`.slice(0, 2048)),
    anyNext,
  )

  it('always builds a target the backstop lets through, dropping a next too long once encoded', () => {
    fc.assert(
      fc.property(longNext, fc.constantFrom(UPDATE_PASSWORD_PATH, SIGNED_IN_PATH), (raw, path) => {
        const decision = resolveNext(raw, options)
        if (decision.refused || decision.target === '/') return
        const target = withNext(path, decision.target)
        expect(isAllowedTarget(target, options), target.slice(0, 80)).toBe(true)
        // It keeps the next whenever that fits.
        const full = `${path}?${new URLSearchParams({ next: decision.target })}`
        expect(target).toBe(full.length <= MAX_NEXT_LENGTH ? full : path)
      }),
      { numRuns: 300, seed: SEED + 40, endOnFailure: true },
    )
  })
})
