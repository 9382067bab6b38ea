/**
 * Sessions and the access-token response (contract §3.3, §5.5, §5.6): creating a session with its AMR,
 * minting the JWT with GoTrue's claim order, and refresh-token rotation with GoTrue's reuse rules.
 * Not the HTTP layer (routes/token.ts). Times come from the fake clock, so tokens carry fake iat/exp.
 */
import { randomUUID } from 'node:crypto'
import type { LocalAuthContext } from './context'
import { badRequest } from './errors'
import { generateRefreshToken, isRefreshTokenWellFormed } from './otp'
import type { SessionRow, UserRow } from './store'
import { signAccessToken } from './tokens'
import { isBanned, userJson } from './users'

/** GoTrue's AccessTokenResponse. */
export interface TokenResponse {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  expires_at: number
  refresh_token: string
  user: Record<string, unknown>
  weak_password?: { message: string; reasons: string[] }
}

/** Claims in the order GoTrue defines them. */
function accessClaims(ctx: LocalAuthContext, user: UserRow, session: SessionRow, iat: number) {
  return {
    iss: `${ctx.url}/auth/v1`,
    sub: user.id,
    aud: user.aud,
    exp: iat + ctx.config.jwtExpirySeconds,
    iat,
    email: user.email,
    phone: '',
    app_metadata: user.appMetadata,
    user_metadata: user.userMetadata,
    role: user.role,
    aal: session.aal,
    amr: session.amr,
    session_id: session.id,
    is_anonymous: false,
  }
}

/** Mint a new access token for an existing session and refresh token. */
export async function tokenResponse(ctx: LocalAuthContext, user: UserRow, session: SessionRow, refreshToken: string): Promise<TokenResponse> {
  const iat = ctx.clock.nowSeconds()
  const claims = accessClaims(ctx, user, session, iat)
  return {
    access_token: await signAccessToken(ctx.keys, claims),
    token_type: 'bearer',
    expires_in: ctx.config.jwtExpirySeconds,
    expires_at: claims.exp,
    refresh_token: refreshToken,
    user: userJson(user),
  }
}

/** Start a session for `user` whose AMR is `method` (`password`, `otp`, `recovery`, ...). */
export async function issueSession(ctx: LocalAuthContext, user: UserRow, method: string): Promise<TokenResponse> {
  const now = ctx.clock.nowMs()
  const session: SessionRow = {
    id: randomUUID(),
    userId: user.id,
    createdAt: now,
    updatedAt: now,
    aal: 'aal1',
    amr: [{ method, timestamp: Math.floor(now / 1000) }],
  }
  ctx.store.sessions.set(session.id, session)
  const rt = ctx.store.addRefreshToken({ token: generateRefreshToken(), sessionId: session.id, userId: user.id, revoked: false, createdAt: now })
  user.lastSignInAt = now
  user.updatedAt = now
  return tokenResponse(ctx, user, session, rt.token)
}

/** grant_type=refresh_token with rotation and GoTrue's reuse detection. */
export async function refreshSession(ctx: LocalAuthContext, token: string): Promise<TokenResponse> {
  if (!isRefreshTokenWellFormed(token)) throw badRequest('validation_failed', 'Refresh token is not valid')
  const { store, clock } = ctx
  const row = store.refreshTokens.get(token)
  const user = row && store.users.get(row.userId)
  if (!row || !user) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
  const now = clock.nowMs()
  if (isBanned(user, now)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned')
  const session = store.sessions.get(row.sessionId)
  if (!session) throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found')
  if (row.revoked) {
    const active = store.activeRefreshToken(session.id)
    if (active && active.parent === row.token) return tokenResponse(ctx, user, session, active.token)
    const revokedAt = row.revokedAt ?? row.createdAt
    if (now > revokedAt + ctx.config.refreshTokenReuseIntervalSeconds * 1000) {
      for (const other of store.refreshTokens.values()) if (other.sessionId === session.id) other.revoked = true
      throw badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used')
    }
  }
  row.revoked = true
  row.revokedAt ??= now
  const child = store.addRefreshToken({ token: generateRefreshToken(), sessionId: session.id, userId: user.id, parent: row.token, revoked: false, createdAt: now })
  session.refreshedAt = now
  session.updatedAt = now
  return tokenResponse(ctx, user, session, child.token)
}
