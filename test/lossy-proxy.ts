/** The test side of test/lossy-proxy-server.ts: lose the next answer to a call, after the stand-in acted. */
export interface LossRule {
  readonly path: string
  readonly method: string
  /** `break`: the connection drops after the headers; `stall`: the body waits `stallMs` after the headers. */
  readonly mode: 'break' | 'stall'
  readonly stallMs?: number
}

/** Lose the next answer to `method path` (test side: the proxy's control endpoint). */
export async function loseNextAnswer(proxyUrl: string, rule: LossRule): Promise<void> {
  const res = await fetch(`${proxyUrl}/__proxy/rules`, { method: 'POST', body: JSON.stringify(rule) })
  if (!res.ok) throw new Error(`proxy rule refused: ${res.status}`)
}
