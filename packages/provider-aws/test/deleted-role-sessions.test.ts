import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { type AwsFake, startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { DeleteRoleCommand, DeleteRolePolicyCommand } from '@aws-sdk/client-iam'
import { describe, expect, it } from 'vitest'
import { provision } from '../src/provision/index.js'
import { providerFor, registryErrorOf } from './helpers.js'
import { iamSend, provisionOptions } from './provision-helpers.js'

// IAM evaluates a session's permissions at every request, from the policies of the role it
// belongs to: once that role's policies are deleted, and once the role itself is (IAM deletes a
// role only after its policies), nothing allows its sessions anything, and nobody may assume a
// role that does not exist. A role created again under the name is another role, with another
// unique id: the sessions of the first one do not become its sessions. Credentials minted before
// a role was deleted (a deprovision, a stack replaced) must therefore stop working, and the fake
// must refuse them as AWS does, or a test would pass on credentials AWS has already refused.

const PUSH_ROLE = 'acme-push'
const PULL_ROLE = 'acme-pull'

/** The registry's answer to writing an empty manifest with these credentials: 400 once allowed. */
async function manifestPutStatus(
  credentials: ArtifactRegistryCredentials,
  name: string,
): Promise<number> {
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
  const res = await fetch(`http://${credentials.registry}/v2/${name}/manifests/v1`, {
    method: 'PUT',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
    },
    body: '{}',
  })
  await res.body?.cancel()
  return res.status
}

async function deleteRole(fake: AwsFake, role: string): Promise<void> {
  await iamSend(
    fake,
    new DeleteRolePolicyCommand({ RoleName: role, PolicyName: 'artifact-registry' }),
  )
  await iamSend(fake, new DeleteRoleCommand({ RoleName: role }))
}

/** A provider of the roles `provision` creates (`acme-pull`, `acme-push`: the helpers' roles). */
async function provisioned(fake: AwsFake): ReturnType<typeof providerFor> {
  await provision(provisionOptions(fake))
  return providerFor(fake)
}

describe('credentials of a role that IAM deleted', () => {
  it('are refused by the registry once the role is gone', async () => {
    await using fake = await startAwsFake()
    await using registry = await provisioned(fake)
    const { name } = await registry.createRepository('app')
    const pusher = await registry.generateCredentials(name, 'push-pull')
    // Allowed: the request reaches the registry, which refuses the empty manifest itself.
    expect(await manifestPutStatus(pusher, name)).toBe(400)

    await deleteRole(fake, PUSH_ROLE)
    expect(await manifestPutStatus(pusher, name)).toBe(403)
  })

  it('are refused too when a role of the same name is created again', async () => {
    await using fake = await startAwsFake()
    await using registry = await provisioned(fake)
    const { name } = await registry.createRepository('app')
    const pusher = await registry.generateCredentials(name, 'push-pull')
    await deleteRole(fake, PUSH_ROLE)
    // Provisioning again creates a new role under the name, with the same policies.
    await provision(provisionOptions(fake))
    expect(await manifestPutStatus(pusher, name)).toBe(403)
    // New credentials are the new role's, and work.
    expect(
      await manifestPutStatus(await registry.generateCredentials(name, 'push-pull'), name),
    ).toBe(400)
  })

  it('cannot be minted any more: AssumeRole of a deleted role is refused', async () => {
    await using fake = await startAwsFake()
    await using registry = await provisioned(fake)
    const { name } = await registry.createRepository('app')
    await deleteRole(fake, PULL_ROLE)
    const err = await registryErrorOf(registry.generateCredentials(name, 'pull'))
    expect(err.code).toBe('PERMISSION_DENIED')
  })
})
