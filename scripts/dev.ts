/**
 * `npm run dev`: the whole reset flow on a laptop, no Supabase account needed. Starts the local
 * Supabase Auth stand-in (with a demo user), the local Pwned Passwords range server and `wrangler dev`
 * against both, and prints where to go. One Worker serves two demo sites (SITES): 127.0.0.1 and
 * localhost, each with its own stand-in project and look. PORT (default 8787), AUTH_PORT (54321),
 * PWNED_PORT (54322) and AUTH_PORT_B (54323) move them.
 */
import { KNOWN_BREACHED_PASSWORDS } from '../local-pwned/index'
import { startStack } from './stack'

const workerPort = Number(process.env.PORT ?? 8787)
const authPort = Number(process.env.AUTH_PORT ?? 54321)
const pwnedPort = Number(process.env.PWNED_PORT ?? 54322)
const authPortB = Number(process.env.AUTH_PORT_B ?? 54323)

const stack = await startStack({
  workerPort,
  authPort,
  auth: { seedDemoUser: true, maxFrequencySeconds: 5, log: (line) => console.log(`[auth] ${line}`) },
  pwned: { port: pwnedPort },
  inheritOutput: true,
  secondSite: { authPort: authPortB },
})

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

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    void stack.stop().then(() => process.exit(0))
  })
}
stack.wrangler.on('exit', (code) => {
  if (stopping) return
  console.error(`wrangler dev stopped (code ${code}); stopping the stand-ins.`)
  void Promise.all([auth.stop(), pwned.stop(), siteB?.auth.stop()]).then(() => process.exit(code ?? 1))
})
