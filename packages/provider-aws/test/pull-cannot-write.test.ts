import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { expect, it } from 'vitest'
import { providerFor, pushImage } from './helpers.js'

// A pull credential that cannot upload a layer may still hold `ecr:PutImage` or
// `ecr:BatchDeleteImage` by mistake: then it re-points or deletes a tag using the blobs a push
// already stored, without uploading anything. Failing a whole push does not show that, so each
// manifest write is tried alone, with the blobs in place. The pull session is the push role's
// narrowed by the session policy (no pull role), so the policy is all that stands in the way.
it('pull credentials can neither tag an existing manifest nor delete one', async () => {
  await using fake = await startAwsFake()
  await using registry = await providerFor(fake, { pullRoleArn: undefined })
  const { name } = await registry.createRepository('app')
  const pusher = await registry.generateCredentials(name, 'push-pull')
  await pushImage(pusher, name, 'v1')
  const puller = await registry.generateCredentials(name, 'pull')
  const read = await manifestCall(puller, name, 'GET', 'v1')
  expect(read.status).toBe(200)
  const { body, type, digest } = read

  expect((await manifestCall(puller, name, 'PUT', 'latest', { body, type })).status).toBe(403)
  expect((await manifestCall(puller, name, 'DELETE', digest)).status).toBe(403)
  // Refused for the credential, not for the request: the push credential may do both.
  expect((await manifestCall(pusher, name, 'PUT', 'latest', { body, type })).status).toBe(201)
  expect((await manifestCall(pusher, name, 'DELETE', digest)).status).toBe(202)
})

/** One manifest request on the registry the credentials open, with its answer read whole. */
async function manifestCall(
  credentials: ArtifactRegistryCredentials,
  name: string,
  method: 'GET' | 'PUT' | 'DELETE',
  reference: string,
  content?: { body: Buffer; type: string },
): Promise<{ status: number; body: Buffer; type: string; digest: string }> {
  if (credentials.authMethod !== 'basic') throw new Error('expected Basic credentials')
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
  const res = await fetch(`http://${credentials.registry}/v2/${name}/manifests/${reference}`, {
    method,
    headers: {
      authorization: `Basic ${basic}`,
      accept: 'application/vnd.oci.image.manifest.v1+json',
      ...(content === undefined ? {} : { 'content-type': content.type }),
    },
    ...(content === undefined ? {} : { body: content.body }),
  })
  return {
    status: res.status,
    body: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get('content-type') ?? '',
    digest: res.headers.get('docker-content-digest') ?? '',
  }
}
