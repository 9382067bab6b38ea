/**
 * Test helpers for "a taken port": hold a free port on 127.0.0.1 with a plain server, and run a
 * stand-in's CLI (node + tsx, from the repository root) to completion, collecting what it printed.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A port on 127.0.0.1 held by a plain server until `release()`. */
export async function holdPort(): Promise<{ readonly port: number; release(): Promise<void> }> {
  const holder = createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  const { port } = holder.address() as { port: number }
  return { port, release: () => new Promise<void>((resolve) => holder.close(() => resolve())) }
}

/** Runs `node --import tsx <script>` with `env` added, until it exits. */
export async function runCli(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))
  return { code, stdout, stderr }
}

/** What `start` rejects with on a taken port (undefined if it started). */
export function rejectionOf(start: Promise<unknown>): Promise<(NodeJS.ErrnoException & { port?: number }) | undefined> {
  return start.then(
    () => undefined,
    (error: unknown) => error as NodeJS.ErrnoException & { port?: number },
  )
}
