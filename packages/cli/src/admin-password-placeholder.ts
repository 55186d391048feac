import { ArtifactRegistryError } from '@artifact-registry/core'

// A whole value naming one variable, as `provision local --url` writes the admin password.
const PLACEHOLDER = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/

/**
 * The binding JSON with a `local` binding's `adminCredentials.password` of `${VAR}` replaced by
 * that variable of `env`. `provision local --url --output FILE` writes the password so, never the
 * password itself, and a deployment tool resolves it; the command resolves it the same way, so
 * that the file works with `--binding-file` and in the credential helper. Only that field: a
 * binding file naming other variables elsewhere does not get them read. Anything else, and every
 * other shape, is returned as it is, for core to check.
 *
 * @throws ArtifactRegistryError `INVALID_CONFIG` naming the variable when it is unset or empty
 *   (its value is never shown)
 */
export function withAdminPassword(json: unknown, env: NodeJS.ProcessEnv, source: string): unknown {
  const name = adminPasswordVariable(json)
  if (name === undefined) return json
  const binding = json as { adminCredentials: { password: string } }
  const value = env[name]
  if (!value) {
    const problem = `names ${name}, which is not set`
    throw new ArtifactRegistryError(
      'INVALID_CONFIG',
      `The admin password of ${source} ${problem}: set it to the registry's admin password`,
      { issues: [{ path: 'adminCredentials.password', message: problem }] },
    )
  }
  return { ...binding, adminCredentials: { ...binding.adminCredentials, password: value } }
}

/**
 * The variable a `local` binding's `adminCredentials.password` of `${VAR}` names, as
 * {@link withAdminPassword} reads it; `undefined` for any other binding or password.
 */
export function adminPasswordVariable(json: unknown): string | undefined {
  const binding = json as { platform?: unknown; adminCredentials?: { password?: unknown } } | null
  const password = binding?.adminCredentials?.password
  if (binding?.platform !== 'local' || typeof password !== 'string') return undefined
  return PLACEHOLDER.exec(password)?.[1]
}
