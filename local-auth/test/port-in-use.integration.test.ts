/**
 * A taken port (54321 is also `supabase start`'s API port): startLocalAuth rejects with an error
 * naming the port (code EADDRINUSE, `port`), and `npm run auth:local` says so in one line naming PORT,
 * exit code 1, no stack trace.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { holdPort, rejectionOf, runCli } from '../../scripts/testing/taken-port'
import { startLocalAuth } from '../index'

const held = await holdPort()
const { port } = held
afterAll(() => held.release())

describe('a taken port', () => {
  it('startLocalAuth rejects with EADDRINUSE and the port', async () => {
    const error = await rejectionOf(startLocalAuth({ port }))
    expect(error?.code).toBe('EADDRINUSE')
    expect(error?.port).toBe(port)
    expect(error?.message).toBe(`local-auth: port ${port} on 127.0.0.1 is already in use`)
  })

  it('npm run auth:local prints one line naming PORT and exits 1', async () => {
    const { code, stdout, stderr } = await runCli('local-auth/cli.ts', { PORT: String(port) })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`[local-auth] port ${port} is in use; stop what holds it or set PORT to another port.\n`)
  }, 20_000)
})
