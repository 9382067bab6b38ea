/**
 * What sits in front of GoTrue: the request log, injected faults, artificial latency and Kong's
 * key-auth (`apikey` header or query; open routes /verify, /callback, /authorize, /.well-known/jwks.json).
 * Kong's 401 bodies are its own `{"message": ...}`, independent of the API version header.
 * Trade-off: a dropped connection destroys the socket and leaves the handler unrun.
 */
import type { MiddlewareHandler } from 'hono'
import { callerKeys } from './client-address'
import { PUBLISHABLE_KEY, SECRET_KEY } from './constants'
import type { AppEnv, LocalAuthContext } from './context'
import { AuthError, renderAuthError, renderGatewayError } from './errors'
import type { Fault, RequestLogEntry } from './faults'

const openPrefixes = ['/auth/v1/verify', '/auth/v1/callback', '/auth/v1/authorize', '/auth/v1/.well-known/jwks.json']
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Records every /auth/v1 request (method, path, query, fake-clock time, key kinds, Sb-Forwarded-For, status, error code). */
export function requestLogger(ctx: LocalAuthContext): MiddlewareHandler<AppEnv> {
  return async function requestLoggerMiddleware(c, next) {
    const url = new URL(c.req.url)
    const { apikey, bearer } = callerKeys(ctx, c)
    const entry: RequestLogEntry = {
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      time: new Date(ctx.clock.nowMs()).toISOString(),
      apikey,
      bearer,
      sb_forwarded_for: c.req.header('Sb-Forwarded-For') ?? null,
    }
    ctx.requestLog.record(entry)
    c.set('logEntry', entry)
    await next()
    entry.status = c.res.status
    if (c.res.status >= 400 && c.res.headers.get('content-type')?.includes('json')) {
      const body = (await c.res.clone().json().catch(() => ({}))) as { code?: unknown; error_code?: unknown }
      const code = body.code ?? body.error_code
      if (typeof code === 'string') entry.error_code = code
    }
  }
}

/** The response a status/body fault stands for. */
function faultResponse(fault: Fault, apiVersion: string | undefined, requestId: string): Response {
  // A body alone stands for a 200 with that body; a bare fault (no body, no status) is a 500.
  const status = fault.status ?? (fault.body !== undefined ? 200 : 500)
  if (fault.body === 'malformed') {
    return new Response('{"broken', { status, headers: { 'Content-Type': 'application/json' } })
  }
  if (typeof fault.body === 'string') {
    const isJson = (() => {
      try {
        JSON.parse(fault.body)
        return true
      } catch {
        return false
      }
    })()
    return new Response(fault.body, { status, headers: { 'Content-Type': isJson ? 'application/json' : 'text/plain' } })
  }
  if (fault.body) return Response.json(fault.body, { status })
  const code = status >= 500 ? 'unexpected_failure' : status === 429 ? 'over_request_rate_limit' : 'unknown'
  return renderAuthError(new AuthError(status, code, `Injected fault (local-auth) with status ${status}`), apiVersion, requestId)
}

/** Applies the first matching fault: delay, drop, or a replacement response. */
export function faultInjector(ctx: LocalAuthContext): MiddlewareHandler<AppEnv> {
  return async function faultInjectorMiddleware(c, next) {
    const fault = ctx.faults.take(c.req.method, new URL(c.req.url).pathname)
    if (!fault) return next()
    if (fault.delay_ms) await sleep(fault.delay_ms)
    if (fault.drop) {
      c.env?.incoming?.socket?.destroy()
      return new Response(null, { status: 499 })
    }
    if (fault.status !== undefined || fault.body !== undefined) {
      return faultResponse(fault, c.req.header('X-Supabase-Api-Version'), c.get('requestId'))
    }
    return next()
  }
}

/** Adds `latencyMs` before each /auth/v1 response. */
export function latency(ctx: LocalAuthContext): MiddlewareHandler<AppEnv> {
  return async function latencyMiddleware(_c, next) {
    if (ctx.config.latencyMs > 0) await sleep(ctx.config.latencyMs)
    await next()
  }
}

/** Kong key-auth: a known apikey is needed everywhere except the open routes. */
export function apiKeyGate(ctx: LocalAuthContext): MiddlewareHandler<AppEnv> {
  const valid = () => new Set([ctx.keys.anonKey, ctx.keys.serviceRoleKey, PUBLISHABLE_KEY, SECRET_KEY])
  return async function apiKeyGateMiddleware(c, next) {
    const path = new URL(c.req.url).pathname
    if (c.req.method === 'OPTIONS' || openPrefixes.some((p) => path === p || path.startsWith(`${p}/`))) return next()
    const key = c.req.header('apikey') ?? c.req.query('apikey')
    if (!key) return renderGatewayError(401, 'No API key found in request')
    if (!valid().has(key)) return renderGatewayError(401, 'Invalid authentication credentials')
    return next()
  }
}
