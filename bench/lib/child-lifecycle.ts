/**
 * For the bench's child processes (auth-child.ts, pwned-child.ts, stack-child.ts): stop cleanly when the
 * parent asks (`{type: 'stop'}`), goes away, or sends SIGTERM, so no server outlives the bench.
 */
export function stopWhenParentAsks(stop: (code: number) => Promise<void>): void {
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') void stop(0)
  })
  process.on('disconnect', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))
}

/**
 * Runs one server as this child's only job: starts it, sends `{type: 'ready', ...ready(server)}` over
 * IPC (or `failed`), and stops it when the parent asks or goes away.
 */
export async function serveAsChild<S extends { stop(): Promise<void> }>(start: () => Promise<S>, ready: (server: S) => Record<string, unknown>): Promise<void> {
  let server: S | undefined
  const stop = async (code: number) => {
    try {
      await server?.stop()
    } finally {
      process.exit(code)
    }
  }
  stopWhenParentAsks(stop)
  try {
    server = await start()
    process.send?.({ type: 'ready', ...ready(server) })
  } catch (error) {
    console.error(error)
    process.send?.({ type: 'failed', error: String(error) })
    await stop(1)
  }
}
