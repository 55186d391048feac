import { randomBytes } from 'node:crypto'

/** The admin credential from flags or the environment; a generated password is flagged for printing. */
export function adminFrom(
  user: string,
  password: string | undefined,
): { username: string; password: string; generated: boolean } {
  const given = password ?? process.env.ARTIFACT_REGISTRY_ADMIN_PASSWORD
  return {
    username: user,
    password: given ?? randomBytes(18).toString('base64url'),
    generated: given === undefined,
  }
}

/** Resolve when the process is asked to stop (SIGTERM or SIGINT). */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
}
