/**
 * Which hostnames are local development, where plain http is served as it comes (browsers refuse
 * `Secure` and `__Host-` cookies there): loopback, `localhost` and its subdomains, and private or
 * link-local addresses (a phone on the same network as the laptop). No deployment answers on these;
 * any other hostname over http is sent to https before anything is set (middleware/https-only.ts).
 * Pure: a hostname as `URL.hostname` writes it (lower case, IPv6 in brackets) in, a boolean out.
 */

const ipv4Re = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/** Pure: whether a client address (CF-Connecting-IP) is this machine: the runtime in front is local. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address === '::1' || (address !== undefined && /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address))
}

export function isLocalHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  const v4 = ipv4Re.exec(hostname)
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])]
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) {
    const v6 = hostname.slice(1, -1)
    // Loopback, unique local (fc00::/7), link-local (fe80::/10), and IPv4 loopback or private written as IPv6.
    if (v6 === '::1') return true
    // The parser drops leading zeros, so a first group of these ranges is always four digits.
    if (/^f[cd][0-9a-f]{2}:/.test(v6) || /^fe[89ab][0-9a-f]:/.test(v6)) return true
    // The URL parser writes an IPv4-mapped address in hex (`::ffff:7f00:1`).
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6)
    if (!mapped) return false
    const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)]
    return isLocalHost(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`)
  }
  return false
}
