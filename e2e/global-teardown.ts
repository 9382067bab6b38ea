/** Stops the stack global-setup.ts started and removes its temp folder. */
import { rmSync } from 'node:fs'
import { takeRunningStack } from './support/stack-info'

export default async function globalTeardown(): Promise<void> {
  const running = takeRunningStack()
  if (!running) return
  try {
    await running.stack.stop()
  } finally {
    rmSync(running.dir, { recursive: true, force: true })
  }
}
