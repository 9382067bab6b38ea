/**
 * One Supabase client per request, created lazily, never at module scope (field notes §3.7): `getAll` reads the
 * request's Cookie header, `setAll` appends one Set-Cookie per cookie plus the no-cache headers
 * @supabase/ssr passes. Calls to Supabase Auth go through a fetch with a timeout, so an outage
 * becomes an honest 504 page instead of a hang; with SUPABASE_SECRET_KEY that fetch also forwards the
 * person's address (lib/supabase-forwarding.ts decides which calls may carry the key). auth-js retries a
 * failed refresh with backoff for up to 30 s (GoTrueClient `_refreshAccessToken`): a request asks each
 * thing once, so a retry is refused, and the calls that may refresh are raced against that refusal
 * (`unlessUpstreamFails`); the retries auth-js keeps making in the background reach no one.
 */
import { createServerClient, parseCookieHeader } from '@supabase/ssr'
import type { SupabaseClient } from '@supabase/supabase-js'
import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { AppEnv, ClientOptions, UpstreamState } from '../app-env'
import type { Config } from '../config'
import { textFromBase64Url } from '../lib/base64url-text'
import { isSecureRequest } from '../lib/secure-request'
import { isSessionCookie, replacedSessionCookies } from '../lib/session-items'
import { forwardedHeaders, type ForwardingOptions } from '../lib/supabase-forwarding'

export function supabaseClient(): MiddlewareHandler<AppEnv> {
  return async function supabaseClient_(c, next) {
    const upstream: UpstreamState = { timedOut: false, calls: 0, ms: 0 }
    c.set('upstream', upstream)
    let sealed = false
    // Created on first use, with what only a request that calls Supabase needs (a page that never
    // calls it pays for none of it): building the client was a fifth of such a page's CPU. One client
    // per session option: a request that first reads the session (a second click on a link) and then
    // confirms a link must not confirm it on the client that was shown the old session.
    let fetcher: typeof fetch | undefined
    const clients = new Map<ClientOptions['session'], SupabaseClient>()
    c.set('supabase', (options: ClientOptions = {}) => {
      const key = options.session ?? 'use'
      let client = clients.get(key)
      if (client) return client
      const config = c.get('config')
      if (!fetcher) {
        let markStarted: () => void = () => {}
        c.set('upstreamStarted', new Promise<void>((resolve) => (markStarted = resolve)))
        let markFailed: () => void = () => {}
        c.set('upstreamFailed', new Promise<void>((resolve) => (markFailed = resolve)))
        c.set('sealCookies', () => {
          sealed = true
        })
        const hooks = { onFetch: () => markStarted(), onFailure: () => markFailed() }
        fetcher = timedFetch(config.upstreamTimeoutMs, upstream, hooks, forwardingFor(c, config))
        c.set('upstreamFetch', fetcher)
      }
      client = createClient(c, config, { session: key }, fetcher, () => sealed)
      clients.set(key, client)
      return client
    })
    await next()
    sealed = true
  }
}

function createClient(
  c: Context<AppEnv>,
  config: Config,
  options: ClientOptions,
  fetcher: typeof fetch,
  isSealed: () => boolean,
) {
  let cookies: { name: string; value: string }[] | undefined
  const hiddenSession = options.session === 'ignore' ? config.sessionCookieName : undefined
  return createServerClient(config.supabaseUrl, config.supabaseKey, {
    cookieOptions: {
      path: '/',
      sameSite: 'lax',
      secure: isSecureRequest(c),
      ...(config.cookieDomain ? { domain: config.cookieDomain } : {}),
    },
    cookies: {
      // auth-js reads storage several times per call (getClaims, updateUser): parse the header once.
      // A client that ignores the session never sees it: auth-js would otherwise refresh an expired
      // one (@supabase/ssr's onAuthStateChange → INITIAL_SESSION) for a call that does not use it.
      getAll: () => (cookies ??= readCookies(c.req.header('Cookie') ?? '', hiddenSession)),
      setAll(cookies, headers) {
        // Work left running in waitUntil must not touch a response that has already gone.
        if (isSealed()) return
        // A new session over one the client was not shown: the old session's cookies that would outlive
        // it go first (before the writes, which may reuse a name in another scope).
        if (hiddenSession !== undefined && cookies.some(({ name, value }) => value !== '' && isSessionCookie(name, hiddenSession))) {
          const written = new Set(cookies.map(({ name }) => name))
          for (const { name, domain } of replacedSessionCookies(Object.keys(getCookie(c)), written, hiddenSession, config.cookieDomain)) {
            deleteCookie(c, name, { path: '/', secure: isSecureRequest(c), ...(domain ? { domain } : {}) })
          }
        }
        for (const { name, value, options } of cookies) {
          setCookie(c, name, value, { ...options, sameSite: 'Lax' } as Parameters<typeof setCookie>[3])
        }
        for (const [key, value] of Object.entries(headers ?? {})) c.header(key, value)
      },
    },
    global: { fetch: fetcher },
  })
}

