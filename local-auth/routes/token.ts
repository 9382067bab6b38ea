/**
 * POST /auth/v1/token?grant_type=password|refresh_token|pkce (contract §6.4–6.6).
 * The PKCE exchange deletes the flow state on success only (a wrong verifier may retry) and gives the
 * session the flow's AMR (`recovery` for password reset). No phone logins, no id_token grant.
 */
import { Hono } from 'hono'
import { readJsonBody, str } from '../body'
import type { AppEnv, LocalAuthContext } from '../context'
import { badRequest, notFound, unprocessable } from '../errors'
import { type GoStruct, PASSWORD_GRANT_PARAMS, PKCE_GRANT_PARAMS, REFRESH_TOKEN_GRANT_PARAMS } from '../go-structs'
import { isCodeVerifierValid } from '../otp'
import { checkPasswordStrength, isPasswordMatch } from '../password'
import { perIpLimit } from '../rate-limit'
import { issueSession, refreshSession, type TokenResponse } from '../sessions'
import { isBanned } from '../users'
import { assertEmailProvider } from './helpers'

async function passwordGrant(ctx: LocalAuthContext, body: Record<string, unknown>): Promise<TokenResponse> {
  const email = str(body, 'email')
  const phone = str(body, 'phone')
  const password = str(body, 'password')
  if (email && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided on login.')
  // Each provider's switch before the user is looked up; phone logins are off here [auth:internal/api/token.go:92-107].
  if (email) assertEmailProvider(ctx, 422)
  else if (phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled')
  else throw badRequest('validation_failed', 'missing email or phone')
  const invalid = badRequest('invalid_credentials', 'Invalid login credentials')
  const user = ctx.store.findUserByEmail(email)
  if (!user || !user.passwordHash) throw invalid
  if (isBanned(user, ctx.clock.nowMs())) throw badRequest('user_banned', 'User is banned')
  if (!(await isPasswordMatch(password, user.passwordHash))) throw invalid
  // A right password that today's policy would refuse still signs in, with `weak_password` beside the
  // session; the check runs before the confirmation check, and its other failures are only logged
  // [auth:internal/api/token.go:129-137, 181-182, 206].
  const weak = await checkPasswordStrength(ctx, password)
  if (user.emailConfirmedAt === undefined) throw badRequest('email_not_confirmed', 'Email not confirmed')
  const session = await issueSession(ctx, user, 'password')
  if (weak?.code === 'weak_password') session.weak_password = { message: weak.message, reasons: weak.reasons ?? [] }
  return session
}

async function pkceGrant(ctx: LocalAuthContext, body: Record<string, unknown>): Promise<TokenResponse> {
  const authCode = str(body, 'auth_code')
  const verifier = str(body, 'code_verifier')
  if (!authCode || !verifier) {
    throw badRequest('validation_failed', 'invalid request: both auth code and code verifier should be non-empty')
  }
  const notFoundError = notFound('flow_state_not_found', 'invalid flow state, no valid flow state found')
  const flowState = ctx.store.findFlowStateByAuthCode(authCode)
  if (!flowState) throw notFoundError
  // Magic-link flow states count from the click; every other one from the request (contract §5.4).
  const start = flowState.authenticationMethod === 'magiclink' ? (flowState.authCodeIssuedAt ?? flowState.createdAt) : flowState.createdAt
  if (ctx.clock.nowMs() > start + ctx.config.flowStateExpirySeconds * 1000) {
    throw unprocessable('flow_state_expired', 'invalid flow state, flow state has expired')
  }
  const user = ctx.store.users.get(flowState.userId)
  if (!user) throw notFoundError
  if (!isCodeVerifierValid(verifier, flowState.codeChallenge, flowState.codeChallengeMethod)) {
    throw badRequest('bad_code_verifier', 'code challenge does not match previously saved code verifier')
  }
  // No ban check here: GoTrue checks it when the auth code is issued (GET /verify) and not at the
  // exchange [auth:internal/api/token.go:214-289, internal/api/verify.go:669-671].
  ctx.store.flowStates.delete(flowState.id)
  return issueSession(ctx, user, flowState.authenticationMethod)
}

/** Each grant: the struct its handler reads the body into, and the handler. */
const GRANTS: Readonly<Record<string, { params: GoStruct; run: (ctx: LocalAuthContext, body: Record<string, unknown>) => Promise<TokenResponse> }>> = {
  password: { params: PASSWORD_GRANT_PARAMS, run: passwordGrant },
  refresh_token: { params: REFRESH_TOKEN_GRANT_PARAMS, run: (ctx, body) => refreshSession(ctx, str(body, 'refresh_token')) },
  pkce: { params: PKCE_GRANT_PARAMS, run: pkceGrant },
}

/** POST /token, dispatching on the grant_type query parameter. */
export function tokenRoutes(ctx: LocalAuthContext) {
  const limit = perIpLimit(ctx, 'token')
  return new Hono<AppEnv>().post('/token', async (c) => {
    const grantType = c.req.query('grant_type') ?? ''
    // An unknown grant is refused before the token limiter is charged [auth:internal/api/token.go:47-61];
    // a known one is charged in the handler, before the grant runs [token.go:63-65].
    if (!Object.hasOwn(GRANTS, grantType)) throw badRequest('invalid_credentials', 'unsupported_grant_type')
    await limit(c, async () => {})
    const grant = GRANTS[grantType] as (typeof GRANTS)[string]
    return c.json(await grant.run(ctx, await readJsonBody(c, grant.params)))
  })
}
