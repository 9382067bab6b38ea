/**
 * The small pages around the flow (src/routes/pages.tsx), as the tools that call them see them: the
 * health check a load balancer or uptime monitor reads, and the W3C change-password URL password
 * managers open.
 */
import { describe, expect, it } from 'vitest'
import { Browser } from './browser'

describe('GET /healthz', () => {
  it('answers 200 JSON {"status":"ok"} on a healthy deployment, never cached', async () => {
    const res = await new Browser().get('/healthz')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({ status: 'ok' })
    expect(res.headers.get('cache-control')).toContain('no-store')
  })
})

describe('GET /.well-known/change-password (W3C, for password managers)', () => {
  it('is a temporary redirect (302, which browsers do not remember) to the reset form', async () => {
    const res = await new Browser().get('/.well-known/change-password')
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/account/forgot-password')
  })
})

describe('an unknown path', () => {
  it('gets the 404 page, which offers the way to ask for a new link', async () => {
    const res = await new Browser().get('/no/such/page')
    expect(res.status).toBe(404)
    const html = await res.text()
    expect(html).toContain('<h1>Page not found</h1>')
    expect(html).toContain('Open the link from your email again, or <a href="/account/forgot-password">ask for a new one</a>.')
  })
})
