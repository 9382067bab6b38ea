/** Values globalSetup provides to the tests and to the Worker's bindings, and the typed entrypoint. */
declare module 'vitest' {
  export interface ProvidedContext {
    authUrl: string
    anonKey: string
    serviceRoleKey: string
    publishableKey: string
    secretKey: string
    legacyAuthUrl: string
    legacyAnonKey: string
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
