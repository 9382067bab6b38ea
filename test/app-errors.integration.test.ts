/**
 * What goes wrong on our side: an unhandled error gives the generic 500 page (with every security
 * header) and a log line naming only the error's class, never its message (which may quote input);
 * a misconfigured deployment names the bad binding, never its value.
 */
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import app from '../src/index'
import { captureLogs } from './flow'

async function fetchWith(bindings: object, path = '/account/forgot-password') {
  const ctx = createExecutionContext()
  const res = await app.fetch(new Request(`https://auth.example.com${path}`), bindings, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('app.onError', () => {
  it('answers an unhandled error with the 500 page and logs only the error name', async () => {
    // Bindings that throw when read: the message quotes a token, as an error message might quote input.
    const exploding = new Proxy({ ...env } as Record<string, unknown>, {
      get(target, key) {
        if (key === 'FORGOT_IP_LIMITER') throw new RangeError('boom token_hash=pkce_secret-value-123')
        return Reflect.get(target, key)
      },
    })
    const { result: res, lines } = await captureLogs(() => fetchWith(exploding))
    expect(res.status).toBe(500)
    const html = await res.text()
    expect(html).toContain('Something went wrong')
    expect(html).toContain('Nothing was changed')
    expect(html).not.toContain('boom')
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(res.headers.get('cache-control')).toContain('no-store')
    const log = lines.join('\n')
    expect(log).toContain('"msg":"unhandled_error"')
    expect(log).toContain('"error":"RangeError"')
    expect(log).not.toContain('pkce_secret-value-123')
    expect(log).not.toContain('boom')
  })
})

describe('a misconfigured deployment', () => {
  it.each([
    ['a secret key as the publishable key', { SUPABASE_PUBLISHABLE_KEY: 'sb_secret_abcdefghijklmnopqrstuvwxyz012345' }, 'sb_secret_abcdefghijklmnopqrstuvwxyz012345'],
  ])('%s: a 500 page naming the binding, never its value', async (_name, bindings, value) => {
    const { result: res, lines } = await captureLogs(() => fetchWith({ ...env, ...bindings }))
    expect(res.status).toBe(500)
    const html = await res.text()
    expect(html).toContain('<code>SUPABASE_PUBLISHABLE_KEY</code>')
    expect(html).not.toContain(value)
    expect(lines.join('\n')).not.toContain(value)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'")
  })
})
