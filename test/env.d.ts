/** Values globalSetup provides to the tests and to the Worker's bindings, and the typed entrypoint. */
declare module 'vitest' {
  export interface ProvidedContext {
    authUrl: string
    /** The stand-in's Management API access (local-auth/management.ts). */
    management: { token: string; projectRef: string }
    anonKey: string
    serviceRoleKey: string
    publishableKey: string
    secretKey: string
    legacyAuthUrl: string
    legacyAnonKey: string
    /** A second project, for the second site of multi-site tests. */
    siteBAuthUrl: string
    siteBAnonKey: string
    /** wrangler.toml's `[[ratelimits]]`: name → { limit, period }. */
    rateLimits: Record<string, { limit: number; period: number }>
    /** The local range server (local-pwned/), the Worker's BREACHED_PASSWORD_API_URL. */
    pwnedUrl: string
    /** A project with required characters, leaked-password protection and both password-change guards on. */
    strictAuthUrl: string
    strictAnonKey: string
    /** The main stand-in behind test/lossy-proxy.ts. */
    lossyAuthUrl: string
  }
}

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('../src/index')
    }
  }
}

export {}
