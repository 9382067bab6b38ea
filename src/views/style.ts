/**
 * The stylesheet, built per site from a light and a dark palette (branding.ts), and served by the
 * Worker under a content-hashed name so the CSP needs no 'unsafe-inline'.
 * Logical properties (inline-start/end) throughout, so right-to-left pages mirror without rules of their own.
 * System fonts only (no external assets); readable on a phone; honours dark mode and reduced motion.
 */

/** The colours the rules below use, as CSS custom properties. */
export interface Palette {
  bg: string
  card: string
  text: string
  muted: string
  line: string
  accent: string
  accentText: string
  error: string
  errorBg: string
  ok: string
  okBg: string
  infoBg: string
}

export const LIGHT: Readonly<Palette> = {
  bg: '#f6f7f9', card: '#ffffff', text: '#1a1d21', muted: '#555d66', line: '#d3d8de', accent: '#1f5fd1', accentText: '#ffffff',
  error: '#b3261e', errorBg: '#fdecea', ok: '#136c3a', okBg: '#e7f6ec', infoBg: '#eaf1fd',
}

export const DARK: Readonly<Palette> = {
  bg: '#111418', card: '#1b1f24', text: '#eef1f4', muted: '#a9b1ba', line: '#3a414a', accent: '#7aa7ff', accentText: '#0b1220',
  error: '#ffb4ab', errorBg: '#3b1512', ok: '#8fdcaa', okBg: '#12301e', infoBg: '#16233b',
}

function vars(p: Palette): string {
  return `--bg:${p.bg};--card:${p.card};--text:${p.text};--muted:${p.muted};--line:${p.line};--accent:${p.accent};--accent-text:${p.accentText};--error:${p.error};--error-bg:${p.errorBg};--ok:${p.ok};--ok-bg:${p.okBg};--info-bg:${p.infoBg}`
}

/** Pure: the whole stylesheet for a pair of palettes and a colour-scheme preference. */
export function buildStylesheet(options: { readonly light: Palette; readonly dark: Palette; readonly scheme: 'auto' | 'light' | 'dark' }): string {
  const root =
    options.scheme === 'light'
      ? `:root{color-scheme:light;${vars(options.light)}}`
      : options.scheme === 'dark'
        ? `:root{color-scheme:dark;${vars(options.dark)}}`
        : `:root{color-scheme:light dark;${vars(options.light)}}\n@media (prefers-color-scheme:dark){:root{${vars(options.dark)}}}`
  return `${root}\n${RULES}`
}

const RULES = `*{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;overflow-wrap:break-word;background:var(--bg);color:var(--text);font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.skip{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}.skip:focus{width:auto;height:auto;overflow:visible;clip-path:none;inset-inline-start:1rem;top:1rem;background:var(--card);padding:.5rem}
header.site{max-width:30rem;margin:0 auto;padding:1.5rem 1.25rem 0;color:var(--muted);font-weight:600;letter-spacing:.01em}
main{max-width:30rem;margin:1rem auto 3rem;padding:1.75rem 1.25rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .75rem}
p{margin:.5rem 0 1rem}
.muted{color:var(--muted);font-size:.925rem}
a{color:var(--accent);text-underline-offset:.15em}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
.hint{display:block;color:var(--muted);font-size:.875rem;margin:-.15rem 0 .4rem}
input[type=email],input[type=password],input[type=text]{width:100%;font:inherit;padding:.7rem .8rem;border:1px solid var(--line);border-radius:8px;background:var(--card);color:var(--text)}
input[aria-invalid=true]{border-color:var(--error);border-width:2px}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
input[aria-invalid=true]:focus-visible{outline-color:var(--error)}
.field-error{color:var(--error);font-size:.925rem;margin:.35rem 0 0}
button,.button{display:block;width:100%;margin:1.5rem 0 .5rem;padding:.8rem 1rem;font:inherit;font-weight:600;border:0;border-radius:8px;background:var(--accent);color:var(--accent-text);cursor:pointer;text-align:center;text-decoration:none}
.button.secondary,button.secondary{background:transparent;color:var(--accent);border:1px solid var(--line)}
.notice{padding:.8rem 1rem;border-radius:8px;margin:0 0 1rem;background:var(--info-bg)}
.notice.error{background:var(--error-bg);color:var(--error)}
.notice.ok{background:var(--ok-bg);color:var(--ok)}
.notice ul{margin:.25rem 0 0;padding-inline-start:1.2rem}
.address,footer a[href^="mailto:"]{overflow-wrap:anywhere;direction:ltr;unicode-bidi:isolate}
.code{font:600 1.25rem/1 ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:.3em}
ul.actions{list-style:none;padding:0;margin:1.25rem 0 0}ul.actions li{margin:.5rem 0}
footer{max-width:30rem;margin:0 auto 2rem;padding:0 1.25rem;color:var(--muted);font-size:.85rem}
header.site{display:flex;flex-wrap:wrap;align-items:center;gap:.6rem}header.site img{height:2rem;width:auto;max-width:10rem}
footer a{color:var(--muted)}
nav.languages{margin-inline-start:auto}nav.languages ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.15rem .7rem;font-weight:400;font-size:.875rem;letter-spacing:normal}
nav.languages a{color:var(--muted)}nav.languages a[aria-current]{color:var(--text);font-weight:600;text-decoration:none}
/* Arabic letters join: spacing between them breaks words apart. German compounds may hyphenate. */
:lang(ar) header.site{letter-spacing:normal}:lang(de) main{hyphens:auto}footer ul{list-style:none;padding:0;margin:.5rem 0 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
/* Phones last, so it overrides the rules above. */
@media (max-width:32rem){main{margin:.75rem .5rem 2rem;border-radius:10px}header.site,footer{padding-inline:calc(1.75rem + 1px)}}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
`
