import { setTimeout as sleep } from 'node:timers/promises'
import { randomBlob } from '@artifact-registry/test-kit'
import { describe, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { content, imageManifest, MediaType, payload } from '../support/content.js'
import { expectBlob, expectStatus } from '../support/expectations.js'
import { OciClient } from '../support/oci-client.js'
import { randomRepo } from '../support/registry.js'

// A non-distributable (foreign) layer need not be in the registry, but clients may push it
// anyway: `crane copy --allow-nondistributable-artifacts` and Docker's
// `allow-nondistributable-artifacts` do, keeping the layer's media type. Once pushed, the manifest
// references it like any other layer, and distribution's collection keeps it.
describe('garbage collection and non-distributable layers', () => {
  it('keeps a non-distributable layer that was pushed and that a manifest names', async () => {
    await using registry = await startLocalRegistry({
      gcGracePeriodSeconds: 1,
      gcIntervalSeconds: 0,
    })
    const client = new OciClient(registry.url)
    const repo = randomRepo('non-distributable-gc')
    const config = content(new TextEncoder().encode('{"os":"windows"}'), MediaType.imageConfig)
    const foreign = content(randomBlob(300), MediaType.nondistributableTarGzip)
    const layer = content(randomBlob(200), MediaType.layerTarGzip)
    const orphan = content(randomBlob(40), MediaType.layerTarGzip)
    for (const blob of [config, foreign, layer, orphan]) {
      await client.pushBlob(repo, blob.bytes, blob.descriptor.digest)
    }
    const manifest = imageManifest(config.descriptor, [foreign.descriptor, layer.descriptor])
    expectStatus(await client.putManifest(repo, 'windows', payload(manifest)), 201)
    await sleep(1100) // past the grace period
    await registry.collectGarbage()
    for (const blob of [config, foreign, layer]) {
      const { digest } = blob.descriptor
      expectBlob(await client.getBlob(repo, digest), blob.bytes, digest, 'GET')
    }
    // Collection did run: the blob nothing names is gone.
    expectStatus(await client.getBlob(repo, orphan.descriptor.digest), 404)
  })

  it('still accepts a manifest whose non-distributable layers were never pushed', async () => {
    await using registry = await startLocalRegistry({ gcIntervalSeconds: 0 })
    const client = new OciClient(registry.url)
    const repo = randomRepo('non-distributable-absent')
    const config = content(new TextEncoder().encode('{"os":"windows"}'), MediaType.imageConfig)
    const foreign = content(randomBlob(300), MediaType.nondistributableTarGzip)
    await client.pushBlob(repo, config.bytes, config.descriptor.digest)
    const manifest = imageManifest(config.descriptor, [foreign.descriptor])
    expectStatus(await client.putManifest(repo, 'absent', payload(manifest)), 201)
    await registry.collectGarbage()
    expectStatus(await client.getManifest(repo, 'absent'), 200)
  })
})
