/**
 * `npm run dev`: the whole reset flow on a laptop, no Supabase account needed. Starts the local
 * Supabase Auth stand-in (with a demo user), the local Pwned Passwords range server and `wrangler dev`
 * against both, and prints where to go. PORT (default 8787), AUTH_PORT (default 54321) and
 * PWNED_PORT (default 54322) move them.
 */
import { KNOWN_BREACHED_PASSWORDS } from '../local-pwned/index'
import { startStack } from './stack'

const workerPort = Number(process.env.PORT ?? 8787)
const authPort = Number(process.env.AUTH_PORT ?? 54321)
const pwnedPort = Number(process.env.PWNED_PORT ?? 54322)

const stack = await startStack({
  workerPort,
  authPort,
  auth: { seedDemoUser: true, maxFrequencySeconds: 5, log: (line) => console.log(`[auth] ${line}`) },
  pwned: { port: pwnedPort },
  inheritOutput: true,
})

const { auth, pwned, workerUrl } = stack
console.log(`
  Password reset Worker   ${workerUrl}/
  Reset page              ${workerUrl}/account/forgot-password
  Local inbox (emails)    ${auth.inboxUrl}
  Supabase Auth stand-in  ${auth.url}  (stand-in only; no real Supabase needed)
  Breached-password API   ${pwned.url}  (Pwned Passwords stand-in; breached: ${Object.keys(KNOWN_BREACHED_PASSWORDS).slice(0, 4).join(', ')}, …)

  Try it: ask for a reset for ${auth.demoUser.email} (password: ${auth.demoUser.password}),
  open the email in the local inbox, click the link, choose a new password.
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
  void Promise.all([auth.stop(), pwned.stop()]).then(() => process.exit(code ?? 1))
})
