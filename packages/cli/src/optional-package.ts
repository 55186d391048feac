import { ArtifactRegistryError } from '@artifact-registry/core'

/**
 * Import an optional peer package (the registry server, a provider's `/provision` subpath). A
 * missing one is `PROVIDER_NOT_INSTALLED` with the `npm i` line, as core reports a missing
 * provider; an error inside an installed package goes on as it is.
 */
export async function importOptional<T>(
  specifier: string,
  packageName: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load()
  } catch (cause) {
    if (!isMissing(cause, specifier, packageName)) throw cause
    throw new ArtifactRegistryError(
      'PROVIDER_NOT_INSTALLED',
      `${packageName} is not installed. Install it with: npm i ${packageName}`,
      { cause },
    )
  }
}

/**
 * Whether `error` says the package itself (`specifier` or `packageName`) cannot be found, not a
 * dependency missing inside it.
 */
export function isMissing(error: unknown, specifier: string, packageName: string): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return error.message.includes(packageName)
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false
  // Only the package itself: a dependency missing inside it is another problem.
  return [specifier, packageName].some(
    (name) => error.message.includes(`'${name}'`) || error.message.includes(`"${name}"`),
  )
}
