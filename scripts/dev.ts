/**
 * `npm run dev`: the whole reset flow on a laptop, no Supabase account needed. Starts the local
 * Supabase Auth stand-in (with a demo user), the local Pwned Passwords range server and `wrangler dev`
 * against both, and prints where to go. One Worker serves two demo sites (SITES): 127.0.0.1 and
 * localhost, each with its own stand-in project and look. PORT (default 8787), AUTH_PORT (54321),
 * PWNED_PORT (54322) and AUTH_PORT_B (54323) move them.
 *
 * Ctrl+C, SIGTERM or a closed terminal (SIGHUP) stops everything, during start-up too; a taken port is
 * one line naming the setting that moves it, exit code 1, with nothing left running.
 */
import { KNOWN_BREACHED_PASSWORDS } from '../local-pwned/index'
import { PortInUseError, startStack, type Stack, type StackServer } from './stack'

/** Each server's port setting, default, and what else is likely to hold the default. */
const PORTS: Readonly<Record<StackServer, { variable: string; fallback: number; defaultHolder?: string }>> = {
  worker: { variable: 'PORT', fallback: 8787 },
  auth: { variable: 'AUTH_PORT', fallback: 54321, defaultHolder: '`supabase start` (its API)' },
  pwned: { variable: 'PWNED_PORT', fallback: 54322, defaultHolder: '`supabase start` (its database)' },
  authB: { variable: 'AUTH_PORT_B', fallback: 54323, defaultHolder: '`supabase start` (its Studio)' },
}
const port = (server: StackServer) => Number(process.env[PORTS[server].variable] ?? PORTS[server].fallback)

// Signal handlers first, before anything is spawned: wrangler runs in its own process group, so the
// terminal's Ctrl+C or hang-up never reaches it, and only this process can stop it.
const abort = new AbortController()
let stack: Stack | undefined
let exiting = false
function shutdown(code: number): void {
  if (exiting) return
  exiting = true
  // Should stopping hang, exiting still ends wrangler's group (startStack's exit hook).
  setTimeout(() => process.exit(code), 15_000).unref()
  // During start-up, startStack stops what it started and rejects (below); after it, stop() does.
  abort.abort()
  if (stack) void stack.stop().finally(() => process.exit(code))
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(0))

try {
  stack = await startStack({
    workerPort: port('worker'),
    authPort: port('auth'),
    auth: { seedDemoUser: true, maxFrequencySeconds: 5, log: (line) => console.log(`[auth] ${line}`) },
    pwned: { port: port('pwned') },
    inheritOutput: true,
    secondSite: { authPort: port('authB') },
    signal: abort.signal,
  })
} catch (error) {
  if (abort.signal.aborted) process.exit(0)
  if (!(error instanceof PortInUseError)) throw error
  const { variable, fallback, defaultHolder } = PORTS[error.server]
  const likely = [error.port === fallback ? defaultHolder : undefined, 'a previous `npm run dev`'].filter(Boolean).join(' or ')
  console.error(`npm run dev: ${error.message}, probably by ${likely}; stop it or set ${variable} to a free port.`)
  process.exit(1)
}

const { auth, pwned, workerUrl, siteB } = stack
console.log(`
  Site A (default look)   ${workerUrl}/account/forgot-password
    its inbox (emails)    ${auth.inboxUrl}
    its Supabase stand-in ${auth.url}
  Site B (Globex)         ${siteB?.url}/account/forgot-password
    its inbox (emails)    ${siteB?.auth.inboxUrl}
    its Supabase stand-in ${siteB?.auth.url}
  (one Worker, two hostnames, two projects; stand-ins only, no real Supabase needed)
  Breached-password API   ${pwned.url}  (Pwned Passwords stand-in; breached: ${Object.keys(KNOWN_BREACHED_PASSWORDS).slice(0, 4).join(', ')}, …)

  Try it: ask for a reset for ${auth.demoUser.email} (password: ${auth.demoUser.password}) on either site,
  open the email in that site's inbox, click the link, choose a new password.
  Ctrl+C stops everything.
`)

const running = stack
running.wrangler.on('exit', (code) => {
  if (exiting) return
  exiting = true
  console.error(`wrangler dev stopped (code ${code}); stopping the stand-ins.`)
  void running.stop().finally(() => process.exit(code ?? 1))
})
