/**
 * `npm run doctor [-- --env production] [--json] [--strict] [--worker-url https://auth.example.com]`:
 * checks the deployment and its Supabase projects (scripts/ops/doctor.ts). Exit status 0 when nothing
 * failed (skipped checks are counted in the summary); with --strict, 0 only when every check ran and
 * passed (warnings aside). 1 otherwise; 2 when the deployment could not be read.
 */
import { loadDeploymentFor, parseInvocation, usage } from './ops/cli'
import { formatReport, runDoctor } from './ops/doctor'

try {
  const invocation = parseInvocation(process.argv.slice(2), process.env)
  if (invocation.help) {
    console.log(usage('doctor'))
    process.exit(0)
  }
  const deployment = await loadDeploymentFor(invocation, process.env)
  const report = await runDoctor(deployment, {
    management: { baseUrl: invocation.managementUrl, token: invocation.token },
    assets: deployment.assets,
    bindings: deployment.workerBindings,
    bindingNames: deployment.bindingNames,
    strict: invocation.strict,
    ...(invocation.projectRef ? { projectRef: invocation.projectRef } : {}),
    ...(invocation.emails ? { emails: invocation.emails } : {}),
  })
  console.log(invocation.json ? JSON.stringify(report, null, 2) : formatReport(report))
  process.exitCode = report.ok ? 0 : 1
} catch (error) {
  console.error(`doctor: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 2
}
