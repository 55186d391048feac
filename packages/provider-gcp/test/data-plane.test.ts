import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import { requireTool, type SkopeoWorkspace, skopeoWorkspace } from '@artifact-registry/test-kit'
import { type FakeIamBinding, startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GcpProvider } from '../src/index.js'
import {
  KNOWN_IDENTITIES,
  PROJECT,
  providerFor,
  provisionGarRepository,
  READER,
  REPO_ADMIN,
} from './helpers.js'

// The contract suite's "another repository" check skips GCP: a GAR credential reaches every image
// path of its GAR repository (repositoryScopedCredentials: false). What does hold is the boundary
// between GAR repositories, checked here with skopeo against the fake's registry: two providers,
// each on its own GAR repository with its own pull and push accounts, cannot use each other's
// credentials, to push or to pull. Accounts shared by both reach both, as IAM grants per account.

const TIMEOUT_MS = 60_000
const PULL_B = `puller-b@${PROJECT}.iam.gserviceaccount.com`
const PUSH_B = `pusher-b@${PROJECT}.iam.gserviceaccount.com`
const OWN_ACCOUNTS_OF_B: readonly FakeIamBinding[] = [
  { role: READER, members: [`serviceAccount:${PULL_B}`] },
  { role: REPO_ADMIN, members: [`serviceAccount:${PUSH_B}`] },
]

const fake = await startGcpFake({
  ...KNOWN_IDENTITIES,
  serviceAccounts: [...(KNOWN_IDENTITIES.serviceAccounts ?? []), PULL_B, PUSH_B],
})

let workspace: SkopeoWorkspace
let pulls = 0
beforeAll(async () => {
  // A registry client is the point of this file: without skopeo it fails rather than skip.
  const missing = requireTool('skopeo')
  if (missing !== undefined) throw new Error(missing)
  workspace = await skopeoWorkspace('provider-gcp-data-plane-')
})
afterAll(async () => {
  await fake.close()
  await workspace?.[Symbol.asyncDispose]()
})

const reference = (credentials: ArtifactRegistryCredentials, name: string, tag: string): string =>
  `docker://${credentials.registry}/${name}:${tag}`

/** skopeo copy of the test image to `name:tag`, logged in with `credentials`. */
async function push(credentials: ArtifactRegistryCredentials, name: string, tag: string) {
  const args = ['--dest-tls-verify=false', ...(await workspace.login(credentials))]
  return [...args, workspace.image.reference, reference(credentials, name, tag)]
}

/** skopeo copy of `name:tag` into a new layout, logged in with `credentials`. */
async function pull(credentials: ArtifactRegistryCredentials, name: string, tag: string) {
  pulls += 1
  const args = ['--src-tls-verify=false', ...(await workspace.login(credentials))]
  const layout = join(workspace.dir, `pulled-${pulls}`)
  return [...args, reference(credentials, name, tag), `oci:${layout}:${tag}`]
}

/** The copy must fail as the registry refuses access (401 or 403), not for any other reason. */
async function expectRefused(args: string[], what: string): Promise<void> {
  const failure = await workspace.skopeo.fails('copy', ...args)
  expect(failure.stderr, what).toMatch(/denied|unauthorized|forbidden|\b40[13]\b/i)
}

/** A provider on a fresh GAR repository of the fake, with an image repository `app` in it. */
async function tenant(
  bindings?: readonly FakeIamBinding[],
  accounts: { pullServiceAccount?: string; pushServiceAccount?: string } = {},
): Promise<{ provider: GcpProvider; name: string }> {
  const { repository } = provisionGarRepository(fake, bindings)
  const provider = await providerFor(fake, repository, accounts)
  const { name } = await provider.createRepository('app')
  return { provider, name }
}

