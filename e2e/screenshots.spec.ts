/**
 * Screenshots of every page (the tour in support/tour.ts) at a desktop and a phone width, written to
 * docs/screenshots/<page>.<device>.png for the README. Run on their own with
 *   npm run test:e2e -- --grep @screenshots
 * CSS pixels (scale 'css'), whole page, animations off, light mode: small files that only change when a
 * page does.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { REPO_ROOT } from '../scripts/stack'
import { test } from './support/fixtures'
import { tour } from './support/tour'

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots')
/** Pages of site B worth a picture: enough to see its branding. */
const SITE_B_PAGES = ['forgot-password', 'confirm', 'update-password', 'password-changed']

const DEVICES = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
} as const

for (const [device, options] of Object.entries(DEVICES)) {
  test.describe(device, () => {
    test.use({ ...options, colorScheme: 'light' })

    test(`screenshots of every page at ${device} width (${options.viewport.width}×${options.viewport.height})`, { tag: '@screenshots' }, async ({ page, control, siteB }) => {
      const shootSiteB = async (name: string) => {
        const other = await siteB.visit({ ...options, colorScheme: 'light' })
        const dir = path.join(SCREENSHOT_DIR, 'site-b')
        mkdirSync(dir, { recursive: true })
        await tour(other, siteB.control, async (page) => {
          if (!SITE_B_PAGES.includes(page)) return
          await other.screenshot({ path: path.join(dir, `${page}.${name}.png`), fullPage: true, scale: 'css', animations: 'disabled', caret: 'hide' })
        }, 'sam')
      }
      test.setTimeout(180_000)
      mkdirSync(SCREENSHOT_DIR, { recursive: true })
      const visited = await tour(page, control, async (name) => {
        await page.screenshot({
          path: path.join(SCREENSHOT_DIR, `${name}.${device}.png`),
          fullPage: true,
          scale: 'css',
          animations: 'disabled',
          caret: 'hide',
        })
      })
      // Site B (SITES, its own branding): a few pages, for the README's "Several sites".
      await shootSiteB(device)
      // Pictures of pages the tour no longer visits (renamed or removed) go too.
      const current = new Set(visited.map((name) => `${name}.${device}.png`))
      for (const file of readdirSync(SCREENSHOT_DIR)) {
        if (file.endsWith(`.${device}.png`) && !current.has(file)) rmSync(path.join(SCREENSHOT_DIR, file))
      }
    })
  })
}
