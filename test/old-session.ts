/**
 * A browser that still holds an older session (an expired access token, refreshable or ended), and what
 * reached the stand-in while a step ran: shared by the idle-session and upstream-failure tests.
 */
import { stringToBase64URL } from '@supabase/ssr'
import { createClient } from '@supabase/supabase-js'
import { inject } from 'vitest'
import { Browser } from './browser'
import { captureLogs, control, type TestUser } from './flow'

export const SESSION = 'sb-127-auth-token'

/** A session cookie value for `user` whose access token has expired: live (refreshable) or ended (refresh token unknown). */
export async function oldSession(user: TestUser, state: 'expired' | 'ended'): Promise<string> {
  const supabase = createClient(inject('authUrl'), inject('anonKey'), { auth: { persistSession: false, autoRefreshToken: false } })
  const { data } = await supabase.auth.signInWithPassword(user)
  if (!data.session) throw new Error('no session')
  const session = { ...data.session, expires_at: Math.floor(Date.now() / 1000) - 60 }
  if (state === 'ended') session.refresh_token = 'endedsession'
  return `base64-${stringToBase64URL(JSON.stringify(session))}`
}

/** The browser of that person, holding `value` whole or in two chunks, as @supabase/ssr writes a large one. */
export async function browserHolding(value: string, chunked = false, browser = new Browser()): Promise<Browser> {
  await browser.get('/account/forgot-password')
  if (!chunked) browser.jar.set(SESSION, value)
  else {
    browser.jar.set(`${SESSION}.0`, value.slice(0, 600))
    browser.jar.set(`${SESSION}.1`, value.slice(600))
  }
  return browser
}

/** What reached the stand-in, as `METHOD path[?grant_type]`. */
export async function callsDuring<T>(run: () => Promise<T>): Promise<{ result: T; calls: string[]; lines: string[] }> {
  await control().clearRequests()
  const { result, lines } = await captureLogs(run)
  const calls = (await control().requests()).map((r) => `${r.method} ${r.path}${r.query.grant_type ? `?grant_type=${r.query.grant_type}` : ''}`)
  return { result, calls, lines }
}
