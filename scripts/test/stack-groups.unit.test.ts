/**
 * Stopping the dev stack signals wrangler's process group even after its leader exited (workerd may
 * live on), but only while a member of that group is still wrangler's or workerd's: a group id the
 * system has given to someone else is never signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { isWranglersGroup } from '../stack'

const started: ChildProcess[] = []
afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // gone
    }
  }
})

/** A process leading its own group, running `sleep` under the name `argv0`. */
async function groupLeader(argv0: string): Promise<number> {
  const child = spawn('bash', ['-c', `exec -a ${argv0} sleep 30`], { detached: true, stdio: 'ignore' })
  started.push(child)
  await new Promise((resolve) => setTimeout(resolve, 200)) // until exec has renamed it
  return child.pid!
}

describe.skipIf(process.platform !== 'linux')('isWranglersGroup', () => {
  it('is true for a group whose member runs workerd or wrangler', async () => {
    expect(isWranglersGroup(await groupLeader('workerd'))).toBe(true)
    expect(isWranglersGroup(await groupLeader('wrangler-dev'))).toBe(true)
  })

  it('is false for a group of someone else’s, and for a group that no longer exists', async () => {
    expect(isWranglersGroup(await groupLeader('unrelated'))).toBe(false)
    const gone = await groupLeader('workerd')
    process.kill(-gone, 'SIGKILL')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(isWranglersGroup(gone)).toBe(false)
  })
})
