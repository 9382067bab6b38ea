/**
 * A taken port (54322 is also `supabase start`'s database port) is an error the caller can handle,
 * naming the port, not an unhandled 'error' event that kills the process; the CLI says so in one line
 * naming PORT, exit code 1.
 */
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalPwned } from '../index'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
let holder: Server
let port: number

beforeAll(async () => {
  holder = createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  port = (holder.address() as { port: number }).port
})
afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())))

describe('a taken port', () => {
  it('startLocalPwned rejects with EADDRINUSE and the port, and the process lives on', async () => {
    const error = await startLocalPwned({ port }).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException & { port?: number },
    )
    expect(error?.code).toBe('EADDRINUSE')
    expect(error?.port).toBe(port)
    expect(error?.message).toBe(`local-pwned: port ${port} on 127.0.0.1 is already in use`)
    // The same call on a free port still works afterwards.
    const server = await startLocalPwned()
    await server.stop()
  })

  it('npm run pwned:local prints one line naming PORT and exits 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local-pwned/cli.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`[local-pwned] port ${port} is in use; stop what holds it or set PORT to another port.\n`)
  }, 20_000)
})
