/**
 * A minimal Chrome DevTools Protocol client over WebSocket, for the JS heap of a server's isolate
 * (workerd's per-Worker inspector, or node --inspect): force a full GC, then read V8's used heap.
 */
export class Inspector {
  private nextId = 0
  private readonly pending = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>()

  private constructor(private readonly socket: WebSocket) {
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } }
      if (message.id !== undefined) this.pending.get(message.id)?.(message)
    }
  }

  static async connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url)
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve()
      socket.onerror = () => reject(new Error(`inspector connection to ${url} failed`))
    })
    return new Inspector(socket)
  }

  send<T>(method: string, params?: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = ++this.nextId
      const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 30_000)
      this.pending.set(id, (m) => {
        clearTimeout(timer)
        this.pending.delete(id)
        if (m.error) reject(new Error(`${method}: ${m.error.message}`))
        else resolve(m.result as T)
      })
      this.socket.send(JSON.stringify({ id, method, params }))
    })
  }

  /**
   * Used JS heap after a full garbage collection, in bytes. Node answers HeapProfiler.collectGarbage;
   * workerd's inspector does not, but a heap snapshot collects garbage first, so it takes one there
   * (its chunks are discarded).
   */
  async heapAfterGc(runtime: 'node' | 'workerd'): Promise<number> {
    if (runtime === 'node') {
      await this.send('HeapProfiler.collectGarbage')
      await this.send('HeapProfiler.collectGarbage')
    } else {
      await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false })
    }
    const { usedSize } = await this.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage')
    return usedSize
  }

  close(): void {
    this.socket.close()
  }
}
