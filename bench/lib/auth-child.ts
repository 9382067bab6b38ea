/**
 * The Supabase Auth stand-in alone, in its own Node process, so its CPU and memory are read from /proc
 * apart from the load generator's and the servers'. Started by servers.ts over IPC: it sends `ready`
 * (URL, keys) and stops on `stop` or when the parent goes away.
 *
 * argv[2]: JSON { latencyMs: number }
 */
import { startLocalAuth } from '../../local-auth/index'
import { serveAsChild } from './child-lifecycle'

const spec = JSON.parse(process.argv[2] ?? '{}') as { latencyMs?: number }

await serveAsChild(
  // The per-user resend gap is 0 so that one person can reset again at once (the bench reuses users).
  () => startLocalAuth({ maxFrequencySeconds: 0, latencyMs: spec.latencyMs ?? 0, siteUrl: 'http://127.0.0.1:9' }),
  (auth) => ({ url: auth.url, publishableKey: auth.publishableKey, anonKey: auth.anonKey }),
)
