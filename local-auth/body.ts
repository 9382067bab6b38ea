/**
 * Reading JSON request bodies the way GoTrue's `retrieveRequestParams` does: at most 1 MiB (413
 * request_entity_too_large), then JSON into the route's Go struct (400 bad_json with a Go-like reason).
 * Trade-off: the whole body is read before the size check, which is fine at 1 MiB and avoids resetting
 * the client's upload mid-stream.
 */
import type { Context } from 'hono'
import { MAX_BODY_BYTES } from './constants'
import { AuthError, badRequest } from './errors'
import { decodeStruct, type GoStruct } from './go-structs'

/** Approximate encoding/json's error text for a body JSON.parse rejected. */
function goJsonReason(text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') return 'unexpected end of JSON input'
  const first = trimmed[0] as string
  if (!/[{["\-0-9tfn]/.test(first)) return `invalid character '${first}' looking for beginning of value`
  return 'unexpected end of JSON input'
}

/**
 * Read the request body into a GoTrue request struct as encoding/json fills it (go-structs.ts): fields by
 * JSON name, matched case-insensitively, and a value of the wrong kind is the 400 bad_json GoTrue answers
 * [auth:internal/api/helpers.go:92-94]. `allowEmpty`: a body of no bytes at all is not parsed (whitespace
 * is, and fails as Go's does).
 */
export async function readJsonBody(c: Context, struct: GoStruct, options: { allowEmpty?: boolean } = {}): Promise<Record<string, unknown>> {
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  if (bytes.byteLength > MAX_BODY_BYTES) {
    throw new AuthError(413, 'request_entity_too_large', `Request body too large (max ${MAX_BODY_BYTES} bytes)`)
  }
  if (bytes.byteLength === 0 && options.allowEmpty) return {}
  const text = new TextDecoder().decode(bytes)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw badRequest('bad_json', `Could not parse request body as JSON: ${goJsonReason(text)}`)
  }
  const decoded = decodeStruct(struct, value)
  if (!decoded.ok) throw badRequest('bad_json', `Could not parse request body as JSON: ${decoded.message}`)
  return decoded.fields
}

/** A string field, or '' when absent/null/not a string (Go's zero value). */
export function str(body: Record<string, unknown>, key: string): string {
  const v = body[key]
  return typeof v === 'string' ? v : ''
}
