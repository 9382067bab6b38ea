/**
 * One structured JSON log line per request: route, status, outcome reason, request id, duration.
 * Never logs query strings, bodies, cookies or headers: those carry token hashes, codes, passwords,
 * emails and session tokens. Anything a handler wants logged goes through `reason`, a fixed code.
 * The line is built as a string (values that could hold quotes go through JSON.stringify), with the
 * same keys in the same order as LogLine: no object per request beyond the line itself.
 */
import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { AppEnv } from '../app-env'
import { recordRequestEvent } from '../events'

export interface LogLine {
  readonly msg: 'request'
  readonly id: string
  /** The site (its hostname; `default` for a single-site deployment). */
  readonly site?: string
  readonly method: string
  readonly route: string
  readonly status: number
  readonly reason?: string
  readonly upstream_calls?: number
  /** Supabase's code when one of its limits refused a call (`over_request_rate_limit`, …). */
  readonly upstream_refused?: string
  /** The breached-password check's outcome (`breach_check_passed`, …) on a new-password POST. */
  readonly breach_check?: string
  readonly ms: number
}

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const started = Date.now()
    const id = c.req.header('cf-ray') ?? crypto.randomUUID()
    c.set('requestId', id)
    await next()
    const reason = c.get('reason')
    const upstream = c.get('upstream')
    const config = c.get('config')
    // The route pattern, not the URL: the URL may carry a token.
    const route = routeOf(routePath(c))
    let line = `{"msg":"request","id":${JSON.stringify(id)}`
    if (config) line += `,"site":${JSON.stringify(config.siteId)}`
    line += `,"method":${JSON.stringify(c.req.method)},"route":${JSON.stringify(route)},"status":${c.res.status}`
    if (reason) line += `,"reason":${JSON.stringify(String(reason))}`
    if (upstream) line += `,"upstream_calls":${upstream.calls}`
    if (upstream?.refusedCode) line += `,"upstream_refused":${JSON.stringify(upstream.refusedCode)}`
    const breachCheck = c.get('breachCheck')
    if (breachCheck) line += `,"breach_check":${JSON.stringify(breachCheck)}`
    console.log(`${line},"ms":${Date.now() - started}}`)
    recordRequestEvent(c, route, c.res.status)
  }
}

/** After `next()`, Hono's route index points at the handler that answered; wildcards mean none did. */
function routeOf(path: string): string {
  return path === '' || path === '*' || path === '/*' ? 'unmatched' : path
}
