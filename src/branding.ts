/**
 * Per-site branding: display name (APP_NAME), logo, colours, colour scheme, support, privacy and terms
 * links, footer text. Parsed with the rest of the configuration, once. Colours reach pages through a
 * per-site stylesheet the Worker serves under a content-hashed name (the CSP keeps `style-src 'self'`,
 * no inline styles); a logo given inline (`data:` URL) is served by the Worker too, one on another origin
 * is added to that site's `img-src` only. A palette that fails WCAG AA contrast is refused, naming the key.
 */
import * as z from 'zod/mini'
import { AA_TEXT_CONTRAST, bestTextOn, contrastRatio, hexColourRe } from './lib/contrast'
import { shortHash } from './lib/short-hash'
import { buildStylesheet, DARK, LIGHT, type Palette } from './views/style'

/** Where the Worker serves a site's assets: under /auth/, so a path-mounted site owns them too. */
export const ASSETS_PATH = '/auth/assets'

const LOGO_TYPES = { 'image/png': 'png', 'image/svg+xml': 'svg', 'image/webp': 'webp', 'image/jpeg': 'jpg' } as const
/**
 * A base64 payload `atob` decodes: whole 4-character groups, then an optional 2- or 3-character tail
 * with or without its padding (never 1 character, never `=` mid-text or past the tail's due).
 */
const dataLogoRe = /^data:(image\/(?:png|svg\+xml|webp|jpeg));base64,((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?))$/
/** Inline logos are for small marks; larger files belong on a CDN. */
const MAX_LOGO_BYTES = 64 * 1024

const colour = z.optional(z.string().check(z.trim(), z.regex(hexColourRe)))
const httpsUrl = z.optional(z.string().check(z.trim(), z.maxLength(2048), z.refine((v) => URL.canParse(v) && new URL(v).protocol === 'https:')))

/** The BRANDING binding (or a site's `BRANDING` object). Every field is optional; a misspelt one is refused. */
export const brandingSchema = z._default(
  z.strictObject({
    /** https URL, or a `data:image/(png|svg+xml|webp|jpeg);base64,…` URL the Worker serves itself. */
    logo: z.optional(z.string().check(z.trim(), z.refine((v) => dataLogoRe.test(v) || (URL.canParse(v) && new URL(v).protocol === 'https:')))),
    logoAlt: z.optional(z.string().check(z.trim(), z.maxLength(120))),
    accent: colour,
    background: colour,
    accentDark: colour,
    backgroundDark: colour,
    colorScheme: z._default(z.enum(['auto', 'light', 'dark']), 'auto'),
    /** https URL, `mailto:` URL or a bare address. */
    support: z.optional(z.string().check(z.trim(), z.maxLength(320), z.refine((v) => /^mailto:[^\s<>"]+$/.test(v) || /^[^\s@<>"]+@[^\s@<>"]+$/.test(v) || (URL.canParse(v) && new URL(v).protocol === 'https:')))),
    privacyUrl: httpsUrl,
    termsUrl: httpsUrl,
    footer: z.optional(z.string().check(z.trim(), z.maxLength(300))),
  }),
  { colorScheme: 'auto' as const },
)
export type BrandingInput = z.output<typeof brandingSchema>

/** A file the Worker serves for a site: its stylesheet, or an inline logo. */
export interface Asset {
  readonly path: string
  readonly type: string
  readonly body: string | Uint8Array
}

/** What pages and headers need of a site's branding, computed once. */
export interface Branding {
  readonly logo: { readonly src: string; readonly alt: string } | undefined
  /** `label` is the support address, or undefined for a web page (the layout then says "Contact support" in the page's language). */
  readonly support: { readonly href: string; readonly label: string | undefined } | undefined
  readonly privacyUrl: string | undefined
  readonly termsUrl: string | undefined
  readonly footer: string | undefined
  /** The site's stylesheet (its path is content-hashed). */
  readonly stylesheet: Asset
  /** Every asset this site serves, by path. */
  readonly assets: ReadonlyMap<string, Asset>
  /** Origins besides 'self' that the site's images load from (an external logo). */
  readonly imageOrigins: readonly string[]
}

/** A contrast failure: the branding key at fault. */
export type BrandingProblem = { readonly key: string }

/** Pure: branding input (already schema-valid) → Branding, or the keys whose colours fail AA. */
export function deriveBranding(input: BrandingInput, appName: string | undefined): Branding | BrandingProblem[] {
  const problems: BrandingProblem[] = []
  const light = palette(LIGHT, input.accent, input.background, 'accent', 'background', problems)
  const dark = palette(DARK, input.accentDark, input.backgroundDark, 'accentDark', 'backgroundDark', problems)
  if (problems.length) return problems

  const css = buildStylesheet({ light, dark, scheme: input.colorScheme })
  const stylesheet: Asset = { path: `${ASSETS_PATH}/site-${shortHash(css)}.css`, type: 'text/css; charset=utf-8', body: css }
  const assets = new Map<string, Asset>([[stylesheet.path, stylesheet]])
  let logo: Branding['logo']
  const imageOrigins: string[] = []
  if (input.logo) {
    // Without a name, the logo is decorative (alt="") and the header shows the default name beside it.
    const alt = input.logoAlt ?? appName ?? ''
    const inline = dataLogoRe.exec(input.logo)
    if (inline) {
      const type = inline[1] as keyof typeof LOGO_TYPES
      const body = decodeBase64(inline[2] ?? '')
      if (!body || body.length > MAX_LOGO_BYTES) return [{ key: 'logo' }]
      const asset: Asset = { path: `${ASSETS_PATH}/logo-${shortHash(input.logo)}.${LOGO_TYPES[type]}`, type, body }
      assets.set(asset.path, asset)
      logo = { src: asset.path, alt }
    } else {
      logo = { src: new URL(input.logo).href, alt }
      imageOrigins.push(new URL(input.logo).origin)
    }
  }
  return {
    logo,
    support: input.support ? supportLink(input.support) : undefined,
    privacyUrl: input.privacyUrl,
    termsUrl: input.termsUrl,
    footer: input.footer,
    stylesheet,
    assets,
    imageOrigins,
  }
}

/** The scheme's palette with the site's colours, checked for AA contrast where text meets them. */
function palette(base: Palette, accent: string | undefined, background: string | undefined, accentKey: string, backgroundKey: string, problems: BrandingProblem[]): Palette {
  const result = { ...base }
  if (background) {
    result.bg = background
    // The site name above the card and the footer below it are muted text on the page background.
    if (contrastRatio(base.muted, background) < AA_TEXT_CONTRAST) problems.push({ key: backgroundKey })
  }
  if (accent) {
    result.accent = accent
    // Links on the card, and button labels on the accent (whichever of light or dark text reads better).
    result.accentText = bestTextOn(accent, ['#ffffff', '#0b1220'])
    if (contrastRatio(accent, base.card) < AA_TEXT_CONTRAST || contrastRatio(result.accentText, accent) < AA_TEXT_CONTRAST) {
      problems.push({ key: accentKey })
    }
  }
  return result
}

function supportLink(support: string): { href: string; label: string | undefined } {
  if (support.startsWith('https:')) return { href: support, label: undefined }
  const address = support.replace(/^mailto:/, '')
  return { href: `mailto:${address}`, label: address }
}

/** The bytes of a base64 text, or undefined when `atob` refuses it (the pattern above should already have). */
function decodeBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0))
  } catch {
    return undefined
  }
}
