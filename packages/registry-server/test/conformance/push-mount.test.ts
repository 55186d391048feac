import { digestOf, randomBlob, unknownDigest } from '@artifact-registry/test-kit'
import { beforeAll, describe, expect, it } from 'vitest'
import { startLocalRegistry } from '../../src/index.js'
import { expectBlob, expectHeader, expectStatus } from '../support/expectations.js'
import type { OciResponse } from '../support/oci-client.js'
import { randomRepo, useRegistry } from '../support/registry.js'
import { locationPath } from '../support/responses.js'

// Push, cross-repository mount (end-11). The blob lives in `source`; mounts target `target`.
const oci = useRegistry(() => startLocalRegistry())
const source = randomRepo('push-mount-from')
const target = randomRepo('push-mount-to')
const blob = randomBlob(777)
const digest = digestOf(blob)

describe('push: cross-repository mount', () => {
  let mount: OciResponse | undefined

  beforeAll(async () => {
    await oci().pushBlob(source, blob, digest)
  })

  it('end-11 mount: a missing digest without from → 202 + Location', async () => {
    const response = await oci().mountBlob(target, unknownDigest())
    expectStatus(response, 202)
    expect(response.headers.get('Location'), response.what).toBeTruthy()
  })

  it('end-11 mount: a blob of another repository with from → 201 or 202', async () => {
    mount = await oci().mountBlob(target, digest, source)
    expectStatus(mount, 201, 202)
  })

  it('end-11,end-2 mount: the relative Location is /v2/<name>/blobs/<digest> and GET → 200', async () => {
    if (!mount) throw new Error('the mount request did not run')
    expect(locationPath(mount, oci().baseUrl), mount.what).toBe(`/v2/${target}/blobs/${digest}`)
    expectHeader(mount, 'Docker-Content-Digest', digest)
    const get = await oci().request('GET', mount.headers.get('Location') ?? '')
    expectBlob(get, blob, digest, 'GET')
  })

  it('end-11 mount: a blob missing from `from` → 202 with an upload session of <name>', async () => {
    const response = await oci().mountBlob(target, unknownDigest(), source)
    expectStatus(response, 202)
    expect(locationPath(response, oci().baseUrl), response.what).toMatch(
      new RegExp(`^/v2/${target}/blobs/uploads/.+`),
    )
  })

  it('end-11 mount: without from (anonymous) → 202 and nothing is mounted', async () => {
    // Deliberate: a credential for one repository must not read another's blobs by digest.
    const elsewhere = randomRepo('push-mount-anonymous')
    const response = await oci().mountBlob(elsewhere, digest)
    expectStatus(response, 202)
    expect(locationPath(response, oci().baseUrl), response.what).toMatch(
      new RegExp(`^/v2/${elsewhere}/blobs/uploads/.+`),
    )
    expectStatus(await oci().headBlob(elsewhere, digest), 404)
  })
})
