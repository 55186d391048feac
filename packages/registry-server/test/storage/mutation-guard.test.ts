import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseManifest } from '../../src/manifest.js'
import { RegistryStore } from '../../src/storage/registry-store.js'

const INDEX = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [],
  }),
)
const sha256 = (bytes: Buffer): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`

// What a refused commit must leave: nothing visible in the repository.
describe('a change whose guard refuses writes nothing', () => {
  it('a manifest is not stored, a blob is not linked, and the repository takes changes after', async () => {
    const store = await RegistryStore.open(undefined)
    const refuse = (): void => {
      throw new Error('no longer allowed')
    }
    const write = {
      bytes: INDEX,
      digest: sha256(INDEX),
      parsed: parseManifest(INDEX, undefined),
      tags: ['v1'],
    }
    await expect(store.putManifest('guard/app', write, refuse)).rejects.toThrow('no longer allowed')
    expect(store.resolve('guard/app', 'v1')).toBeUndefined()

    const blob = randomBytes(100)
    await store.blobs.writeSmall(sha256(blob), blob)
    await expect(store.linkBlob('guard/app', sha256(blob), refuse)).rejects.toThrow(
      'no longer allowed',
    )
    expect(await store.linkedBlob('guard/app', sha256(blob))).toBeUndefined()

    let asked = 0
    await store.putManifest('guard/app', write, () => {
      asked += 1
    })
    expect(asked).toBe(1)
    expect(store.resolve('guard/app', 'v1')?.digest).toBe(sha256(INDEX))
  })
})
