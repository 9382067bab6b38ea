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

/**
 * `u.Fragment = values.Encode(); u.String()`: the old fragment replaced, and the new one escaped as
 * `URL.String()` writes a fragment (`escape(s, encodeFragment)`), which turns each `%` of the encoded
 * values into `%25`: GoTrue's error and message redirects carry `%253A` for a `:`
 * [auth:internal/api/verify.go:505-513,527-530; go:src/net/url/url.go `EscapedFragment`, `shouldEscape`].
 */
export function goSetFragment(url: string, values: readonly (readonly [string, string])[]): string {
  const { base, query } = splitUrl(url)
  return `${base}${query ? `?${query}` : ''}#${goEscapeFragment(goEncodeValues(values))}`
}

// Bytes `shouldEscape(c, encodeFragment)` leaves alone: unreserved, reserved and `!()*`.
const fragmentSafeRe = /[A-Za-z0-9\-_.~$&+,/:;=?@!()*]/

/** Go `escape(s, encodeFragment)`: every other byte as `%XX`, upper-case hex. */
export function goEscapeFragment(s: string): string {
  let out = ''
  for (const byte of new TextEncoder().encode(s)) {
    const ch = String.fromCharCode(byte)
    out += byte < 0x80 && fragmentSafeRe.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** What Go's `url.Parse` keeps that the redirect rules read: the lower-cased scheme, `Hostname()` and `Port()`. */
export interface GoUrlHost {
  readonly scheme: string
  readonly hostname: string
  readonly port: string
}

const ctlByteRe = /[\x00-\x1f\x7f]/
const schemeRe = /^([A-Za-z][A-Za-z0-9+.-]*):/
const hexPairRe = /^[0-9A-Fa-f]{2}$/
const userinfoRe = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/
// ASCII a host may hold as written (`shouldEscape(c, encodeHost)` is false): the rest must be escaped, or is an error.
const hostByteRe = /[A-Za-z0-9!$&'()*+,;=:[\]<>"\-_.~]/

type Mode = 'host' | 'zone' | 'other'

/**
 * Go `unescape`: undefined where Go returns an error. Every `%` needs two hex digits; in a host only bytes
 * of 0x80 and above may be escaped (and `%25`), and ASCII Go would escape is refused; in a zone an escape
 * may stand for a host byte, a space or `%` [go:src/net/url/url.go, `unescape`, `shouldEscape`].
 */
function goUnescape(s: string, mode: Mode): string | undefined {
  const bytes: number[] = []
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string
    if (ch === '%') {
      const pair = s.slice(i + 1, i + 3)
      if (!hexPairRe.test(pair)) return undefined
      const byte = Number.parseInt(pair, 16)
      if (mode === 'host' && byte < 0x80 && pair !== '25') return undefined
      if (mode === 'zone' && pair !== '25' && byte !== 0x20 && !(byte < 0x80 && hostByteRe.test(String.fromCharCode(byte)))) return undefined
      bytes.push(byte)
      i += 2
    } else {
      if ((mode === 'host' || mode === 'zone') && ch.charCodeAt(0) < 0x80 && !hostByteRe.test(ch)) return undefined
      bytes.push(...new TextEncoder().encode(ch))
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes))
}

/** Go `validOptionalPort`: empty, or `:` and digits only. */
const validOptionalPort = (port: string) => port === '' || /^:[0-9]*$/.test(port)

/**
 * Go 1.26's `parseHost`: the host as `URL.Host` keeps it (unescaped), or undefined on error. A `[` only
 * opens the host, and what it encloses must be an IPv6 address (an IPv4-mapped one included, an optional
 * zone after `%25`), never plain IPv4 (the CVE-2025-47912 fix, Go 1.24.8 and 1.25.2); an http(s) host
 * takes its port from the first colon (`urlstrictcolons`, default since Go 1.26, which GoTrue builds
 * with [auth:Dockerfile:1]), other schemes from the last [go:src/net/url/url.go `parseHost`].
 */
function goParseHost(host: string, scheme: string): string | undefined {
  const open = host.lastIndexOf('[')
  if (open > 0) return undefined
  if (open === 0) {
    const close = host.lastIndexOf(']')
    if (close < 0 || !validOptionalPort(host.slice(close + 1))) return undefined
    const zoneAt = host.slice(0, close).indexOf('%25')
    const address = goUnescape(host.slice(1, zoneAt >= 0 ? zoneAt : close), 'host')
    const zone = zoneAt >= 0 ? goUnescape(host.slice(zoneAt, close), 'zone') : ''
    if (address === undefined || zone === undefined || zone === '%' || !isIpv6Address(address)) return undefined
    return `[${address}${zone}]${host.slice(close + 1)}`
  }
  const colon = scheme === 'http' || scheme === 'https' ? host.indexOf(':') : host.lastIndexOf(':')
  if (colon !== -1 && !validOptionalPort(host.slice(colon))) return undefined
  return goUnescape(host, 'host')
}

/**
 * `netip.ParseAddr(s)` is an IPv6 address (no zone here): the WHATWG IPv6 parser reads the same forms and
 * refuses IPv4 in brackets, and anything else left in `s` (host bytes only, by now) fails the whole URL.
 */
function isIpv6Address(s: string): boolean {
  try {
    new URL(`http://[${s}]/`)
    return true
  } catch {
    return false
  }
}

/** Go `splitHostPort`, behind `URL.Hostname()` and `URL.Port()`. */
function splitHostPort(host: string): { hostname: string; port: string } {
  const colon = host.lastIndexOf(':')
  let hostname = host
  let port = ''
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    hostname = host.slice(0, colon)
    port = host.slice(colon + 1)
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1)
  return { hostname, port }
}

/**
 * Go `url.Parse(raw)` as far as the redirect rules need it, or undefined where Go returns an error:
 * control bytes, a bad `%` escape anywhere, a scheme-less first segment with a colon, a bad port, bad
 * userinfo, or host bytes Go refuses. Unlike the WHATWG parser it keeps the host's case, a default port
 * written out (`:443`), and decimal hosts as written [go:src/net/url/url.go, `parse`, `parseAuthority`].
 */
export function goParseUrl(raw: string): GoUrlHost | undefined {
  const hashAt = raw.indexOf('#')
  // Only the part before `#` is checked for control bytes; the fragment only for its escapes (`Parse`, `setFragment`).
  if (ctlByteRe.test(hashAt === -1 ? raw : raw.slice(0, hashAt))) return undefined
  if (hashAt !== -1 && goUnescape(raw.slice(hashAt + 1), 'other') === undefined) return undefined
  let rest = hashAt === -1 ? raw : raw.slice(0, hashAt)
  if (rest.startsWith(':')) return undefined // "missing protocol scheme"
  const scheme = schemeRe.exec(rest)?.[1]?.toLowerCase() ?? ''
  if (scheme) rest = rest.slice(scheme.length + 1)
  const queryAt = rest.indexOf('?')
  if (queryAt !== -1) rest = rest.slice(0, queryAt)
  let host = ''
  if (!rest.startsWith('/')) {
    if (scheme) return { scheme, hostname: '', port: '' } // opaque: `scheme:rest`, no host
    if ((rest.split('/')[0] as string).includes(':')) return undefined
  } else if (rest.startsWith('//') && (scheme || !rest.startsWith('///'))) {
    const slash = rest.indexOf('/', 2)
    const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash)
    rest = slash === -1 ? '' : rest.slice(slash)
    const at = authority.lastIndexOf('@')
    const parsed = goParseHost(authority.slice(at + 1), scheme)
    if (parsed === undefined) return undefined
    if (at >= 0) {
      const userinfo = authority.slice(0, at)
      if (!userinfoRe.test(userinfo) || userinfo.split(':').some((part) => goUnescape(part, 'other') === undefined)) return undefined
    }
    host = parsed
  }
  if (goUnescape(rest, 'other') === undefined) return undefined // setPath
  return { scheme, ...splitHostPort(host) }
}
