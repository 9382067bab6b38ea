/**
 * A small client for Supabase's Management API auth config: `GET`/`PATCH /v1/projects/{ref}/config/auth`
 * (operationIds v1-get-auth-service-config / v1-update-auth-service-config in Supabase's OpenAPI document).
 * Failures come back as values with a sentence an operator can act on; the token never appears in one.
 * Base URL `https://api.supabase.com`, or SUPABASE_MANAGEMENT_API_URL (the local stand-in serves the subset).
 */

/** Supabase's Management API. */
export const MANAGEMENT_API_URL = 'https://api.supabase.com'

/** How to reach the API. */
export interface ManagementApiOptions {
  readonly baseUrl: string
  /** A personal access token (SUPABASE_ACCESS_TOKEN). */
  readonly token: string
  /** Per request (default 10 s). */
  readonly timeoutMs?: number
}

/** A failed call: what happened, in words, and the HTTP status when there was one. */
export interface ManagementError {
  readonly error: string
  readonly status?: number
}

export type AuthConfigResult = { readonly config: Record<string, unknown> } | ManagementError

/** The project ref of a hosted project URL (`https://<ref>.supabase.co`), else SUPABASE_PROJECT_REF. */
export function projectRefOf(supabaseUrl: string, fallback?: string): string | undefined {
  const host = URL.canParse(supabaseUrl) ? new URL(supabaseUrl).hostname : ''
  const hosted = /^([a-z0-9]{20})\.supabase\.(co|in)$/.exec(host)
  return hosted?.[1] ?? fallback
}

async function call(options: ManagementApiOptions, ref: string, init: RequestInit): Promise<AuthConfigResult> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(ref)}/config/auth`
  let response: Response
  try {
    response = await fetch(url, {
      ...init,
      headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    })
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not connect'
    return { error: `Management API at ${options.baseUrl} unreachable (${reason})` }
  }
  const text = await response.text()
  if (response.status === 401 || response.status === 403) {
    return { status: response.status, error: `Management API refused the access token (${response.status}): check SUPABASE_ACCESS_TOKEN (a personal access token from supabase.com/dashboard/account/tokens with access to ${ref})` }
  }
  if (response.status === 404) return { status: 404, error: `Management API: project ${ref} not found (check the project ref and that the token's account can see it)` }
  if (!response.ok) return { status: response.status, error: `Management API answered ${response.status}: ${messageOf(text)}` }
  try {
    const config = JSON.parse(text) as unknown
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new Error('not an object')
    return { config: config as Record<string, unknown> }
  } catch {
    return { status: response.status, error: 'Management API answered with something that is not a JSON object' }
  }
}

function messageOf(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message
    return Array.isArray(message) ? message.join('; ') : String(message ?? text).slice(0, 300)
  } catch {
    return text.slice(0, 300)
  }
}

/** GET the project's auth config. */
export function getAuthConfig(options: ManagementApiOptions, ref: string): Promise<AuthConfigResult> {
  return call(options, ref, { method: 'GET' })
}

/** PATCH the given fields only; answers the project's config after the change. */
export function patchAuthConfig(options: ManagementApiOptions, ref: string, fields: Record<string, unknown>): Promise<AuthConfigResult> {
  return call(options, ref, { method: 'PATCH', body: JSON.stringify(fields) })
}
