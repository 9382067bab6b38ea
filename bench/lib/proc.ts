/**
 * CPU time of the processes under test, from /proc/<pid>/stat (utime + stime, which include threads
 * that have already exited), in milliseconds. Used to turn a load run into "CPU ms per request".
 */
import { readdir, readFile } from 'node:fs/promises'

const CLOCK_TICKS_PER_SECOND = 100 // Linux USER_HZ

export interface ProcInfo {
  readonly pid: number
  readonly comm: string
  readonly pgrp: number
  readonly cpuMs: number
  readonly cmdline: string
}

export async function procInfo(pid: number): Promise<ProcInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return { pid, comm, pgrp: Number(fields[2]), cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND, cmdline }
  } catch {
    return undefined
  }
}

/** Every process in process group `pgid` (wrangler dev and the workerd processes it started). */
export async function processGroup(pgid: number): Promise<ProcInfo[]> {
  const out: ProcInfo[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const info = await procInfo(Number(entry))
    if (info && info.pgrp === pgid) out.push(info)
  }
  return out
}

/**
 * wrangler dev runs two workerd processes: a proxy (on the public port) that forwards each request
 * to the one running the user Worker (the one started with an inspector address).
 */
export function roleOf(info: ProcInfo): 'worker' | 'proxy' | 'wrangler' {
  if (info.comm !== 'workerd') return 'wrangler'
  return info.cmdline.includes('--inspector-addr') ? 'worker' : 'proxy'
}

export type CpuSnapshot = Map<number, ProcInfo>

export async function snapshot(pids: readonly number[]): Promise<CpuSnapshot> {
  const map: CpuSnapshot = new Map()
  for (const pid of pids) {
    const info = await procInfo(pid)
    if (info) map.set(pid, info)
  }
  return map
}

/** CPU ms used between two snapshots, summed by role. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, role: (info: ProcInfo) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [pid, end] of after) {
    const start = before.get(pid)?.cpuMs ?? 0
    const key = role(end)
    out[key] = (out[key] ?? 0) + (end.cpuMs - start)
  }
  return out
}

/** Direct children of `ppid` (e.g. the workerd a Miniflare in this process started). */
export async function childPids(ppid: number): Promise<number[]> {
  const out: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[1]) === ppid) out.push(Number(entry))
    } catch {
      // gone
    }
  }
  return out
}

/** The child of this process started since `before` whose command is workerd (Miniflare's), if any. */
export async function newWorkerdChild(before: ReadonlySet<number>): Promise<number | undefined> {
  for (const pid of await childPids(process.pid)) {
    if (before.has(pid)) continue
    const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (command.split('\0')[0]?.endsWith('workerd')) return pid
  }
  return undefined
}

/**
 * On-CPU time of every thread of `pid`, in ms, from /proc/<pid>/task/<tid>/schedstat (nanoseconds):
 * finer than the 10 ms ticks of /proc/<pid>/stat, so it can be read around a single request. Threads that
 * exited in between are not counted, which is why long runs use cpuBetween (stat) instead.
 */
export async function threadCpuMs(pid: number): Promise<number> {
  let ns = 0
  let tasks: string[]
  try {
    tasks = await readdir(`/proc/${pid}/task`)
  } catch {
    return Number.NaN
  }
  for (const tid of tasks) {
    try {
      ns += Number((await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')).split(' ')[0])
    } catch {
      // thread exited
    }
  }
  return ns / 1e6
}

/** utime + stime of one process (all its threads, including exited ones), in ms. */
export async function processCpuMs(pid: number): Promise<number> {
  return (await procInfo(pid))?.cpuMs ?? Number.NaN
}
