import { requireTool, runTool, type ToolName } from '../tools.js'

/**
 * What a live lane needs from the machine that runs it: the environment variables that name the
 * real account, region and identities, and the clients it drives.
 *
 * @example
 * ```ts
 * const AWS_LANE = {
 *   name: 'live-aws',
 *   docs: 'docs/live-lanes.md#aws',
 *   variables: { AWS_REGION: 'region of the lane’s repositories, e.g. us-east-1' },
 *   tools: ['docker', 'skopeo'],
 * } as const satisfies LiveLane
 * ```
 */
export interface LiveLane<Variable extends string = string> {
  /** The lane's vitest project, e.g. `live-aws`. */
  readonly name: string
  /** Where its setup is written down, e.g. `docs/live-lanes.md#aws`. */
  readonly docs: string
  /** Each variable the lane needs, with what its value names. */
  readonly variables: Readonly<Record<Variable, string>>
  /** The clients the lane runs. */
  readonly tools: readonly ToolName[]
}

/** A live lane that cannot run here: in CI, or without what it needs. The message says what. */
export class LiveLaneError extends Error {
  override name = 'LiveLaneError'
}

/**
 * Throws when the process runs in CI: live lanes create real resources with real credentials, and
 * only a person who set them up may start one. Any `CI` value but empty, `false` or `0` counts,
 * since CI services spell it differently.
 */
export function refuseInCi(env: NodeJS.ProcessEnv = process.env): void {
  const ci = env.CI?.trim().toLowerCase()
  if (ci === undefined || ci === '' || ci === 'false' || ci === '0') return
  throw new LiveLaneError(
    `live lanes never run in CI (CI=${env.CI}): they use a real cloud account; run them by hand`,
  )
}

/**
 * The lane's variables, read from `env`. Refuses CI first, then throws one error that lists every
 * missing (or blank) variable with what it names, so a user fixes them all in one go.
 */
export function laneEnvironment<Variable extends string>(
  lane: LiveLane<Variable>,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<Variable, string>> {
  refuseInCi(env)
  const missing = missingVariables(lane, env)
  if (missing.length > 0) throw laneError(lane, missing, [])
  const values = Object.keys(lane.variables).map((name) => [name, env[name]?.trim()])
  return Object.fromEntries(values) as Record<Variable, string>
}

/**
 * Everything a lane checks before its first test (its global setup calls this): not in CI, every
 * variable set, every client on PATH, and a Docker daemon that answers when the lane drives
 * docker. One error lists every problem found.
 */
export async function checkLane(
  lane: LiveLane,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  refuseInCi(env)
  const missing = missingVariables(lane, env)
  const problems = lane.tools.flatMap((tool) => requireTool(tool) ?? [])
  if (problems.length === 0 && lane.tools.includes('docker')) {
    await runTool('docker', ['version', '--format', '{{.Server.Version}}'], {
      timeoutMs: 30_000,
    }).catch(() => problems.push('the Docker daemon does not answer `docker version`'))
  }
  if (missing.length > 0 || problems.length > 0) throw laneError(lane, missing, problems)
}

// --- internal ---

function missingVariables(lane: LiveLane, env: NodeJS.ProcessEnv): string[] {
  return Object.entries(lane.variables)
    .filter(([name]) => (env[name]?.trim() ?? '') === '')
    .map(([name, what]) => `${name}: ${what}`)
}

function laneError(lane: LiveLane, variables: string[], tools: string[]): LiveLaneError {
  const sections = [
    variables.length > 0 && ['missing environment variables:', ...variables],
    tools.length > 0 && ['clients not ready:', ...tools],
  ].flatMap((section) => (section ? [section.join('\n  ')] : []))
  return new LiveLaneError(
    `${lane.name} cannot run (set it up as ${lane.docs} says)\n${sections.join('\n')}`,
  )
}
