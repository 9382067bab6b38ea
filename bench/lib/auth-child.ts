/**
 * The Supabase Auth stand-in alone, in its own Node process, so its CPU and memory are read from /proc
 * apart from the load generator's and the servers'. Started by servers.ts over IPC: it sends `ready`
 * (URL, keys) and stops on `stop` or when the parent goes away.
 *
 * argv[2]: JSON { latencyMs: number }
 */
import { startLocalAuth, type LocalAuth } from '../../local-auth/index'
import { stopWhenParentAsks } from './child-lifecycle'

const spec = JSON.parse(process.argv[2] ?? '{}') as { latencyMs?: number }
let auth: LocalAuth | undefined

async function stop(code: number) {
  try {
    await auth?.stop()
  } finally {
    process.exit(code)
  }
}

stopWhenParentAsks(stop)

try {
  // The per-user resend gap is 0 so that one person can reset again at once (the bench reuses users).
  auth = await startLocalAuth({ maxFrequencySeconds: 0, latencyMs: spec.latencyMs ?? 0, siteUrl: 'http://127.0.0.1:9' })
  process.send?.({ type: 'ready', url: auth.url, publishableKey: auth.publishableKey, anonKey: auth.anonKey })
} catch (error) {
  console.error(error)
  process.send?.({ type: 'failed', error: String(error) })
  await stop(1)
}
