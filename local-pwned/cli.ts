/**
 * `npm run pwned:local`: the local range server on PORT (default 54322), for `wrangler dev` with your
 * own `.dev.vars` (set BREACHED_PASSWORD_API_URL to the printed URL). `npm run dev` starts it for you.
 */
import { KNOWN_BREACHED_PASSWORDS, startLocalPwned } from './index'

const DEFAULT_PORT = 54322
const port = Number(process.env.PORT ?? DEFAULT_PORT)
const server = await startLocalPwned({ port, log: (line) => console.error(line) }).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error
  // One line, no stack trace: 54322 is also `supabase start`'s database port.
  const hint = port === DEFAULT_PORT ? ' (`supabase start` uses it too)' : ''
  console.error(`[local-pwned] port ${port} is in use${hint}; stop what holds it or set PORT to another port.`)
  process.exit(1)
})
console.log(`BREACHED_PASSWORD_API_URL=${server.url}`)
console.log(`Known breached passwords: ${Object.keys(KNOWN_BREACHED_PASSWORDS).join(', ')}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void server.stop().then(() => process.exit(0)))
