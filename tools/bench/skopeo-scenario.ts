import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { writeRandomImage } from '@artifact-registry/test-kit'
import { type Figure, seconds } from './measure.js'
import { measureFigure, type Pass } from './settings.js'

/** Wall time of `skopeo copy` of a fresh multi-layer OCI layout into each server. */
export function skopeoFigure(pass: Pass): Promise<Figure> {
  const { auth, settings } = pass
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
  const label = `skopeo copy, ${layers} layers × ${layerBytes / 2 ** 20} MiB`
  const spec = { label, scenario: `${label} (wall time)`, unit: 's', target: 1 } as const
  return measureFigure(pass, spec, async (s, r) => {
    const source = await layoutOf(r)
    const destination = `docker://${s.host}/bench/copy${r < 0 ? `-warmup${-r}` : r + 1}:v1`
    // --insecure-policy: the image is ours, and the machine's policy.json must not matter.
    const args = ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false']
    return seconds(() => run('skopeo', [...args, ...s.skopeoDestArgs, source, destination]))
  })
}

// --- internal ---

const run = promisify(execFile)
