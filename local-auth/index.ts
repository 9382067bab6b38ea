/**
 * Public entry of the local Supabase Auth stand-in: `startLocalAuth` and its types.
 * Import the test-control client from './client' instead when running inside workerd (no node: there).
 */
export { startLocalAuth } from './server'
export type { LocalAuth } from './server'
export type { LocalAuthOptions } from './options'
