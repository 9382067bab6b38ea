/**
 * A short content hash for cache-busting asset names (FNV-1a, 64 bits as two 32-bit lanes). Pure and
 * synchronous, so it runs while the configuration is parsed. Not a security hash: it only has to change
 * when the content does.
 */
export function shortHash(text: string): string {
  let a = 0x811c9dc5
  let b = 0x01000193 ^ text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    a = Math.imul(a ^ code, 0x01000193) >>> 0
    b = Math.imul(b ^ code ^ (a >>> 7), 0x01000193) >>> 0
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0').slice(0, 4)
}
