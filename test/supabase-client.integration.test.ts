/**
 * The request's Supabase clients (middleware/supabase.ts): one per session option, so a request that
 * first reads the browser's session and then confirms a link or asks for an email does the second on a
 * client that was never shown the session, whichever it asked for first.
 */
import { env } from 'cloudflare:workers'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../src/app-env'
import { loadConfigMiddleware } from '../src/middleware/load-config'
import { supabaseClient } from '../src/middleware/supabase'
import { newUser } from './flow'
import { oldSession, SESSION } from './old-session'

/** A route that asks for the clients in `order` and says which of them saw the session. */
function probe(order: readonly ('use' | 'ignore')[]) {
  const app = new Hono<AppEnv>()
  app.use(loadConfigMiddleware(), supabaseClient())
  app.get('/probe', async (c) => {
    const seen: Record<string, boolean> = {}
    for (const session of order) {
      const client = c.get('supabase')({ session })
      const { data } = await client.auth.getSession()
      seen[session] = data.session !== null
    }
    const same = c.get('supabase')({ session: 'use' }) === c.get('supabase')()
    return c.json({ seen, same, distinct: c.get('supabase')({ session: 'use' }) !== c.get('supabase')({ session: 'ignore' }) })
  })
  return app
}

describe('the Supabase clients of a request', () => {
  it.each([[['use', 'ignore']], [['ignore', 'use']]] as const)('asked for in the order %j: only the session client sees the session', async (order) => {
    const user = await newUser()
    // A live session: its access token still good, so reading it refreshes nothing.
    const value = (await oldSession(user, 'expired')).replace(/^base64-/, '')
    const session = JSON.parse(atob(value.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
    session.expires_at = Math.floor(Date.now() / 1000) + 3600
    const cookie = `${SESSION}=base64-${btoa(JSON.stringify(session)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
    const res = await probe(order).request('https://auth.example.com/probe', { headers: { cookie } }, env)
    expect(await res.json()).toEqual({ seen: { use: true, ignore: false }, same: true, distinct: true })
  })
})
