/**
 * Whether the request came over https: decides `Secure` and the `__Host-` cookie prefix. Over plain
 * http (local development) browsers refuse both, so the plain cookie names are used there.
 */
import type { Context } from 'hono'

export function isSecureRequest(c: Context): boolean {
  return c.req.url.startsWith('https:')
}
