/** Values globalSetup provides to the tests and to the Worker's bindings. */
declare module 'vitest' {
  export interface ProvidedContext {
    authUrl: string
    anonKey: string
    serviceRoleKey: string
  }
}
export {}
