/**
 * The local Pwned Passwords range server alone, in its own Node process, so its CPU is read from /proc
 * apart from the load generator's: in production the range API is a CDN answer that costs the Worker's
 * machine nothing, while here it shares the bench machine's two cores. Started by servers.ts over IPC:
 * it sends `ready` (URL) and stops on `stop` or when the parent goes away.
 */
import { startLocalPwned } from '../../local-pwned/index'
import { serveAsChild } from './child-lifecycle'

await serveAsChild(() => startLocalPwned(), (pwned) => ({ url: pwned.url }))
