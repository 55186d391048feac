import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OCI_MANIFEST, readLayout, writeMultiLayerImage, writeRandomImage } from '../src/index.js'

describe('OCI layouts', () => {
  let work = ''
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'test-kit-layout-'))
  })
  afterEach(() => rm(work, { recursive: true, force: true }))

  it('writeMultiLayerImage is reproducible and reads back as written', async () => {
    const first = await writeMultiLayerImage(join(work, 'a'), { seed: 'same' })
    const second = await writeMultiLayerImage(join(work, 'b'), { seed: 'same' })
    expect(second.digest).toBe(first.digest)
    expect(first.images[0]?.layerDigests).toHaveLength(3)
    const back = await readLayout(first.dir, 'v1')
    expect(back).toEqual(first)
    expect(back.mediaType).toBe(OCI_MANIFEST)
  })

  it('writeRandomImage writes the layers asked for, new ones on every call', async () => {
    const options = { layers: 4, layerBytes: 10_000 }
    const first = await writeRandomImage(join(work, 'a'), options)
    const second = await writeRandomImage(join(work, 'b'), options)
    expect(first.reference).toBe(`oci:${join(work, 'a')}:v1`)
    expect(await readLayout(first.dir, 'v1')).toEqual(first)
    expect(first.images[0]?.layerDigests).toHaveLength(4)
    expect(second.images[0]?.layerDigests).not.toEqual(first.images[0]?.layerDigests)
    // 4 layers, a config and a manifest.
    expect(await readdir(join(first.dir, 'blobs', 'sha256'))).toHaveLength(6)
  })
})
