/**
 * Starting and stopping one stand-in: keys, context, Hono app on @hono/node-server, and the public
 * `LocalAuth` handle (URL, keys, demo user, stop). Resolves once the socket listens (a few ms).
 * stop() closes idle and active connections so test teardown never hangs on keep-alive sockets.
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { createApp } from './app'
import { DEMO_EMAIL, DEMO_PASSWORD, PUBLISHABLE_KEY, SECRET_KEY } from './constants'
import { createContext, resetState } from './context'
import { resolveOptions, type LocalAuthOptions } from './options'
import { createSigningKeys } from './tokens'

/** A running stand-in. */
export interface LocalAuth {
  /** Base URL without trailing slash (SUPABASE_URL), e.g. http://127.0.0.1:54321. */
  url: string
  /** Legacy anon JWT (HS256, role anon). */
  anonKey: string
  /** `sb_publishable_...`, accepted as apikey like the anon key. */
  publishableKey: string
  /** Legacy service_role JWT; apikey and Bearer for /admin. */
  serviceRoleKey: string
  /** `sb_secret_...`, accepted like the service role key. */
  secretKey: string
  /** `${url}/inbox`. */
  inboxUrl: string
  /** The demo account (present only with seedDemoUser). */
  demoUser: { email: string; password: string }
  /** Close the server and every open connection. */
  stop(): Promise<void>
}

/** Start a stand-in Supabase Auth server. */
export async function startLocalAuth(options: LocalAuthOptions = {}): Promise<LocalAuth> {
  const config = resolveOptions(options)
  const ctx = createContext(config, await createSigningKeys(config.jwtAlgorithm, config.jwtSecret))
  await resetState(ctx)
  const app = createApp(ctx)
  const server = await new Promise<Server>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, config.port, config.host))
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
      s.off('error', onError)
      resolve(s as Server)
    }) as Server
    s.once('error', onError)
  })
  server.on('clientError', (_err, socket) => socket.destroy())
  const { port } = server.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  ctx.url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  config.log(`local-auth listening on ${ctx.url}`)
  return {
    url: ctx.url,
    anonKey: ctx.keys.anonKey,
    publishableKey: PUBLISHABLE_KEY,
    serviceRoleKey: ctx.keys.serviceRoleKey,
    secretKey: SECRET_KEY,
    inboxUrl: `${ctx.url}/inbox`,
    demoUser: { email: DEMO_EMAIL, password: DEMO_PASSWORD },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      }),
  }
}

/**
 * What a failed listen rejects with: for a taken port (54321 is also `supabase start`'s API port), an
 * error whose message names the port, keeping `code` ('EADDRINUSE') and `port` so callers
 * (scripts/stack.ts, cli.ts) can say which setting moves it.
 */
function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  if (error.code !== 'EADDRINUSE') return error
  return Object.assign(new Error(`local-auth: port ${port} on ${host} is already in use`, { cause: error }), { code: 'EADDRINUSE', port })
}
