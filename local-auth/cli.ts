/**
 * `npm run auth:local`: start the stand-in on PORT (default 54321) with SITE_URL from the environment,
 * seed the demo user, print settings as KEY=value lines, and run until SIGINT/SIGTERM.
 * Reads env here and nowhere else; logs go to stderr so stdout stays machine-readable.
 */
import { DEFAULT_CLI_PORT } from './constants'
import { startLocalAuth } from './index'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from './management'

const port = process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : DEFAULT_CLI_PORT
const auth = await startLocalAuth({
  port,
  host: process.env.HOST || undefined,
  siteUrl: process.env.SITE_URL || undefined,
  uriAllowList: process.env.URI_ALLOW_LIST ? process.env.URI_ALLOW_LIST.split(',').map((s) => s.trim()) : undefined,
  seedDemoUser: true,
  log: (line) => process.stderr.write(`[local-auth] ${line}\n`),
}).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error
  // One line, no stack trace: 54321 is also `supabase start`'s API port.
  const hint = port === DEFAULT_CLI_PORT ? ' (`supabase start` uses it too)' : ''
  process.stderr.write(`[local-auth] port ${port} is in use${hint}; stop what holds it or set PORT to another port.\n`)
  process.exit(1)
})

const settings: Record<string, string> = {
  SUPABASE_URL: auth.url,
  SUPABASE_ANON_KEY: auth.anonKey,
  SUPABASE_PUBLISHABLE_KEY: auth.publishableKey,
  SUPABASE_SERVICE_ROLE_KEY: auth.serviceRoleKey,
  SUPABASE_SECRET_KEY: auth.secretKey,
  INBOX_URL: auth.inboxUrl,
  // The Management API subset (management.ts), for npm run doctor / supabase:configure.
  SUPABASE_MANAGEMENT_API_URL: auth.url,
  SUPABASE_ACCESS_TOKEN: LOCAL_ACCESS_TOKEN,
  SUPABASE_PROJECT_REF: LOCAL_PROJECT_REF,
  DEMO_EMAIL: auth.demoUser.email,
  DEMO_PASSWORD: auth.demoUser.password,
}
process.stdout.write(Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''))

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  process.stderr.write(`[local-auth] ${signal}: stopping\n`)
  await auth.stop()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
