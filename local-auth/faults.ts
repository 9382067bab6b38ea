/**
 * Injected faults and the request log (stand-in only). A fault matches the next `times` requests with
 * the same path (and method, if given): it can delay, answer with a chosen status/body (a `'malformed'`
 * body sends truncated JSON), or drop the connection. The log records every /auth/v1 request.
 * Trade-off: matching is exact on the path, without globs, so a test always knows what it hit.
 */
import { randomUUID } from 'node:crypto'

/** What POST /__local/faults accepts. */
export interface FaultSpec {
  path: string
  method?: string
  times?: number
  status?: number
  body?: string | Record<string, unknown>
  delay_ms?: number
  drop?: boolean
}

export interface Fault extends FaultSpec {
  id: string
  remaining: number
}

/** One logged /auth/v1 request. `time` is an ISO string of the fake clock. Keys are logged by kind, never by value. */
export interface RequestLogEntry {
  method: string
  path: string
  query: Record<string, string>
  time: string
  /** Kind of the `apikey` (`publishable`, `secret`, `anon`, `service_role`, `other`) or null. */
  apikey?: string | null
  /** Kind of the bearer: a key kind, `jwt:<role>` for an access token, or null. */
  bearer?: string | null
  /** The Sb-Forwarded-For header as sent, or null. */
  sb_forwarded_for?: string | null
  /** The per-IP bucket charged, when limits are on. */
  limit?: { bucket: string; key: string; forwarded: boolean }
  /** The status answered (absent while the request is in flight or when the socket was dropped). */
  status?: number
  /** GoTrue's error code of a JSON error answer. */
  error_code?: string
}

/** Pending faults, consumed in insertion order. */
export class FaultQueue {
  private faults: Fault[] = []

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: randomUUID(), remaining: Math.max(1, Math.floor(spec.times ?? 1)) }
    this.faults.push(fault)
    return fault
  }

  /** Take one use of the first fault matching this request, if any. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && f.path === path && (!f.method || f.method.toUpperCase() === method.toUpperCase()),
    )
    if (!fault) return undefined
    fault.remaining--
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault)
    return fault
  }

  clear(): void {
    this.faults = []
  }
}

/** Append-only log of /auth/v1 requests. */
export class RequestLog {
  readonly entries: RequestLogEntry[] = []

  record(entry: RequestLogEntry): void {
    this.entries.push(entry)
  }

  clear(): void {
    this.entries.length = 0
  }
}
