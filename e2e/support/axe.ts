/**
 * axe-core, injected into the page under test. Our pages' CSP allows no scripts at all, so contexts that
 * use this need `bypassCSP: true` (only the accessibility tests do).
 */
import { createRequire } from 'node:module'
import type { Page } from '@playwright/test'
import type { AxeResults } from 'axe-core'

const require = createRequire(import.meta.url)
export const AXE_SOURCE = require.resolve('axe-core/axe.min.js')

export interface Finding {
  readonly id: string
  readonly impact: string
  readonly help: string
  readonly helpUrl: string
  readonly targets: readonly string[]
}

/** Run axe on the whole document; every violation, worst first. */
export async function axeFindings(page: Page): Promise<Finding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SOURCE })
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe
    const results = await axe.run(document, { resultTypes: ['violations'] })
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }))
  })
  const rank = ['critical', 'serious', 'moderate', 'minor', 'unknown']
  return violations.sort((a, b) => rank.indexOf(a.impact) - rank.indexOf(b.impact))
}

export const isSeriousOrCritical = (f: Finding) => f.impact === 'serious' || f.impact === 'critical'

export function describeFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.impact} ${f.id}: ${f.help} (${f.targets.join(', ')})`).join('\n')
}