/**
 * The request's cookies for @supabase/ssr, with `base64-` values (the session, the PKCE verifier)
 * handed over already decoded when lib/base64url-text.ts can: ssr decodes a value once when it starts
 * with `base64-` and passes anything else through unchanged, so it reads the same text without its slow
 * decoder. A decoded text that itself starts with `base64-` stays as sent (ssr would decode it a second
 * time). Chunk cookies (`name.0`, `name.1`, …) are joined by ssr before decoding, so they stay as sent.
 * With `hiddenSession` (the session's storage key), the session's own cookies are left out.
 */
function readCookies(header: string, hiddenSession: string | undefined): { name: string; value: string }[] {
  const all = parseCookieHeader(header)
  const shown = hiddenSession === undefined ? all : all.filter(({ name }) => !isSessionCookie(name, hiddenSession))
  return shown.map(({ name, value = '' }) => {
    if (!value.startsWith(BASE64_PREFIX) || chunkNameRe.test(name)) return { name, value }
    const text = textFromBase64Url(value.slice(BASE64_PREFIX.length))
    return { name, value: text !== undefined && !text.startsWith(BASE64_PREFIX) ? text : value }
  })
}

const BASE64_PREFIX = 'base64-'
const chunkNameRe = /\.\d+$/

/** With SUPABASE_SECRET_KEY set: the key and the address Cloudflare saw (never a header the client sets). */
function forwardingFor(c: Context<AppEnv>, config: Config): ForwardingOptions | undefined {
  if (!config.secretKey) return undefined
  return { secretKey: config.secretKey, publishableKey: config.supabaseKey, clientIp: c.req.header('cf-connecting-ip') }
}

/**
 * fetch with AbortSignal.timeout, recording what happened for error classification and logs (the
 * status of the last answer too: a body that then breaks off or stalls came after Supabase acted); with
 * forwarding, the secret key and Sb-Forwarded-For where lib/supabase-forwarding.ts allows them. A
 * request asks Supabase each thing once: the same call again is auth-js retrying after a failure, so it
 * is refused without reaching Supabase and the request stops waiting (`upstreamFailed`).
 */
function timedFetch(
  timeoutMs: number,
  upstream: UpstreamState,
  hooks: { readonly onFetch: () => void; readonly onFailure: () => void },
  forwarding?: ForwardingOptions,
): typeof fetch {
  const made = new Set<string>()
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const call = `${init?.method ?? 'GET'} ${url}`
    if (made.has(call)) {
      hooks.onFailure()
      throw new TypeError('Supabase Auth failed once in this request: not asked again')
    }
    made.add(call)
    upstream.lastStatus = undefined
    upstream.calls++
    hooks.onFetch()
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    const headers = forwarding ? forwardedHeaders(url, new Headers(init?.headers), forwarding) : undefined
    const started = Date.now()
    try {
      const response = await fetch(input, { ...init, ...(headers ? { headers } : {}), signal })
      upstream.lastStatus = response.status
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

/** Sentinel of `unlessUpstreamFails`. */
export const UPSTREAM_FAILED: unique symbol = Symbol('upstream failed')

/**
 * `work` (a supabase-js call that may refresh the session), or UPSTREAM_FAILED as soon as auth-js
 * retries a failed call, instead of waiting while it keeps retrying. Call after the client exists.
 */
export function unlessUpstreamFails<T>(c: Context<AppEnv>, work: Promise<T>): Promise<T | typeof UPSTREAM_FAILED> {
  return Promise.race([work, c.get('upstreamFailed').then((): typeof UPSTREAM_FAILED => UPSTREAM_FAILED)])
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
