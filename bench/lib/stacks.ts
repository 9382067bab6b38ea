/**
 * Parent side of stack-child.ts: start a stack (stand-in + wrangler dev for one Worker) in a child
 * process, find its workerd, and stop it again. Every process here is one this benchmark started;
 * stop() ends them by process id / process group id only.
 */
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { processGroup } from './proc'
import { BENCH_DIR, CONFIG, REPO_ROOT, type WorkerId } from './paths'
import { sleep } from './stats'

export interface RunningStack {
  readonly worker: WorkerId
  readonly latencyMs: number
  readonly workerUrl: string
  readonly authUrl: string
  readonly publishableKey: string
  readonly anonKey: string
  /** The Node process that holds the stand-in (and spawned wrangler). */
  readonly standInPid: number
  readonly wranglerPid: number
  /** The workerd process(es) serving the Worker (wrangler's process group). */
  workerdPids(): Promise<number[]>
  /** wrangler and its workerd processes. */
  groupPids(): Promise<number[]>
  stop(): Promise<void>
}

const live = new Set<RunningStack>()

/**
 * Start a stack, retrying: two `wrangler dev` starting at the same moment can both pick the default
 * inspector port and one dies with "Address already in use (socket direct:1:default)".
 */
export async function startBenchStack(worker: WorkerId, latencyMs: number, attempts = 3): Promise<RunningStack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(worker, latencyMs)
    } catch (error) {
      if (attempt >= attempts) throw error
      console.error(`  (stack for ${worker} did not start: ${error instanceof Error ? error.message : error}; retrying)`)
      await sleep(1000 + Math.random() * 2000)
    }
  }
}

async function startOnce(worker: WorkerId, latencyMs: number): Promise<RunningStack> {
  const spec = JSON.stringify({ ...(worker === 'ours' ? {} : { config: CONFIG[worker] }), latencyMs })
  const child: ChildProcess = fork(path.join(BENCH_DIR, 'lib', 'stack-child.ts'), [spec], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await new Promise<{ workerUrl: string; authUrl: string; publishableKey: string; anonKey: string; wranglerPid: number }>(
    (resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`stack for ${worker} exited early (code ${code})`)))
      child.on('message', (m: { type: string; error?: string } & Record<string, unknown>) => {
        if (m.type === 'ready') resolve(m as never)
        if (m.type === 'failed') reject(new Error(`stack for ${worker} failed: ${m.error}`))
      })
    },
  )
  const stack: RunningStack = {
    worker,
    latencyMs,
    ...ready,
    standInPid: child.pid!,
    workerdPids: async () => (await processGroup(ready.wranglerPid)).filter((p) => p.comm === 'workerd').map((p) => p.pid),
    groupPids: async () => (await processGroup(ready.wranglerPid)).map((p) => p.pid),
    async stop() {
      live.delete(stack)
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send({ type: 'stop' })
      await Promise.race([exited, sleep(10_000)])
      if (child.exitCode === null) child.kill('SIGKILL')
      killGroup(ready.wranglerPid) // in case the child could not
    },
  }
  live.add(stack)
  return stack
}

/** Stop every stack still running (on error or Ctrl+C). */
export async function stopAllStacks(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop()))
}

function killGroup(pgid: number) {
  try {
    process.kill(-pgid, 'SIGTERM')
  } catch {
    // already gone
  }
}
