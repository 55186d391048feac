import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { writeRandomImage } from '@artifact-registry/test-kit'
import type { AuthMode } from './auth.ts'
import { type Figure, medians, seconds } from './measure.ts'
import type { Server } from './registries.ts'
import { type Settings, toFigure } from './settings.ts'

/** Wall time of `skopeo copy` of a fresh multi-layer OCI layout into each server. */
export async function skopeoFigure(
  servers: readonly Server[],
  auth: AuthMode,
  settings: Settings,
): Promise<Figure> {
  const layouts = new Map<number, Promise<string>>()
  const layoutOf = (round: number): Promise<string> => {
    // New random layers per round (shared by both servers), so skopeo's blob-info cache never
    // offers a cross-repository mount that only one of them would get.
    let layout = layouts.get(round)
    if (layout === undefined) {
      const dir = join(settings.workDir, `layout-${auth.name}-${round}`)
      layout = writeRandomImage(dir, settings.layout).then((image) => image.reference)
      layouts.set(round, layout)
    }
    return layout
  }
  const { layers, layerBytes } = settings.layout
  const title = `skopeo copy, ${layers} layers × ${layerBytes / 2 ** 20} MiB`
  const result = await medians(
    servers,
    `${auth.name} · ${title}`,
    's',
    settings.reps,
    async (s, r) => {
      const source = await layoutOf(r)
      const destination = `docker://${s.host}/bench/copy${r < 0 ? `-warmup${-r}` : r + 1}:v1`
      // --insecure-policy: the image is ours, and the machine's policy.json must not matter.
      const args = ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false']
      return seconds(() => run('skopeo', [...args, ...s.skopeoDestArgs, source, destination]))
    },
  )
  return toFigure(`${title} (wall time)`, auth, 's', result, 1)
}

// --- internal ---

const run = promisify(execFile)
