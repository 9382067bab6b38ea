/**
 * Go's `net/url` query encoding, reproduced so redirect URLs match GoTrue byte for byte:
 * `url.Values.Encode` sorts keys and escapes everything but `A-Za-z0-9-_.~` (space as `+`).
 * Pure string functions; they do not try to model every corner of Go's parser.
 */

/** Go `url.QueryEscape`. */
export function goQueryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}

/** Go `url.Values.Encode`: keys sorted, values kept in order. */
export function goEncodeValues(entries: readonly (readonly [string, string])[]): string {
  const byKey = new Map<string, string[]>()
  for (const [k, v] of entries) byKey.set(k, [...(byKey.get(k) ?? []), v])
  return [...byKey.keys()]
    .sort()
    .flatMap((k) => (byKey.get(k) ?? []).map((v) => `${goQueryEscape(k)}=${goQueryEscape(v)}`))
    .join('&')
}

/** Split a URL string into the part before `?`, the raw query and the raw fragment. */
function splitUrl(url: string): { base: string; query: string; fragment: string | undefined } {
  const hashAt = url.indexOf('#')
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt)
  const fragment = hashAt === -1 ? undefined : url.slice(hashAt + 1)
  const qAt = beforeHash.indexOf('?')
  return qAt === -1
    ? { base: beforeHash, query: '', fragment }
    : { base: beforeHash.slice(0, qAt), query: beforeHash.slice(qAt + 1), fragment }
}

/** `q := u.Query(); q.Set(k, v)...; u.RawQuery = q.Encode()`: existing parameters kept, all re-sorted. */
export function goSetQuery(url: string, params: Readonly<Record<string, string>>): string {
  const { base, query, fragment } = splitUrl(url)
  const entries: [string, string][] = [...new URLSearchParams(query)].filter(([k]) => !(k in params))
  for (const [k, v] of Object.entries(params)) entries.push([k, v])
  return `${base}?${goEncodeValues(entries)}${fragment === undefined ? '' : `#${fragment}`}`
}

/** Replace the fragment with already-encoded text (GoTrue appends it verbatim after `#`). */
export function goSetFragment(url: string, encodedFragment: string): string {
  const { base, query } = splitUrl(url)
  return `${base}${query ? `?${query}` : ''}#${encodedFragment}`
}
