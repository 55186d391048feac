import { readFileSync } from 'node:fs'

/**
 * The image this suite runs for `repository`, as pinned in `e2e/images.Dockerfile`. Images live
 * in a Dockerfile of `FROM` lines so that tools which bump Dockerfiles bump them too.
 *
 * @example
 * ```ts
 * pinnedImage('registry') // 'registry:2.8.2'
 * ```
 */
export function pinnedImage(repository: string): string {
  const dockerfile = readFileSync(new URL('../images.Dockerfile', import.meta.url), 'utf8')
  for (const [, image = ''] of dockerfile.matchAll(/^FROM\s+(\S+)/gim)) {
    if (image.split(/[:@]/)[0] === repository) return image
  }
  throw new Error(`e2e/images.Dockerfile has no FROM line for ${repository}`)
}

/** The registry under comparison: `registry:2.8.2` (CNCF distribution), an exact tag. */
export const REGISTRY_IMAGE: string = pinnedImage('registry')
