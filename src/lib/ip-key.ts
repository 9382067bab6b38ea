/**
 * The key a per-IP limit counts under. Pure. IPv4 counts per address; IPv6 per /64, because one
 * subscriber (or any VPS) holds a whole /64 and could otherwise rotate through 2^64 addresses.
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`) counts as the IPv4 address it carries.
 */

const ipv4Re = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const hextetRe = /^[0-9a-f]{1,4}$/

/** Pure: `ip:<address>` for IPv4, `ip6:<first four hextets>::/64` for IPv6, `ip:unknown` otherwise. */
export function ipLimitKey(raw: string | undefined): string {
  const ip = (raw ?? '').trim().toLowerCase()
  if (ipv4Re.test(ip)) return `ip:${ip}`
  const hextets = expandIpv6(ip)
  if (!hextets) return 'ip:unknown'
  // ::ffff:a.b.c.d (and its hex form) is an IPv4 client.
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const [hi = 0, lo = 0] = hextets.slice(6)
    return `ip:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  }
  return `ip6:${hextets.slice(0, 4).map((h) => h.toString(16)).join(':')}::/64`
}

/** Eight 16-bit numbers, or undefined when `ip` is not an IPv6 address. */
function expandIpv6(ip: string): number[] | undefined {
  let text = ip.replace(/%.*$/, '') // zone index
  if (!text.includes(':') || text.length > 45) return undefined
  const tail: number[] = []
  const lastColon = text.lastIndexOf(':')
  const last = text.slice(lastColon + 1)
  if (last.includes('.')) {
    if (!ipv4Re.test(last)) return undefined
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number)
    tail.push((a << 8) | b, (c << 8) | d)
    text = text.slice(0, lastColon + 1)
    if (!text.endsWith('::')) text = text.slice(0, -1)
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const parse = (part: string) => (part === '' ? [] : part.split(':'))
  const head = parse(halves[0] ?? '')
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : []
  if (![...head, ...rest].every((h) => hextetRe.test(h))) return undefined
  const missing = 8 - tail.length - head.length - rest.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  return [...head.map((h) => parseInt(h, 16)), ...Array<number>(Math.max(missing, 0)).fill(0), ...rest.map((h) => parseInt(h, 16)), ...tail]
}
