/**
 * Supabase Auth's own limits (contract §9): per-IP token buckets on the routes GoTrue wraps in
 * `limitHandler` [auth:internal/api/api.go:229-283], and the instance-wide hourly email budget
 * [auth:internal/api/mail.go:792-813]. Buckets refill continuously like tollbooth's x/time/rate limiter
 * (rate = limit / 300 s, burst 30, starting full) [auth:internal/api/apilimiter/apilimiter.go:197-238,358-364];
 * the email budget is GoTrue's fixed-window IntervalLimiter [auth:internal/ratelimit/interval.go:54-65].
 * Both read the fake clock, so tests refill buckets by moving it. Off by default, like the CLI stack.
 * Trade-off: buckets never expire (GoTrue drops them after 1 h idle, by when they are full anyway).
 */

/** The settings; `perIp: false` and a huge email budget are the Supabase CLI stack's values. */
export interface LimitSettings {
  /**
   * Per-IP buckets keyed by the client address (GOTRUE_RATE_LIMIT_HEADER set). The CLI stack sets none, so they
   * are off there [auth:internal/api/middleware.go:73-78]; requests keyed by Sb-Forwarded-For are charged either way.
   */
  perIp: boolean
  /** GOTRUE_RATE_LIMIT_OTP: /recover, /resend, /otp, /magiclink, /signup, PUT /user, each its own bucket (per 5 min). */
  otpPer5Min: number
  /** GOTRUE_RATE_LIMIT_VERIFY: GET and POST /verify (per 5 min). */
  verifyPer5Min: number
  /** GOTRUE_RATE_LIMIT_TOKEN_REFRESH: /token, all grants (per 5 min). */
  tokenPer5Min: number
  /** Bucket size; GoTrue hard-codes 30. */
  burst: number
  /** GOTRUE_RATE_LIMIT_EMAIL_SENT per hour; the CLI sets 360000 unless custom SMTP is configured. */
  emailsPerHour: number
  /**
   * GOTRUE_SECURITY_SB_FORWARDED_FOR_ENABLED, the dashboard's "IP address forwarding". On its own it turns per-IP
   * buckets on for requests carrying a usable Sb-Forwarded-For, even with `perIp` off [auth:internal/api/middleware.go:123-133].
   */
  sbForwardedFor: boolean
}

/** The Supabase CLI stack: no per-IP limiter, effectively no email budget [cli:apps/cli-go/internal/start/start.go:589-590,1325]. */
export const CLI_LIMITS: Readonly<LimitSettings> = Object.freeze({
  perIp: false,
  otpPer5Min: 30,
  verifyPer5Min: 30,
  tokenPer5Min: 150,
  burst: 30,
  emailsPerHour: 360_000,
  sbForwardedFor: false,
})

/** A hosted project with custom SMTP: GoTrue's server defaults [auth:internal/conf/configuration.go:435-441]. */
export const HOSTED_LIMITS: Readonly<LimitSettings> = Object.freeze({ ...CLI_LIMITS, perIp: true, emailsPerHour: 30 })

/** The buckets GoTrue keeps apart; the OTP-limited routes each have their own [apilimiter.go:232-238]. */
export type BucketName = 'verify' | 'token' | 'recover' | 'resend' | 'otp' | 'magiclink' | 'signups' | 'user'

const FIVE_MINUTES_S = 300
const HOUR_MS = 3_600_000

interface Bucket {
  tokens: number
  atMs: number
}

/** Per-IP buckets and the email budget of one stand-in. */
export class Limits {
  private buckets = new Map<string, Bucket>()
  private emailWindowStartMs: number
  private emailsInWindow = 0

  constructor(
    public settings: LimitSettings,
    private readonly nowMs: () => number,
  ) {
    this.emailWindowStartMs = nowMs()
  }

  /** Replace the settings and forget every bucket and the email count. */
  configure(settings: LimitSettings): void {
    this.settings = settings
    this.buckets.clear()
    this.emailWindowStartMs = this.nowMs()
    this.emailsInWindow = 0
  }

  private ratePerSecond(name: BucketName): number {
    const s = this.settings
    const perFiveMinutes = name === 'verify' ? s.verifyPer5Min : name === 'token' ? s.tokenPer5Min : s.otpPer5Min
    return perFiveMinutes / FIVE_MINUTES_S
  }

  /** Take one token from `name`'s bucket for `key`; false when it is empty (nothing is taken then). */
  take(name: BucketName, key: string): boolean {
    const now = this.nowMs()
    const id = `${name}\u0000${key}`
    const bucket = this.buckets.get(id) ?? { tokens: this.settings.burst, atMs: now }
    const elapsedS = Math.max(0, now - bucket.atMs) / 1000
    bucket.tokens = Math.min(this.settings.burst, bucket.tokens + elapsedS * this.ratePerSecond(name))
    bucket.atMs = now
    this.buckets.set(id, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  /** Count one email against the hourly budget; false when it is used up (0 refuses every email). */
  allowEmail(): boolean {
    if (this.settings.emailsPerHour <= 0) return false
    const now = this.nowMs()
    const windows = Math.floor((now - this.emailWindowStartMs) / HOUR_MS)
    if (windows > 0) {
      this.emailWindowStartMs += windows * HOUR_MS
      this.emailsInWindow = 0
    }
    if (this.emailsInWindow >= this.settings.emailsPerHour) return false
    this.emailsInWindow++
    return true
  }

  /** Whether one more email would be allowed now, without counting it. */
  hasEmailBudget(): boolean {
    if (this.settings.emailsPerHour <= 0) return false
    return this.emailsThisHour() < this.settings.emailsPerHour
  }

  /** Emails counted in the current hour (for the inbox and the control API). */
  emailsThisHour(): number {
    return Math.floor((this.nowMs() - this.emailWindowStartMs) / HOUR_MS) > 0 ? 0 : this.emailsInWindow
  }
}
