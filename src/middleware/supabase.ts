/**
 * One Supabase client per request, created lazily, never at module scope (field notes §3.7): `getAll` reads the
 * request's Cookie header, `setAll` appends one Set-Cookie per cookie plus the no-cache headers
 * @supabase/ssr passes. Calls to Supabase Auth go through a fetch with a timeout, so an outage
 * becomes an honest 504 page instead of a hang; with SUPABASE_SECRET_KEY that fetch also forwards the
 * person's address (lib/supabase-forwarding.ts decides which calls may carry the key).
 */
import { createServerClient, parseCookieHeader } from '@supabase/ssr'
import type { SupabaseClient } from '@supabase/supabase-js'
import type { Context, MiddlewareHandler } from 'hono'
import { setCookie } from 'hono/cookie'
import type { AppEnv, UpstreamState } from '../app-env'
import type { Config } from '../config'
import { isSecureRequest } from '../lib/secure-request'
import { forwardedHeaders, type ForwardingOptions } from '../lib/supabase-forwarding'

export function supabaseClient(): MiddlewareHandler<AppEnv> {
  return async function supabaseClient_(c, next) {
    const upstream: UpstreamState = { timedOut: false, calls: 0, ms: 0 }
    let sealed = false
    let markStarted: () => void = () => {}
    c.set('upstreamStarted', new Promise<void>((resolve) => (markStarted = resolve)))
    c.set('upstream', upstream)
    c.set('sealCookies', () => {
      sealed = true
    })
    // Created on first use: building supabase-js is a fifth of the CPU of a page that never calls it.
    let client: SupabaseClient | undefined
    c.set('supabase', () => (client ??= createClient(c, c.get('config'), upstream, () => sealed, () => markStarted())))
    await next()
    sealed = true
  }
}

function createClient(
  c: Context<AppEnv>,
  config: Config,
  upstream: UpstreamState,
  isSealed: () => boolean,
  onFetch: () => void,
) {
  return createServerClient(config.supabaseUrl, config.supabaseKey, {
    cookieOptions: {
      path: '/',
      sameSite: 'lax',
      secure: isSecureRequest(c),
      ...(config.cookieDomain ? { domain: config.cookieDomain } : {}),
    },
    cookies: {
      getAll() {
        return parseCookieHeader(c.req.header('Cookie') ?? '').map(({ name, value }) => ({ name, value: value ?? '' }))
      },
      setAll(cookies, headers) {
        // Work left running in waitUntil must not touch a response that has already gone.
        if (isSealed()) return
        for (const { name, value, options } of cookies) {
          setCookie(c, name, value, { ...options, sameSite: 'Lax' } as Parameters<typeof setCookie>[3])
        }
        for (const [key, value] of Object.entries(headers ?? {})) c.header(key, value)
      },
    },
    global: { fetch: timedFetch(config.upstreamTimeoutMs, upstream, onFetch, forwardingFor(c, config)) },
  })
}

/** With SUPABASE_SECRET_KEY set: the key and the address Cloudflare saw (never a header the client sets). */
function forwardingFor(c: Context<AppEnv>, config: Config): ForwardingOptions | undefined {
  if (!config.secretKey) return undefined
  return { secretKey: config.secretKey, publishableKey: config.supabaseKey, clientIp: c.req.header('cf-connecting-ip') }
}

/**
 * fetch with AbortSignal.timeout, recording what happened for error classification and logs; with
 * forwarding, the secret key and Sb-Forwarded-For where lib/supabase-forwarding.ts allows them.
 */
function timedFetch(timeoutMs: number, upstream: UpstreamState, onFetch: () => void, forwarding?: ForwardingOptions): typeof fetch {
  return async (input, init) => {
    upstream.calls++
    onFetch()
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const headers = forwarding ? forwardedHeaders(url, new Headers(init?.headers), forwarding) : undefined
    const started = Date.now()
    try {
      const response = await fetch(input, { ...init, ...(headers ? { headers } : {}), signal })
      if (response.status === 429) upstream.refusedCode = await refusalCode(response)
      return response
    } catch (error) {
      if (timeout.aborted) upstream.timedOut = true
      throw error
    } finally {
      upstream.ms += Date.now() - started
    }
  }
}

/** Supabase's code for a 429 (`over_request_rate_limit`, `over_email_send_rate_limit`), for the log line. */
async function refusalCode(response: Response): Promise<string> {
  try {
    const body = (await response.clone().json()) as { code?: unknown; error_code?: unknown }
    const code = body.code ?? body.error_code
    return typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? code : 'unknown'
  } catch {
    return 'unknown'
  }
}