describe('data plane: two GAR repositories', () => {
  it(
    'each with its own accounts, the credentials of one are refused on the other, push and pull',
    async () => {
      const a = await tenant()
      const b = await tenant(OWN_ACCOUNTS_OF_B, {
        pullServiceAccount: PULL_B,
        pushServiceAccount: PUSH_B,
      })
      const pushA = await a.provider.generateCredentials(a.name, 'push-pull')
      const pullA = await a.provider.generateCredentials(a.name, 'pull')
      const pushB = await b.provider.generateCredentials(b.name, 'push-pull')
      const pullB = await b.provider.generateCredentials(b.name, 'pull')
      expect(pushA.registry).toBe(pushB.registry)

      // Controls: each tenant's credentials work on its own GAR repository.
      await workspace.skopeo.run('copy', ...(await push(pushA, a.name, 'v1')))
      await workspace.skopeo.run('copy', ...(await push(pushB, b.name, 'v1')))
      await workspace.skopeo.run('copy', ...(await pull(pullA, a.name, 'v1')))
      await workspace.skopeo.run('copy', ...(await pull(pullB, b.name, 'v1')))

      await expectRefused(await push(pushA, b.name, 'intruder'), "a push to b with a's push-pull")
      await expectRefused(await pull(pushA, b.name, 'v1'), "a pull from b with a's push-pull")
      await expectRefused(await pull(pullA, b.name, 'v1'), "a pull from b with a's pull")
      await expectRefused(await push(pushB, a.name, 'intruder'), "a push to a with b's push-pull")
      await expectRefused(await pull(pullB, a.name, 'v1'), "a pull from a with b's pull")

      // Nothing of the refused push landed in b.
      const missing = await workspace.skopeo.fails(
        'copy',
        ...(await pull(pushB, b.name, 'intruder')),
      )
      expect(missing.stderr).toMatch(/manifest unknown|not found/i)
      await Promise.all([a.provider.close(), b.provider.close()])
    },
    TIMEOUT_MS,
  )

  it(
    'sharing the accounts, credentials of one GAR repository reach the other, as capabilities say',
    async () => {
      const a = await tenant()
      const c = await tenant()
      expect(a.provider.capabilities.repositoryScopedCredentials).toBe(false)
      const pushA = await a.provider.generateCredentials(a.name, 'push-pull')
      const pullA = await a.provider.generateCredentials(a.name, 'pull')
      await workspace.skopeo.run('copy', ...(await push(pushA, c.name, 'v1')))
      await workspace.skopeo.run('copy', ...(await pull(pullA, c.name, 'v1')))
      await Promise.all([a.provider.close(), c.provider.close()])
    },
    TIMEOUT_MS,
  )
})

describe('data plane: a pull account granted more than it should be', () => {
  it(
    'pull credentials still only pull: their token is minted with a read-only OAuth scope',
    async () => {
      // The pull account was also made a repoAdmin (by hand, or through a project-wide role such
      // as Editor, which the default Compute Engine account holds): its roles push and delete.
      const overGranted: readonly FakeIamBinding[] = [
        { role: READER, members: [`serviceAccount:${PULL_B}`] },
        { role: REPO_ADMIN, members: [`serviceAccount:${PULL_B}`, `serviceAccount:${PUSH_B}`] },
      ]
      const t = await tenant(overGranted, {
        pullServiceAccount: PULL_B,
        pushServiceAccount: PUSH_B,
      })
      const pushCredentials = await t.provider.generateCredentials(t.name, 'push-pull')
      const pullCredentials = await t.provider.generateCredentials(t.name, 'pull')
      await workspace.skopeo.run('copy', ...(await push(pushCredentials, t.name, 'v1')))

      // Control: the pull credentials pull.
      await workspace.skopeo.run('copy', ...(await pull(pullCredentials, t.name, 'v1')))
      await expectRefused(await push(pullCredentials, t.name, 'v2'), 'a push with pull credentials')
      const missing = await workspace.skopeo.fails(
        'copy',
        ...(await pull(pushCredentials, t.name, 'v2')),
      )
      expect(missing.stderr).toMatch(/manifest unknown|not found/i)
      await t.provider.close()
    },
    TIMEOUT_MS,
  )
})
