/**
 * The local Pwned Passwords range server alone, in its own Node process, so its CPU is read from /proc
 * apart from the load generator's: in production the range API is a CDN answer that costs the Worker's
 * machine nothing, while here it shares the bench machine's two cores. Started by servers.ts over IPC:
 * it sends `ready` (URL) and stops on `stop` or when the parent goes away.
 */
import { startLocalPwned, type LocalPwned } from '../../local-pwned/index'
import { stopWhenParentAsks } from './child-lifecycle'

let pwned: LocalPwned | undefined

async function stop(code: number) {
  try {
    await pwned?.stop()
  } finally {
    process.exit(code)
  }
}

stopWhenParentAsks(stop)

try {
  pwned = await startLocalPwned()
  process.send?.({ type: 'ready', url: pwned.url })
} catch (error) {
  console.error(error)
  process.send?.({ type: 'failed', error: String(error) })
  await stop(1)
}
