/**
 * The state of one running stand-in, handed to every route factory: config, fake clock, tables, keys,
 * outbox, faults, request log and limits, plus the public URL (known only once the socket listens).
 * Also the Hono env type shared by all routes. No behaviour lives here except `resetState`.
 */
import type { HttpBindings } from '@hono/node-server'
import { Clock } from './clock'
import { DEMO_EMAIL, DEMO_PASSWORD } from './constants'
import { FaultQueue, RequestLog, type RequestLogEntry } from './faults'
import { Limits } from './limits'
import { Mailer } from './mailer'
import type { LocalAuthConfig } from './options'
import { Store, type SessionRow, type UserRow } from './store'
import type { AccessClaims, SigningKeys } from './tokens'
import { createUser } from './users'

/** Everything a route needs; one per started instance. */
export interface LocalAuthContext {
  /** Replaced (never mutated) by the Management API's PATCH (management.ts); reset restores the start options. */
  config: LocalAuthConfig
  /** The options the stand-in started with. */
  readonly startConfig: LocalAuthConfig
  /** Management API settings the stand-in stores but does not act on (SMTP). */
  readonly projectSettings: Map<string, unknown>
  readonly clock: Clock
  readonly store: Store
  readonly keys: SigningKeys
  readonly mailer: Mailer
  readonly faults: FaultQueue
  readonly requestLog: RequestLog
  /** Per-IP buckets and the hourly email budget (limits.ts). */
  readonly limits: Limits
  /** Base URL without trailing slash, e.g. http://127.0.0.1:54321. */
  url: string
}

/** The authenticated caller, set by the auth guards. */
export interface AuthState {
  claims: AccessClaims
  user?: UserRow
  session?: SessionRow
}

/** Hono generics for every route of the stand-in. */
export type AppEnv = {
  Bindings: HttpBindings
  Variables: { auth: AuthState; requestId: string; logEntry?: RequestLogEntry }
}

/** Build a fresh context (the URL is filled in by the server once it listens). */
export function createContext(config: LocalAuthConfig, keys: SigningKeys): LocalAuthContext {
  const clock = new Clock()
  return {
    config,
    startConfig: config,
    projectSettings: new Map(),
    keys,
    clock,
    limits: new Limits({ ...config.limits }, () => clock.nowMs()),
    store: new Store(),
    mailer: new Mailer(config.templatesDir),
    faults: new FaultQueue(),
    requestLog: new RequestLog(),
    url: '',
  }
}

/** POST /__local/reset: clear everything and re-seed the demo user if configured. */
export async function resetState(ctx: LocalAuthContext): Promise<void> {
  ctx.config = ctx.startConfig
  ctx.projectSettings.clear()
  ctx.mailer.overrides.clear()
  ctx.store.clear()
  ctx.mailer.clear()
  ctx.faults.clear()
  ctx.requestLog.clear()
  ctx.clock.reset()
  ctx.limits.configure({ ...ctx.config.limits })
  if (ctx.config.seedDemoUser) {
    await createUser(ctx.store, ctx.clock, { email: DEMO_EMAIL, password: DEMO_PASSWORD, emailConfirm: true })
  }
}
