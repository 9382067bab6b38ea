/**
 * For the bench's child processes (auth-child.ts, stack-child.ts): stop cleanly when the parent asks
 * (`{type: 'stop'}`), goes away, or sends SIGTERM, so no server outlives the bench.
 */
export function stopWhenParentAsks(stop: (code: number) => Promise<void>): void {
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') void stop(0)
  })
  process.on('disconnect', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))
}
