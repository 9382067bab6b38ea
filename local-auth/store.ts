/**
 * In-memory tables mirroring GoTrue's: users, sessions, refresh_tokens, one_time_tokens, flow_state.
 * Plain maps and small lookups; no persistence and no concurrency control beyond Node's single thread.
 * Deleting a session cascades to its refresh tokens, and deleting a user to everything, as the SQL schema does.
 */

/** One AMR entry of a session: `{method, timestamp}` (contract §5.5). */
export interface AmrEntry {
  method: string
  timestamp: number
}

/** A row of auth.users, timestamps in fake-clock milliseconds. */
export interface UserRow {
  id: string
  aud: string
  role: string
  email: string
  passwordHash?: string
  emailConfirmedAt?: number
  invitedAt?: number
  confirmationSentAt?: number
  recoverySentAt?: number
  emailChangeSentAt?: number
  newEmail?: string
  /** 0 until the first of a secure email change's two links is opened, then 1 [auth:internal/models/user.go]. */
  emailChangeConfirmStatus?: number
  lastSignInAt?: number
  bannedUntil?: number
  appMetadata: Record<string, unknown>
  userMetadata: Record<string, unknown>
  identityId: string
  createdAt: number
  updatedAt: number
}

/** A row of auth.sessions; `amr` is newest first. */
export interface SessionRow {
  id: string
  userId: string
  createdAt: number
  updatedAt: number
  refreshedAt?: number
  aal: 'aal1'
  amr: AmrEntry[]
}

/** A row of auth.refresh_tokens (legacy 12-character format). */
export interface RefreshTokenRow {
  token: string
  sessionId: string
  userId: string
  parent?: string
  revoked: boolean
  /** When it was first revoked (rotation); the reuse interval counts from here. */
  revokedAt?: number
  createdAt: number
  seq: number
}

/** GoTrue's one_time_tokens.token_type values used here. */
export type OneTimeTokenType = 'confirmation_token' | 'recovery_token' | 'email_change_token_current' | 'email_change_token_new'

/** A row of auth.one_time_tokens; `relatesTo` is the address the token was sent to. */
export interface OneTimeTokenRow {
  userId: string
  type: OneTimeTokenType
  tokenHash: string
  relatesTo: string
  createdAt: number
}

/** A row of auth.flow_state (PKCE). */
export interface FlowStateRow {
  id: string
  authCode: string
  userId: string
  authenticationMethod: string
  codeChallenge: string
  codeChallengeMethod: 's256' | 'plain'
  createdAt: number
  authCodeIssuedAt?: number
}

/** All mutable auth state of one stand-in instance. */
export class Store {
  readonly users = new Map<string, UserRow>()
  readonly sessions = new Map<string, SessionRow>()
  readonly refreshTokens = new Map<string, RefreshTokenRow>()
  readonly oneTimeTokens = new Map<string, OneTimeTokenRow>()
  readonly flowStates = new Map<string, FlowStateRow>()
  private refreshSeq = 0

  clear(): void {
    this.users.clear()
    this.sessions.clear()
    this.refreshTokens.clear()
    this.oneTimeTokens.clear()
    this.flowStates.clear()
  }

  findUserByEmail(email: string): UserRow | undefined {
    const wanted = email.toLowerCase()
    for (const user of this.users.values()) if (user.email === wanted) return user
    return undefined
  }

  deleteUser(userId: string): void {
    this.users.delete(userId)
    this.deleteSessionsWhere((s) => s.userId === userId)
    this.deleteOneTimeTokens(userId)
    for (const [id, fs] of this.flowStates) if (fs.userId === userId) this.flowStates.delete(id)
  }

  sessionsOf(userId: string): SessionRow[] {
    return [...this.sessions.values()].filter((s) => s.userId === userId)
  }

  /** Delete matching sessions and (cascade) their refresh tokens; returns how many went. */
  deleteSessionsWhere(predicate: (s: SessionRow) => boolean): number {
    let count = 0
    for (const [id, session] of this.sessions) {
      if (!predicate(session)) continue
      this.sessions.delete(id)
      for (const [token, row] of this.refreshTokens) if (row.sessionId === id) this.refreshTokens.delete(token)
      count++
    }
    return count
  }

  addRefreshToken(row: Omit<RefreshTokenRow, 'seq'>): RefreshTokenRow {
    const full = { ...row, seq: ++this.refreshSeq }
    this.refreshTokens.set(full.token, full)
    return full
  }

  /** The newest unrevoked refresh token of a session, if any. */
  activeRefreshToken(sessionId: string): RefreshTokenRow | undefined {
    let best: RefreshTokenRow | undefined
    for (const row of this.refreshTokens.values()) {
      if (row.sessionId === sessionId && !row.revoked && (!best || row.seq > best.seq)) best = row
    }
    return best
  }

  /** Store a one-time token, replacing the user's previous token of the same type. */
  putOneTimeToken(row: OneTimeTokenRow): void {
    for (const [hash, existing] of this.oneTimeTokens) {
      if (existing.userId === row.userId && existing.type === row.type) this.oneTimeTokens.delete(hash)
    }
    this.oneTimeTokens.set(row.tokenHash, row)
  }

  /** Delete all one-time tokens of a user (what a successful verify or password change does). */
  deleteOneTimeTokens(userId: string): void {
    for (const [hash, row] of this.oneTimeTokens) if (row.userId === userId) this.oneTimeTokens.delete(hash)
  }

  /** The user's newest flow state for an authentication method (GET /verify PKCE lookup). */
  latestFlowState(userId: string, authenticationMethod: string): FlowStateRow | undefined {
    let best: FlowStateRow | undefined
    for (const fs of this.flowStates.values()) {
      if (fs.userId !== userId || fs.authenticationMethod !== authenticationMethod) continue
      if (!best || fs.createdAt >= best.createdAt) best = fs
    }
    return best
  }

  findFlowStateByAuthCode(authCode: string): FlowStateRow | undefined {
    for (const fs of this.flowStates.values()) if (fs.authCode === authCode) return fs
    return undefined
  }
}
