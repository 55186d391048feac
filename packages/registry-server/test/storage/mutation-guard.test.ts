import { randomBytes } from 'node:crypto'
import { sha256 } from '@artifact-registry/test-kit'
import { describe, expect, it } from 'vitest'
import { parseManifest } from '../../src/manifest.js'
import { RegistryStore } from '../../src/storage/registry-store.js'
import { imageIndex } from '../support/content.js'

// An image index of no manifests: a manifest that needs no blob.
const INDEX = Buffer.from(imageIndex([]).bytes)

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
