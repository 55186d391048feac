import { missingRequirement, requireTool } from '@artifact-registry/test-kit'
import { getContainerRuntimeClient, ImageName } from 'testcontainers'

/**
 * Why the e2e suite cannot run here, for `describe.skipIf(reason)`: no Docker engine, `image`
 * absent (it is never pulled), or no skopeo. `undefined` means everything is there. In CI
 * (`CI=true`) a missing piece throws instead, because CI installs it and a skip would hide that.
 */
export async function e2eRequirement(image: string): Promise<string | undefined> {
  const skopeo = requireTool('skopeo')
  if (skopeo) return skopeo
  let client: Awaited<ReturnType<typeof getContainerRuntimeClient>>
  try {
    client = await getContainerRuntimeClient()
  } catch (error) {
    return missingRequirement(
      `e2e: no Docker engine answers (${firstLine(error)}); start one, e.g. bash tools/run.sh test does`,
    )
  }
  if (!(await client.image.exists(ImageName.fromString(image)))) {
    return missingRequirement(
      `e2e: ${image} is not present and is never pulled: bash tools/registry-image/build.sh (offline), or docker pull ${image}`,
    )
  }
  return undefined
}

// --- internal ---

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? ''
}
