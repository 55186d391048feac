import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeMultiLayerImage } from '../../oci-layout.js'
import type { Fixtures } from './scenario.js'

/** How many distinct images the parallel-push scenario pushes at once. */
export const PARALLEL_PUSHES = 16

/**
 * Writes the OCI layouts the scenarios push, once for both targets, in a fresh temporary
 * directory; `remove()` deletes it with everything pulled below it.
 */
export async function createFixtures(): Promise<Fixtures & { remove(): Promise<void> }> {
  const work = await mkdtemp(join(tmpdir(), 'artifact-registry-differential-'))
  const image = await writeMultiLayerImage(join(work, 'image'), { seed: 'e2e-app' })
  const other = await writeMultiLayerImage(join(work, 'other'), { seed: 'e2e-other' })
  const parallel = await Promise.all(
    Array.from({ length: PARALLEL_PUSHES }, (_, i) =>
      writeMultiLayerImage(join(work, `parallel-${i}`), { seed: `e2e-parallel-${i}` }),
    ),
  )
  return { work, image, other, parallel, remove: () => rm(work, { recursive: true, force: true }) }
}
