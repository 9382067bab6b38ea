/**
 * A typed client for the local range server's test-control API (see README). Uses only global
 * `fetch` and imports nothing from node:, so tests inside the Workers runtime can use it.
 */

/** Mirrors `RangeFault` in index.ts (importing it would pull node: typings into workerd tests). */
export interface PwnedFault {
  mode: 'slow' | 'fail' | 'garble' | 'drop'
  times?: number
  delay_ms?: number
  status?: number
  body?: string
}

/** Mirrors `RecordedRequest` in index.ts. */
export interface PwnedRequest {
  method: string
  path: string
  query: string
  headers: Record<string, string>
  body_bytes: number
  time: number
}

export interface LocalPwnedControl {
  reset(): Promise<void>
  requests(): Promise<PwnedRequest[]>
  clearRequests(): Promise<void>
  injectFault(fault: PwnedFault): Promise<void>
  clearFaults(): Promise<void>
  /** Makes `password` known as breached `count` times; returns its SHA-1 prefix. */
  addPassword(password: string, count: number): Promise<string>
  setLatency(ms: number): Promise<void>
}

export function localPwnedControl(baseUrl: string): LocalPwnedControl {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/__local/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    })
    if (!res.ok) throw new Error(`local-pwned ${method} ${path}: ${res.status}`)
    return (await res.json()) as Record<string, unknown>
  }
  return {
    reset: async () => void (await call('POST', 'reset')),
    requests: async () => (await call('GET', 'requests')).requests as PwnedRequest[],
    clearRequests: async () => void (await call('DELETE', 'requests')),
    injectFault: async (fault) => void (await call('POST', 'faults', fault)),
    clearFaults: async () => void (await call('DELETE', 'faults')),
    addPassword: async (password, count) => (await call('POST', 'passwords', { password, count })).prefix as string,
    setLatency: async (ms) => void (await call('POST', 'latency', { latency_ms: ms })),
  }
}
