/**
 * Markup cut once into static parts around its dynamic values, so that a request only escapes its
 * values into the cuts instead of rendering JSX. A view is rendered once with markers in place of its
 * string values and cut at the markers; filling the cut gives byte for byte what rendering the view
 * gives, as long as the view puts each value into the markup as it is, escaped, and its shape does
 * not depend on the values (test/template.unit.test.tsx checks every cut view against rendering it
 * directly, for arbitrary values). A marker found where no value was put, or a value the view dropped,
 * makes the cut unusable: that view then renders the slow way.
 */
import { escapeToBuffer, type HtmlEscapedString } from 'hono/utils/html'

/** A value: text to escape, or markup already made (hono's `raw()`, which JSX also puts in as it is). */
export type CutValue = string | HtmlEscapedString

/** Static parts and, between each two, the index of the value that goes there. */
export interface Cut {
  readonly parts: readonly string[]
  readonly slots: readonly number[]
}

/**
 * Markers survive escaping (no `&<>'"`) and carry a nonce drawn for each cut, so a catalogue text or a
 * configured value that looks like a marker is never taken for one; any \u0001 left in the static
 * parts makes the cut unusable all the same.
 */
const MARK = '\u0001'

/** Render with a marker per value and cut at the markers; null when the cut would not be faithful. */
export function cutAtMarkers(count: number, render: (markers: readonly string[]) => string): Cut | null {
  const nonce = crypto.randomUUID()
  const markers = Array.from({ length: count }, (_, i) => `${MARK}${i}:${nonce}${MARK}`)
  const pieces = render(markers).split(new RegExp(`${MARK}(\\d+):${nonce}${MARK}`))
  const parts: string[] = []
  const slots: number[] = []
  pieces.forEach((piece, i) => (i % 2 === 0 ? parts.push(piece) : slots.push(Number(piece))))
  const everyValueUsed = new Set(slots).size === count && slots.every((slot) => slot < count)
  return everyValueUsed && !parts.some((part) => part.includes(MARK)) ? { parts, slots } : null
}

/** The cut filled with `values`: text escaped as JSX escapes it, markup as it is. */
export function fillCut(cut: Cut, values: readonly CutValue[]): string {
  const buffer: [string] = [cut.parts[0] ?? '']
  for (let i = 0; i < cut.slots.length; i++) {
    const value = values[cut.slots[i]!] ?? ''
    if (typeof value === 'string') escapeToBuffer(value, buffer)
    else buffer[0] += value
    buffer[0] += cut.parts[i + 1] ?? ''
  }
  return buffer[0]
}

/**
 * Cuts remembered per owner (a Translator, a configuration) and key. Keys name a view's variant from
 * fixed words and configuration values only, never from a request, so the memo stays as small as the
 * configuration times the languages.
 */
export function cutMemo(): (owner: object, key: string, count: number, render: (markers: readonly string[]) => string) => Cut | null {
  const memo = new WeakMap<object, Map<string, Cut | null>>()
  return (owner, key, count, render) => {
    let byKey = memo.get(owner)
    if (!byKey) memo.set(owner, (byKey = new Map()))
    let cut = byKey.get(key)
    if (cut === undefined) byKey.set(key, (cut = cutAtMarkers(count, render)))
    return cut
  }
}

/**
 * A view's markup through a memo of cuts: `render` is called with markers once per owner and key, and
 * with the values themselves only when no faithful cut exists. `values` are the view's dynamic parts.
 */
export function htmlThroughCut(
  memo: ReturnType<typeof cutMemo>,
  owner: object,
  key: string,
  values: readonly CutValue[],
  render: (values: readonly CutValue[]) => unknown,
): string {
  const cut = memo(owner, key, values.length, (markers) => String(render(markers)))
  return cut ? fillCut(cut, values) : String(render(values))
}
