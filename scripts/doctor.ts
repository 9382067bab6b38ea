/**
 * `npm run doctor [-- --env production] [--json] [--worker-url https://auth.example.com]`: checks the
 * deployment and its Supabase projects (scripts/ops/doctor.ts). Exit status 0 only when nothing failed.
 */
import { loadDeploymentFor, parseInvocation } from './ops/cli'
import { formatReport, runDoctor } from './ops/doctor'

try {
  const invocation = parseInvocation(process.argv.slice(2), process.env)
  const deployment = await loadDeploymentFor(invocation, process.env)
  const report = await runDoctor(deployment, {
    management: { baseUrl: invocation.managementUrl, token: invocation.token },
    assets: deployment.assets,
    ...(invocation.projectRef ? { projectRef: invocation.projectRef } : {}),
  })
  console.log(invocation.json ? JSON.stringify(report, null, 2) : formatReport(report))
  process.exitCode = report.ok ? 0 : 1
} catch (error) {
  console.error(`doctor: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 2
}
