/**
 * Section f: memory, read from /proc. VmRSS is sampled while a phase runs (peak of the samples) and
 * VmHWM (the kernel's own peak RSS since the process started) is read at the end.
 */
import { readFile } from 'node:fs/promises'

export async function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
    return match ? Number(match[1]) : Number.NaN
  } catch {
    return Number.NaN
  }
}

/** Samples the summed VmRSS of a set of processes every `intervalMs` until stopped. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined
  private peakKb = 0
  private samples = 0

  constructor(private readonly pids: () => Promise<number[]>) {}

  start(intervalMs = 100): this {
    const tick = async () => {
      const kb = (await Promise.all((await this.pids()).map((p) => readStatusKb(p, 'VmRSS')))).filter(Number.isFinite)
      const sum = kb.reduce((a, b) => a + b, 0)
      if (kb.length) {
        this.samples++
        this.peakKb = Math.max(this.peakKb, sum)
      }
    }
    void tick()
    this.timer = setInterval(() => void tick(), intervalMs)
    return this
  }

  stop(): { peakMiB: number; samples: number } {
    if (this.timer) clearInterval(this.timer)
    return { peakMiB: this.peakKb / 1024, samples: this.samples }
  }
}
