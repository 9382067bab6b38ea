/**
 * axe-core on every page the Worker shows (the tour in support/tour.ts), in light and dark mode, on
 * both demo sites (the default look, and site B's own branding): no serious or critical violation
 * anywhere. Lesser findings are attached to the report and printed.
 */
import { expect, test } from './support/fixtures'
import { axeFindings, describeFindings, type Finding, isSeriousOrCritical } from './support/axe'
import { TOUR_PAGES, tour } from './support/tour'

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} mode`, () => {
    test.use({ colorScheme, bypassCSP: true })

    test(`site B (branded): axe finds no violation on any page (${colorScheme})`, async ({ siteB }) => {
      test.setTimeout(120_000)
      const page = await siteB.visit({ colorScheme })
      const visited = await tour(page, siteB.control, async (name) => {
        const bad = (await axeFindings(page)).filter(isSeriousOrCritical)
        expect.soft(bad, `serious or critical axe violations on site B "${name}" (${page.url()}):\n${describeFindings(bad)}`).toEqual([])
      }, colorScheme === 'light' ? 'bella' : 'boris')
      expect(visited).toEqual(TOUR_PAGES)
    })

    test(`axe finds no serious or critical violation on any page (${colorScheme})`, async ({ page, control }, testInfo) => {
      test.setTimeout(120_000)
      const lesser: Record<string, Finding[]> = {}
      const visited = await tour(page, control, async (name) => {
        const findings = await axeFindings(page)
        const bad = findings.filter(isSeriousOrCritical)
        expect.soft(bad, `serious or critical axe violations on "${name}" (${page.url()}):\n${describeFindings(bad)}`).toEqual([])
        const rest = findings.filter((f) => !isSeriousOrCritical(f))
        if (rest.length) lesser[name] = rest
      }, colorScheme === 'light' ? 'lucy' : 'darcy')
      expect(visited).toEqual(TOUR_PAGES)
      if (Object.keys(lesser).length) {
        await testInfo.attach('moderate-and-minor-axe-findings.json', { body: JSON.stringify(lesser, null, 2), contentType: 'application/json' })
        const byRule = new Map<string, string[]>()
        for (const [name, findings] of Object.entries(lesser)) {
          for (const f of findings) byRule.set(`${f.impact} ${f.id}`, [...(byRule.get(`${f.impact} ${f.id}`) ?? []), name])
        }
        for (const [rule, pages] of byRule) console.log(`axe (${colorScheme}) ${rule}: ${pages.length} page(s), e.g. ${pages.slice(0, 3).join(', ')}`)
      }
    })
  })
}
