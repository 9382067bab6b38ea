/**
 * The fake clock: real time plus an offset that tests move forward with POST /__local/clock.
 * Every expiry (OTP, flow state, JWT iat/exp, resend gap) reads this clock, so tests never sleep.
 * It moves both ways: forward to expire things, back to mint sessions "made in the past" (a stale
 * recovery session). Callers that use real time (supabase-js, the Worker) see the difference, which is the point.
 */

/** Wall-clock time shifted by a test-controlled offset. */
export class Clock {
  private offsetMs = 0

  /** Current fake time in milliseconds since the epoch. */
  nowMs(): number {
    return Date.now() + this.offsetMs
  }

  /** Current fake time in whole Unix seconds (JWT claims, AMR timestamps). */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000)
  }

  /** Move the clock by `seconds` (negative moves it back). */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000
  }

  /** Back to real time. */
  reset(): void {
    this.offsetMs = 0
  }
}
