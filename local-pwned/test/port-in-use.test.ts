/**
 * A taken port (54322 is also `supabase start`'s database port) is an error the caller can handle,
 * naming the port, not an unhandled 'error' event that kills the process; the CLI says so in one line
 * naming PORT, exit code 1.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { holdPort, rejectionOf, runCli } from '../../scripts/testing/taken-port'
import { startLocalPwned } from '../index'

const held = await holdPort()
const { port } = held
afterAll(() => held.release())

describe('a taken port', () => {
  it('startLocalPwned rejects with EADDRINUSE and the port, and the process lives on', async () => {
    const error = await rejectionOf(startLocalPwned({ port }))
    expect(error?.code).toBe('EADDRINUSE')
    expect(error?.port).toBe(port)
    expect(error?.message).toBe(`local-pwned: port ${port} on 127.0.0.1 is already in use`)
    // The same call on a free port still works afterwards.
    const server = await startLocalPwned()
    await server.stop()
  })

  it('npm run pwned:local prints one line naming PORT and exits 1', async () => {
    const { code, stdout, stderr } = await runCli('local-pwned/cli.ts', { PORT: String(port) })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`[local-pwned] port ${port} is in use; stop what holds it or set PORT to another port.\n`)
  }, 20_000)
})
