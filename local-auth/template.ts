/**
 * A small Go html/template look-alike for the email templates: `{{ .Field }}` and `{{ .Data.key }}`
 * with Go's contextual escaping (HTML text/attribute escaping; URL filter, normalizer and query escaper
 * inside href/src), and the conditionals a localised template needs: `{{ if .X }}`, `{{ if eq .X "lit" }}`,
 * `{{ else if … }}`, `{{ else }}`, `{{ end }}` (a missing field is empty, so false). Pure. Not supported:
 * pipelines, `range`, `with`, other functions (rendered as empty).
 */

type UrlPart = 'none' | 'prequery' | 'query'
type Ctx = { state: 'text' } | { state: 'tag'; name: string } | { state: 'attr'; quote: string; name: string; url: UrlPart }

const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'cite', 'poster', 'background'])

/** Go's htmlEscaper (text and attribute contexts). */
export function goHtmlEscape(s: string): string {
  return s.replace(/[\0"'&+<>]/g, (ch) =>
    ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '+': '&#43;', '<': '&lt;', '>': '&gt;' })[ch] ?? ch,
  )
}

/** Go's processURLOnto: normalise (keep reserved characters) or escape (keep only unreserved). */
function goUrlProcess(s: string, normalise: boolean): string {
  let out = ''
  for (const byte of new TextEncoder().encode(s)) {
    const ch = String.fromCharCode(byte)
    if (/[A-Za-z0-9\-._~]/.test(ch) || (normalise && /[!#$&*+,/:;=?@[\]%]/.test(ch))) out += ch
    else out += `%${byte.toString(16).padStart(2, '0')}`
  }
  return out
}

/** Go's urlFilter: only http, https and mailto schemes (or none) survive. */
function goUrlFilter(s: string): string {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(s)?.[1]?.toLowerCase()
  return scheme === undefined || ['http', 'https', 'mailto'].includes(scheme) ? s : '#ZgotmplZ'
}

function escapeFor(ctx: Ctx, value: string): string {
  if (ctx.state !== 'attr' || !urlAttrs.has(ctx.name)) return goHtmlEscape(value)
  if (ctx.url === 'query') return goHtmlEscape(goUrlProcess(value, false))
  const filtered = ctx.url === 'none' ? goUrlFilter(value) : value
  return goHtmlEscape(goUrlProcess(filtered, true))
}

/** Advance the context over literal template text (or an inserted value inside a URL). */
function advance(ctx: Ctx, text: string): Ctx {
  let c = ctx
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (c.state === 'text') {
      if (ch === '<' && /[a-zA-Z/]/.test(text[i + 1] ?? '')) c = { state: 'tag', name: '' }
    } else if (c.state === 'tag') {
      if (ch === '>') c = { state: 'text' }
      else if (ch === '"' || ch === "'") c = { state: 'attr', quote: ch, name: c.name.toLowerCase(), url: 'none' }
      else if (/\s/.test(ch)) c = { state: 'tag', name: '' }
      else if (ch !== '=') c = { state: 'tag', name: c.name + ch }
    } else if (ch === c.quote) {
      c = { state: 'tag', name: '' }
    } else if (ch === '?' || ch === '#') {
      c = { ...c, url: 'query' }
    } else if (c.url === 'none') {
      c = { ...c, url: 'prequery' }
    }
  }
  return c
}

function lookup(data: Record<string, unknown>, path: string): string {
  let cur: unknown = data
  for (const key of path.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return ''
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur === undefined || cur === null ? '' : String(cur)
}

const actionRe = /\{\{-?\s*(.*?)\s*-?\}\}/g
const conditionRe = /^(?:\.([\w.]*)|eq\s+\.([\w.]*)\s+"((?:[^"\\]|\\.)*)")$/

/** Go's truth of `.X` (non-empty) or `eq .X "lit"`; anything else is false. */
function isTrue(condition: string, data: Record<string, unknown>): boolean {
  const match = conditionRe.exec(condition.trim())
  if (!match) return false
  if (match[1] !== undefined) return lookup(data, match[1]) !== ''
  return lookup(data, match[2] ?? '') === (match[3] ?? '').replace(/\\(.)/g, '$1')
}

/** One open `if`: whether its current branch is output, and whether an earlier branch was. */
interface Branch {
  readonly outer: boolean
  active: boolean
  taken: boolean
}

/**
 * Render a template. `data` holds SiteURL, Email, Token, TokenHash, ConfirmationURL, RedirectTo,
 * NewEmail and Data (the user's metadata).
 * @example renderTemplate('<a href="{{ .SiteURL }}/x?t={{ .TokenHash }}">', { SiteURL: 'http://a', TokenHash: 'f0' })
 */
export function renderTemplate(source: string, data: Record<string, unknown>): string {
  let ctx: Ctx = { state: 'text' }
  let out = ''
  let last = 0
  const branches: Branch[] = []
  const emitting = () => branches.every((b) => b.active)
  for (const match of source.matchAll(actionRe)) {
    const literal = source.slice(last, match.index)
    last = match.index + match[0].length
    if (emitting()) {
      out += literal
      ctx = advance(ctx, literal)
    }
    const expr = match[1] ?? ''
    const top = branches.at(-1)
    if (expr.startsWith('if ')) {
      const outer = emitting()
      const active = outer && isTrue(expr.slice(3), data)
      branches.push({ outer, active, taken: active })
      continue
    }
    if (top && (expr === 'else' || expr.startsWith('else if '))) {
      top.active = top.outer && !top.taken && (expr === 'else' || isTrue(expr.slice(8), data))
      top.taken ||= top.active
      continue
    }
    if (top && expr === 'end') {
      branches.pop()
      continue
    }
    if (!emitting()) continue
    const value = expr.startsWith('.') ? lookup(data, expr) : ''
    out += escapeFor(ctx, value)
    if (ctx.state === 'attr' && urlAttrs.has(ctx.name)) ctx = advance(ctx, value)
  }
  return out + source.slice(last)
}

/** Plain-text alternative: tags stripped, link targets kept visible, entities decoded. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<a\b[^>]*\bhref\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a>/gi, (_m, _q, d, s, inner) => `${inner} ( ${d ?? s} )`)
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|h[1-6]|div|li|tr)>/gi, '\n')
      .replace(/<[^>]+>/g, ''),
  )
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter((line, i, all) => line !== '' || (i > 0 && all[i - 1] !== ''))
    .join('\n')
    .trim()
}

/** Decode the entities Go's escaper and common HTML produce. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (m, e: string) => {
    const lower = e.toLowerCase()
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16))
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10))
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' } as Record<string, string>)[lower] ?? m
  })
}
