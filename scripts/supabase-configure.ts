/**
 * `npm run supabase:configure [-- --env production] [--apply] [--json]`: shows (and with --apply makes) the
 * Management API changes that make each site's Supabase project match this deployment (scripts/ops/configure.ts).
 * Needs SUPABASE_ACCESS_TOKEN. Exit status 0 when every site was read (and, with --apply, written).
 */
import { loadDeploymentFor, parseInvocation, usage } from './ops/cli'
import { formatPlan, runConfigure } from './ops/configure'

try {
  const invocation = parseInvocation(process.argv.slice(2), process.env)
  if (invocation.help) {
    console.log(usage('supabase:configure'))
    process.exit(0)
  }
  if (!invocation.token) throw new Error('set SUPABASE_ACCESS_TOKEN (a personal access token from supabase.com/dashboard/account/tokens)')
  const deployment = await loadDeploymentFor(invocation, process.env)
  const plan = await runConfigure(deployment, {
    management: { baseUrl: invocation.managementUrl, token: invocation.token },
    apply: invocation.apply,
    ...(invocation.projectRef ? { projectRef: invocation.projectRef } : {}),
    ...(invocation.emails ? { emails: invocation.emails } : {}),
  })
  console.log(invocation.json ? JSON.stringify(plan, null, 2) : formatPlan(plan, invocation.apply))
  process.exitCode = plan.ok ? 0 : 1
} catch (error) {
  console.error(`supabase:configure: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 2
}
