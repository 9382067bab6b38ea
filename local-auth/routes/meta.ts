/**
 * GET /auth/v1/health, /settings and /.well-known/jwks.json (contract §5.7, §6.14). Settings reflect
 * what this stand-in supports: email as configured (`emailProviderEnabled`), everything else off, signups allowed, autoconfirm as configured.
 * Keys as in GoTrue's `Settings` struct [auth:internal/api/settings.go:5-43].
 */
import { Hono } from 'hono'
import { JWKS_CACHE_CONTROL } from '../constants'
import type { AppEnv, LocalAuthContext } from '../context'
import { jwksJson } from '../tokens'

const externalProviders = [
  'anonymous_users', 'apple', 'azure', 'bitbucket', 'discord', 'facebook', 'figma', 'fly', 'github', 'gitlab',
  'google', 'keycloak', 'kakao', 'linkedin', 'linkedin_oidc', 'notion', 'snapchat', 'spotify', 'slack', 'slack_oidc',
  'workos', 'twitch', 'twitter', 'email', 'phone', 'zoom',
]

/** GET /health, /settings, /.well-known/jwks.json. */
export function metaRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>()
    .get('/health', (c) =>
      c.json({ version: 'local-auth', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' }),
    )
    .get('/settings', (c) =>
      c.json({
        external: Object.fromEntries(externalProviders.map((p) => [p, p === 'email' && ctx.config.emailProviderEnabled])),
        disable_signup: false,
        mailer_autoconfirm: ctx.config.autoconfirm,
        phone_autoconfirm: false,
        sms_provider: '',
        saml_enabled: false,
        saml_private_key_next_configured: false,
        passkeys_enabled: false,
      }),
    )
    .get('/.well-known/jwks.json', (c) => {
      c.header('Cache-Control', JWKS_CACHE_CONTROL)
      return c.json(jwksJson(ctx.keys))
    })
}
