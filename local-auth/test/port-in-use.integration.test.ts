/**
 * A taken port (54321 is also `supabase start`'s API port): startLocalAuth rejects with an error
 * naming the port (code EADDRINUSE, `port`), and `npm run auth:local` says so in one line naming PORT,
 * exit code 1, no stack trace.
 */
import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalAuth } from '../index'

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
  it('startLocalAuth rejects with EADDRINUSE and the port', async () => {
    const error = await startLocalAuth({ port }).then(
      () => undefined,
      (e: unknown) => e as NodeJS.ErrnoException & { port?: number },
    )
    expect(error?.code).toBe('EADDRINUSE')
    expect(error?.port).toBe(port)
    expect(error?.message).toBe(`local-auth: port ${port} on 127.0.0.1 is already in use`)
  })

  it('npm run auth:local prints one line naming PORT and exits 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local-auth/cli.ts'], {
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
    expect(stderr).toBe(`[local-auth] port ${port} is in use; stop what holds it or set PORT to another port.\n`)
  }, 20_000)
})
