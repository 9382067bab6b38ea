/**
 * Auth events: one per flow outcome (a request that ended with a `reason`, or a background reset email),
 * written to Workers Analytics Engine when a dataset is bound as AUTH_EVENTS (README "Operating it").
 * Without the binding nothing extra happens: the JSON log lines already carry the same facts.
 * An event holds fixed codes and numbers only: site, route pattern, outcome, country, colo, which
 * limit refused, upstream time and calls. Never an email, token, code, IP or user id, and nothing the
 * client typed: every blob is checked against a fixed shape here, so a future caller cannot leak one.
 * Trade-off: no per-user dimension at all (not even a salted hash), so events cannot follow one person.
 */
import type { Context } from 'hono'
import type { AppEnv } from './app-env'
import type { EventSink } from './config'

/** One flow outcome, as written. Field order here is column order in the dataset (blob1…, double1…). */
export interface AuthEvent {
  /** blob1 and index1: the site's hostname (`SITES` key), `default` for a single-site deployment. */
  readonly site: string
  /** blob2: the route pattern (`/auth/confirm`), never the URL. */
  readonly route: string
  /** blob3: the fixed outcome code (`reset_requested`, `link_expired`, `reset_email_refused`, …). */
  readonly outcome: string
  /** blob4: the visitor's country as Cloudflare saw it (ISO 3166 alpha-2, `T1` for Tor), or empty. */
  readonly country: string
  /** blob5: the Cloudflare data centre (IATA code), or empty. */
  readonly colo: string
  /** blob6: which limit refused: our edge limiter's binding name, or Supabase's code; empty otherwise. */
  readonly limit: string
  /** double1: milliseconds spent waiting on Supabase Auth. */
  readonly upstreamMs: number
  /** double2: calls made to Supabase Auth. */
  readonly upstreamCalls: number
  /** double3: the HTTP status answered (0 for a background email). */
  readonly status: number
}

/** Analytics Engine allows 96 bytes per index; hostnames are ASCII. */
const MAX_INDEX_LENGTH = 96

const codeRe = /^[a-z0-9_]{1,64}$/
const limitRe = /^[A-Za-z0-9_]{1,64}$/
const routeRe = /^\/[A-Za-z0-9_\-/.:*]{0,100}$|^unmatched$/
const siteRe = /^[a-z0-9.-]{1,253}$/
const countryRe = /^[A-Z][A-Z0-9]$/
const coloRe = /^[A-Z]{3}$/

/** Pure: a value kept only when it has the expected fixed shape, else `fallback`. */
function shaped(value: unknown, re: RegExp, fallback = ''): string {
  return typeof value === 'string' && re.test(value) ? value : fallback
}

/** Pure: the data point for an event; any blob of an unexpected shape is replaced, never passed on. */
export function toDataPoint(event: AuthEvent): { indexes: string[]; blobs: string[]; doubles: number[] } {
  const site = shaped(event.site, siteRe, 'unknown')
  return {
    indexes: [site.slice(0, MAX_INDEX_LENGTH)],
    blobs: [
      site,
      shaped(event.route, routeRe, 'unmatched'),
      shaped(event.outcome, codeRe, 'other'),
      shaped(event.country, countryRe),
      shaped(event.colo, coloRe),
      shaped(event.limit, limitRe),
    ],
    doubles: [finite(event.upstreamMs), finite(event.upstreamCalls), finite(event.status)],
  }
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0
}

/** What an event needs from the request, captured up front (background work outlives the request). */
export interface EventScope {
  readonly sink: EventSink | undefined
  readonly site: string
  readonly country: string
  readonly colo: string
}

/**
 * The request's event scope; undefined before a site's configuration is loaded (no site, no event) and
 * when no dataset is bound (then `cf`, which workerd builds into an object on each read, is not read).
 */
export function eventScope(c: Context<AppEnv>): EventScope | undefined {
  const config = c.get('config')
  if (!config?.events) return undefined
  const cf = c.req.raw.cf as { country?: unknown; colo?: unknown } | undefined
  return { sink: config.events, site: config.siteId, country: String(cf?.country ?? ''), colo: String(cf?.colo ?? '') }
}

/** Write the event when a dataset is bound. Never throws: an analytics outage must not fail a reset. */
export function writeEvent(sink: EventSink | undefined, event: AuthEvent): void {
  if (!sink) return
  try {
    sink.writeDataPoint(toDataPoint(event))
  } catch {
    console.error(JSON.stringify({ msg: 'event_write_failed' }))
  }
}

/** The request's outcome as an event (request-log middleware, after the handler set `reason`). */
export function recordRequestEvent(c: Context<AppEnv>, route: string, status: number): void {
  const reason = c.get('reason')
  const scope = reason ? eventScope(c) : undefined
  if (!scope?.sink) return
  const upstream = c.get('upstream')
  writeEvent(scope.sink, {
    site: scope.site,
    route,
    outcome: String(reason),
    country: scope.country,
    colo: scope.colo,
    limit: c.get('limitedBy') ?? upstream?.refusedCode ?? '',
    upstreamMs: upstream?.ms ?? 0,
    upstreamCalls: upstream?.calls ?? 0,
    status,
  })
}

/** Outcome of a background reset email: `sent`, a Reason, or refused by Supabase's limits. */
export interface ResetEmailOutcome {
  readonly outcome: string
  /** Supabase's code when its limits refused the email (`over_email_send_rate_limit`, …). */
  readonly refusedCode?: string | undefined
  readonly upstreamMs: number
  readonly upstreamCalls: number
}

/**
 * The background reset email's log lines and its event: `reset_email_sent`, `reset_email_refused` (with
 * Supabase's code as the limit) or `reset_email_<reason>`. A sent email logs nothing (the request line
 * says `reset_requested`; one line per request on the happy path); one that was not sent logs
 * `reset_email_refused` (Supabase's limits) and `reset_email` with its outcome.
 */
export function recordResetEmail(scope: EventScope | undefined, requestId: string, result: ResetEmailOutcome): void {
  // Supabase's limits refused the email: the person still sees "Check your email" (enumeration),
  // so this line and event are how an operator counts them (README "Supabase's limits").
  if (result.refusedCode !== undefined) {
    console.log(JSON.stringify({ msg: 'reset_email_refused', id: requestId, code: result.refusedCode }))
  }
  if (result.outcome !== 'sent') console.log(JSON.stringify({ msg: 'reset_email', id: requestId, outcome: result.outcome }))
  if (!scope) return
  writeEvent(scope.sink, {
    site: scope.site,
    route: '/account/forgot-password',
    outcome: result.refusedCode !== undefined ? 'reset_email_refused' : `reset_email_${result.outcome}`,
    country: scope.country,
    colo: scope.colo,
    limit: result.refusedCode ?? '',
    upstreamMs: result.upstreamMs,
    upstreamCalls: result.upstreamCalls,
    status: 0,
  })
}
