/**
 * One structured JSON log line per request: route, status, outcome reason, request id, duration.
 * Never logs query strings, bodies, cookies or headers: those carry token hashes, codes, passwords,
 * emails and session tokens. Anything a handler wants logged goes through `reason`, a fixed code.
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
  readonly ms: number
}

export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const started = Date.now()
    c.set('requestId', c.req.header('cf-ray') ?? crypto.randomUUID())
    await next()
    const line: LogLine = {
      msg: 'request',
      id: c.get('requestId'),
      ...(c.get('config') ? { site: c.get('config').siteId } : {}),
      method: c.req.method,
      // The route pattern, not the URL: the URL may carry a token.
      route: routeOf(routePath(c)),
      status: c.res.status,
      ...(c.get('reason') ? { reason: String(c.get('reason')) } : {}),
      ...(c.get('upstream') ? { upstream_calls: c.get('upstream').calls } : {}),
      ...(c.get('upstream')?.refusedCode ? { upstream_refused: c.get('upstream').refusedCode } : {}),
      ms: Date.now() - started,
    }
    console.log(JSON.stringify(line))
    recordRequestEvent(c, line.route, line.status)
  }
}

/** After `next()`, Hono's route index points at the handler that answered; wildcards mean none did. */
function routeOf(path: string): string {
  return path === '' || path === '*' || path === '/*' ? 'unmatched' : path
}
