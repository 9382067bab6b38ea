/**
 * The state of one running stand-in, handed to every route factory: config, fake clock, tables, keys,
 * outbox, faults and request log, plus the public URL (known only once the socket listens).
 * Also the Hono env type shared by all routes. No behaviour lives here except `resetState`.
 */
import type { HttpBindings } from '@hono/node-server'
import { Clock } from './clock'
import { DEMO_EMAIL, DEMO_PASSWORD } from './constants'
import { FaultQueue, RequestLog } from './faults'
import { Mailer } from './mailer'
import type { LocalAuthConfig } from './options'
import { Store, type SessionRow, type UserRow } from './store'
import type { AccessClaims, SigningKeys } from './tokens'
import { createUser } from './users'

/** Everything a route needs; one per started instance. */
export interface LocalAuthContext {
  readonly config: LocalAuthConfig
  readonly clock: Clock
  readonly store: Store
  readonly keys: SigningKeys
  readonly mailer: Mailer
  readonly faults: FaultQueue
  readonly requestLog: RequestLog
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
  Variables: { auth: AuthState; requestId: string }
}

/** Build a fresh context (the URL is filled in by the server once it listens). */
export function createContext(config: LocalAuthConfig, keys: SigningKeys): LocalAuthContext {
  return {
    config,
    keys,
    clock: new Clock(),
    store: new Store(),
    mailer: new Mailer(config.templatesDir),
    faults: new FaultQueue(),
    requestLog: new RequestLog(),
    url: '',
  }
}

/** POST /__local/reset: clear everything and re-seed the demo user if configured. */
export async function resetState(ctx: LocalAuthContext): Promise<void> {
  ctx.store.clear()
  ctx.mailer.clear()
  ctx.faults.clear()
  ctx.requestLog.clear()
  ctx.clock.reset()
  if (ctx.config.seedDemoUser) {
    await createUser(ctx.store, ctx.clock, { email: DEMO_EMAIL, password: DEMO_PASSWORD, emailConfirm: true })
  }
}
