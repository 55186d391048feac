import { readFileSync } from 'node:fs'
import type { GcpFake } from '@artifact-registry/testing/fakes/gcp'
import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { Impersonated } from 'google-auth-library'
import { describe, expect, it } from 'vitest'
import { deprovision, provision } from '../src/provision/index.js'
import { PROJECT } from './helpers.js'
import {
  freshRepositoryId,
  provisionOptions,
  repositoryResource,
  withGarClient,
} from './provision-helpers.js'

// The README's list of what the provisioning identity needs, taken at its word: a deployer
// holding exactly those permissions on the project (as a custom role, or as the predefined roles
// named) provisions, converges and deprovisions; without any one of them, something fails. The
// fake checks each call against the deployer's roles, inherited from the project.

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const DEPLOYER = `deployer@${PROJECT}.iam.gserviceaccount.com`
const CUSTOM_ROLE = `projects/${PROJECT}/roles/provisioner`
const TIMEOUT_MS = 120_000

/** The backticked names of the first column of the table under the README's heading. */
function readmeTable(heading: string): string[] {
  const section = README.split(`#### ${heading}\n`)[1]?.split('\n#')[0] ?? ''
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => /^\| `([^`]+)`/.exec(line)?.[1] ?? '')
}

const PERMISSIONS = readmeTable('Permissions of the provisioning identity')
const PREDEFINED = [
  ...(/^As predefined roles: (.+)$/m.exec(README)?.[1] ?? '').matchAll(/`([^`]+)`/g),
].map((m) => m[1] ?? '')

/**
 * Provision (with labels), converge a removed grant and changed labels, then deprovision an
 * image-holding GAR repository with force, all as the deployer, whose project roles are `roles`.
 */
async function lifecycleAs(roles: { role: string; permissions?: readonly string[] }[]) {
  const custom = Object.fromEntries(
    roles.filter((r) => r.permissions !== undefined).map((r) => [r.role, r.permissions ?? []]),
  )
  await using fake = await startGcpFake({ serviceAccounts: [DEPLOYER], customRoles: custom })
  fake.seedPolicy(`projects/${PROJECT}`, {
    version: 1,
    bindings: roles.map(({ role }) => ({ role, members: [`serviceAccount:${DEPLOYER}`] })),
  })
  const repository = freshRepositoryId()
  const options = { ...provisionOptions(fake, repository), authClient: deployer(fake) }
  await provision({ ...options, labels: { team: 'web' } })
  await drift(fake, repository)
  const { changes } = await provision({ ...options, labels: { team: 'web' } })
  expect(changes.filter((c) => c.action === 'update')).toHaveLength(2)
  fake.seedImage(repositoryResource(repository), 'app')
  await deprovision({ ...options, force: true })
  expect(fake.getRepositories()).toEqual([])
}

/** The deployer's identity: tokens minted by impersonation, by the fake's caller. */
function deployer(fake: GcpFake): Impersonated {
  return new Impersonated({
    sourceClient: fake.providerOptions().authClient,
    targetPrincipal: DEPLOYER,
    targetScopes: ['https://www.googleapis.com/auth/cloud-platform'],
    lifetime: 3600,
    endpoint: fake.url,
  })
}

/** As someone else: the pull account loses its grant, the labels change (the mark stays). */
async function drift(fake: GcpFake, repository: string): Promise<void> {
  const resource = repositoryResource(repository)
  const { bindings } = fake.getPolicy(resource)
  fake.seedPolicy(resource, { version: 3, bindings: bindings.slice(1) })
  await withGarClient(fake, (client) =>
    client.updateRepository({
      repository: {
        name: resource,
        labels: { team: 'ops', 'artifact-registry-provisioned': repository },
      },
      updateMask: { paths: ['labels'] },
    }),
  )
}

it('the README lists the permissions and the predefined roles that hold them', () => {
  expect(PERMISSIONS.length).toBeGreaterThanOrEqual(10)
  expect(PREDEFINED).toEqual(['roles/artifactregistry.admin', 'roles/iam.serviceAccountAdmin'])
})

describe('provisioning with what the README lists', () => {
  it(
    'as a custom role with exactly its permissions',
    () => lifecycleAs([{ role: CUSTOM_ROLE, permissions: PERMISSIONS }]),
    TIMEOUT_MS,
  )

  it(
    'as the predefined roles it names',
    () => lifecycleAs(PREDEFINED.map((role) => ({ role }))),
    TIMEOUT_MS,
  )

  it.each(PERMISSIONS)(
    'without %s, something fails',
    async (left) => {
      const permissions = PERMISSIONS.filter((p) => p !== left)
      await expect(lifecycleAs([{ role: CUSTOM_ROLE, permissions }])).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
      })
    },
    TIMEOUT_MS,
  )
})
