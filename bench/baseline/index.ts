/**
 * The benchmark baseline: bare Hono + @supabase/ssr `createServerClient`, making only the Supabase
 * Auth call each route of the real Worker makes, and nothing else: plain-text answers, no validation,
 * no CSRF, no rate limits, no security headers, no logging. It reads the same form fields as the
 * real Worker (and ignores `csrf_token`), so one load script drives both.
 *
 * Bindings: SUPABASE_URL, SUPABASE_PUBLISHABLE_KEY (passed by bench/run.ts as `--var`).
 */
import { createServerClient, parseCookieHeader } from '@supabase/ssr'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { setCookie } from 'hono/cookie'

interface Bindings {
  SUPABASE_URL: string
  SUPABASE_PUBLISHABLE_KEY: string
}
type Env = { Bindings: Bindings }

function supabase(c: Context<Env>) {
  return createServerClient(c.env.SUPABASE_URL, c.env.SUPABASE_PUBLISHABLE_KEY, {
    cookies: {
      getAll: () => parseCookieHeader(c.req.header('Cookie') ?? '').map(({ name, value }) => ({ name, value: value ?? '' })),
      setAll: (cookies) => {
        for (const { name, value, options } of cookies) setCookie(c, name, value, options as Parameters<typeof setCookie>[3])
      },
    },
  })
}

async function form(c: Context<Env>): Promise<Record<string, string>> {
  const body = await c.req.parseBody()
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)]))
}

const app = new Hono<Env>()

app.get('/healthz', (c) => c.text('ok'))

app.get('/account/forgot-password', (c) => c.text('forgot-password form'))

app.post('/account/forgot-password', async (c) => {
  const { email = '' } = await form(c)
  const redirectTo = new URL('/auth/confirm?next=/account/update-password', c.req.url).href
  const { error } = await supabase(c).auth.resetPasswordForEmail(email, { redirectTo })
  return c.text(error ? 'error' : 'check your email', error ? 400 : 200)
})

// The real Worker's GET is an interstitial page (no Supabase call); so is this one.
app.get('/auth/confirm', (c) => c.text('confirm interstitial'))

app.post('/auth/confirm', async (c) => {
  const { token_hash = '', type = 'recovery', next = '/account/update-password' } = await form(c)
  const { error } = await supabase(c).auth.verifyOtp({ token_hash, type: type as 'recovery' })
  return error ? c.text('error', 400) : c.redirect(next, 303)
})

app.get('/account/update-password', async (c) => {
  const { data } = await supabase(c).auth.getClaims()
  return data ? c.text(`update-password form for ${String(data.claims.email)}`) : c.redirect('/account/forgot-password', 303)
})

app.post('/account/update-password', async (c) => {
  const { password = '' } = await form(c)
  const { error } = await supabase(c).auth.updateUser({ password })
  return c.text(error ? 'error' : 'password changed', error ? 400 : 200)
})

export default app
