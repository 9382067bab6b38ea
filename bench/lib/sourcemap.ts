/**
 * Just enough of source map v3 to attribute generated code to its source files: VLQ decoding, a
 * "which source wrote this generated position" lookup, and per-source slices of the generated text.
 * Written here (60 lines) rather than depending on a transitive package.
 */

export interface SourceMapV3 {
  readonly version: number
  readonly sources: readonly string[]
  readonly mappings: string
}

/** Per generated line: [column, sourceIndex] pairs sorted by column (segments without a source skipped). */
export type DecodedLines = Array<Array<[number, number]>>

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64_INDEX = new Map([...B64].map((ch, i) => [ch, i]))

export function decodeMappings(mappings: string): DecodedLines {
  const lines: DecodedLines = []
  let source = 0
  for (const line of mappings.split(';')) {
    const segments: Array<[number, number]> = []
    let column = 0
    for (const segment of line.split(',')) {
      if (!segment) continue
      const fields = decodeVlq(segment)
      column += fields[0] ?? 0
      if (fields.length >= 4) {
        source += fields[1] ?? 0
        segments.push([column, source])
      }
      // fields[2], fields[3] (original line/column) are not needed; names neither.
    }
    lines.push(segments)
  }
  return lines
}

function decodeVlq(segment: string): number[] {
  const values: number[] = []
  let value = 0
  let shift = 0
  for (const ch of segment) {
    const digit = B64_INDEX.get(ch)
    if (digit === undefined) throw new Error(`bad VLQ character ${ch}`)
    value += (digit & 31) << shift
    if (digit & 32) {
      shift += 5
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1)
      value = 0
      shift = 0
    }
  }
  return values
}

/**
 * Source index that generated (line, column), both 0-based; -1 when unknown. A line without mappings
 * belongs to the last source mapped before it (esbuild leaves some inlined helpers, such as a package's
 * own `_objectSpread2`, unmapped inside that package's code).
 */
export function sourceAt(lines: DecodedLines, line: number, column: number): number {
  const segments = lines[line]
  if (!segments || segments.length === 0) {
    for (let l = line - 1; l >= 0; l--) {
      const previous = lines[l]
      if (previous && previous.length) return previous[previous.length - 1]![1]
    }
    return -1
  }
  let lo = 0
  let hi = segments.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (segments[mid]![0] <= column) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found === -1 ? segments[0]![1] : segments[found]![1]
}

/** The generated text split by the source each character came from (characters before any mapping: -1). */
export function sliceBySource(code: string, lines: DecodedLines): Map<number, string[]> {
  const out = new Map<number, string[]>()
  const push = (source: number, text: string) => {
    if (!text) return
    let list = out.get(source)
    if (!list) out.set(source, (list = []))
    list.push(text)
  }
  const codeLines = code.split('\n')
  let carried = -1 // unmapped text continues the source mapped before it
  codeLines.forEach((text, lineIndex) => {
    const segments = lines[lineIndex] ?? []
    let cursor = 0
    let current = segments.length && segments[0]![0] === 0 ? segments[0]![1] : carried
    for (const [column, source] of segments) {
      push(current, text.slice(cursor, column))
      cursor = column
      current = source
    }
    push(current, text.slice(cursor) + (lineIndex < codeLines.length - 1 ? '\n' : ''))
    carried = current
  })
  return out
}

/** A readable group for a bundled file: the npm package (hono split by area), or our own folder. */
export function groupOf(sourcePath: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)(\/.*)?$/.exec(sourcePath)
  if (nm) {
    const pkg = nm[1]!
    if (pkg === 'hono') return honoArea(nm[2] ?? '')
    if (pkg === 'wrangler' || pkg === 'miniflare') return '(wrangler shims)'
    return pkg
  }
  const own = /(?:^|\/)(src|bench\/baseline)\/(.*)$/.exec(sourcePath)
  if (own) {
    const [dir] = own[2]!.split('/')
    return own[1] === 'src' ? (own[2]!.includes('/') ? `src/${dir}/` : `src/${own[2]}`) : `bench/baseline/${own[2]}`
  }
  if (/wrangler|miniflare|templates\//.test(sourcePath)) return '(wrangler shims)'
  return sourcePath.replace(/^(\.\.\/)+/, '')
}

/** hono is one package but several separable parts; name the part (jsx/dom, middleware/csrf, core ...). */
function honoArea(rest: string): string {
  const parts = rest.replace(/^\/dist\/(cjs\/)?/, '').split('/')
  if (parts[0] === 'jsx') {
    if (parts[1] === 'dom' || parts[1] === 'hooks') return `hono/jsx/${parts[1]}`
    return 'hono/jsx (server)'
  }
  if (parts[0] === 'middleware' || parts[0] === 'helper') return `hono/${parts[0]}/${parts[1]}`
  return 'hono (core)'
}
