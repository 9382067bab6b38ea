/**
 * Runs one stack (scripts/stack.ts: the Supabase Auth stand-in + `wrangler dev`) in its own Node
 * process, so the stand-in's memory can be read from /proc apart from the load generator's.
 * Started by stacks.ts with an IPC channel: it sends `ready` (URLs, keys, pids), and stops the stack
 * on `stop` or when the parent goes away.
 *
 * argv[2]: JSON { config?: string, latencyMs: number }
 */
import { startStack, type Stack } from '../../scripts/stack'
import { stopWhenParentAsks } from './child-lifecycle'

const spec = JSON.parse(process.argv[2] ?? '{}') as { config?: string; latencyMs?: number }
let stack: Stack | undefined
let stopping = false

async function stop(code: number) {
  if (stopping) return
  stopping = true
  try {
    await stack?.stop()
  } finally {
    process.exit(code)
  }
}

stopWhenParentAsks(stop)
process.on('uncaughtException', (error) => {
  console.error(error)
  void stop(1)
})

try {
  stack = await startStack({
    ...(spec.config ? { config: spec.config } : {}),
    auth: { maxFrequencySeconds: 0, latencyMs: spec.latencyMs ?? 0 },
  })
  process.send?.({
    type: 'ready',
    workerUrl: stack.workerUrl,
    authUrl: stack.auth.url,
    publishableKey: stack.auth.publishableKey,
    anonKey: stack.auth.anonKey,
    wranglerPid: stack.wrangler.pid,
  })
} catch (error) {
  console.error(error)
  process.send?.({ type: 'failed', error: String(error) })
  await stop(1)
}
