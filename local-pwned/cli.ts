/**
 * `npm run pwned:local`: the local range server on PORT (default 54322), for `wrangler dev` with your
 * own `.dev.vars` (set BREACHED_PASSWORD_API_URL to the printed URL). `npm run dev` starts it for you.
 */
import { KNOWN_BREACHED_PASSWORDS, startLocalPwned } from './index'

const server = await startLocalPwned({ port: Number(process.env.PORT ?? 54322), log: (line) => console.error(line) })
console.log(`BREACHED_PASSWORD_API_URL=${server.url}`)
console.log(`Known breached passwords: ${Object.keys(KNOWN_BREACHED_PASSWORDS).join(', ')}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void server.stop().then(() => process.exit(0)))
