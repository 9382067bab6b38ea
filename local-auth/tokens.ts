/**
 * Signing keys and JWTs (with `jose`): the ES256 key pair made at start (public half served as JWKS with
 * a kid), the HS256 secret that signs HS access tokens and the legacy anon/service_role apikey JWTs, and
 * verification of incoming bearers with GoTrue's bad_jwt messages. Verification accepts HS256 (secret)
 * and, in ES256 mode, ES256 with the known kid; a fresh key per start means old tokens die on restart.
 */
import { errors as joseErrors, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import type { JWK, JWTPayload, JWTHeaderParameters } from 'jose'
import { randomUUID } from 'node:crypto'
import { LEGACY_KEY_EXP_UNIX_SECONDS } from './constants'

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

/** The key material of one stand-in instance. */
export interface SigningKeys {
  algorithm: 'ES256' | 'HS256'
  kid?: string
  secret: Uint8Array
  privateKey?: PrivateKey
  publicKey?: PrivateKey
  publicJwk?: JWK
  anonKey: string
  serviceRoleKey: string
}

/** Verified claims of a bearer, as GoTrue reads them. */
export type AccessClaims = JWTPayload & {
  role?: string
  session_id?: string
  email?: string
}

/** Legacy apikey JWTs look like the CLI's: `{iss:'supabase-demo', role, exp}`, HS256. */
async function signLegacyKey(role: string, secret: Uint8Array): Promise<string> {
  return new SignJWT({ iss: 'supabase-demo', role, exp: LEGACY_KEY_EXP_UNIX_SECONDS })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(secret)
}

/** Make the instance's keys. ES256 key generation takes a few milliseconds. */
export async function createSigningKeys(algorithm: 'ES256' | 'HS256', jwtSecret: string): Promise<SigningKeys> {
  const secret = new TextEncoder().encode(jwtSecret)
  const keys: SigningKeys = {
    algorithm,
    secret,
    anonKey: await signLegacyKey('anon', secret),
    serviceRoleKey: await signLegacyKey('service_role', secret),
  }
  if (algorithm === 'ES256') {
    const pair = await generateKeyPair('ES256', { extractable: true })
    keys.kid = randomUUID()
    keys.privateKey = pair.privateKey
    keys.publicKey = pair.publicKey
    keys.publicJwk = { ...(await exportJWK(pair.publicKey)), kid: keys.kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] }
  }
  return keys
}

/** Sign access-token claims (the caller builds them in GoTrue's order, including iat/exp). */
export async function signAccessToken(keys: SigningKeys, claims: Record<string, unknown>): Promise<string> {
  if (keys.algorithm === 'ES256' && keys.privateKey && keys.kid) {
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' }).sign(keys.privateKey)
  }
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(keys.secret)
}

/** `{"keys":[...]}`: only asymmetric public keys are ever listed [auth:internal/api/jwks.go]. */
export function jwksJson(keys: SigningKeys): { keys: JWK[] } {
  return { keys: keys.publicJwk ? [keys.publicJwk] : [] }
}

/** golang-jwt's wording for the failures jose reports (contract §14: approximate). */
function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token has invalid claims: token is expired'
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid: signature is invalid'
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token is unverifiable: signing method is invalid'
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token has invalid claims: ${err.message}`
  if (err instanceof joseErrors.JOSENotSupported || err instanceof joseErrors.JWKSNoMatchingKey) {
    return 'token is unverifiable: error while executing keyfunc: invalid kid'
  }
  return 'token is malformed: could not parse token'
}

/** Verify a bearer at fake time `nowMs`; returns claims or GoTrue's bad_jwt message. */
export async function verifyBearer(
  keys: SigningKeys,
  token: string,
  nowMs: number,
): Promise<{ ok: true; claims: AccessClaims } | { ok: false; message: string }> {
  const algorithms = keys.algorithm === 'ES256' ? ['ES256', 'HS256'] : ['HS256']
  try {
    const { payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        if (header.alg === 'HS256') return keys.secret
        if (header.alg === 'ES256' && keys.publicKey && header.kid === keys.kid) return keys.publicKey
        throw new joseErrors.JWKSNoMatchingKey()
      },
      { algorithms, currentDate: new Date(nowMs) },
    )
    return { ok: true, claims: payload as AccessClaims }
  } catch (err) {
    return { ok: false, message: `invalid JWT: unable to parse or verify signature, ${describeJoseError(err)}` }
  }
}
