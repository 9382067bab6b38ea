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
import { ERROR_PATH } from '../src/constants'
import { seeOther } from '../src/redirects'
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
