import {
  artifactRegistryContractSuite,
  type ContractTestRunner,
  dataPlaneTests,
  failingContractTests,
} from '@artifact-registry/testing'
import type { FakeIamBinding, GcpFake, GcpFakeOptions } from '@artifact-registry/testing/fakes/gcp'
import { OAuth2Client } from 'google-auth-library'
import { describe, expect, it } from 'vitest'
import type { GcpProviderOptions } from '../src/index.js'
import { INFRA_BINDINGS, KNOWN_IDENTITIES, PROJECT, PULL_SA, PUSH_SA } from './helpers.js'
import { perTestFakes } from './per-test-fakes.js'
import { readmePermissions } from './readme-permissions.js'

// The README's IAM permissions table, taken at its word: the contract suite passes with exactly
// what it lists (as predefined roles, and as custom roles holding exactly its permissions), and
// fails when any one permission is left out. The fake checks each request against the roles.

const PULL = readmePermissions('pull service account', 'the GAR repository')
const PUSH = readmePermissions('push service account', 'the GAR repository')
const CALLER = readmePermissions('caller', 'the GAR repository')
const CALLER_ON_ACCOUNTS = readmePermissions('caller', 'each of the two accounts')

const PULL_ROLE = `projects/${PROJECT}/roles/imagePuller`
const PUSH_ROLE = `projects/${PROJECT}/roles/imagePusher`
const CALLER_ROLE = `projects/${PROJECT}/roles/imageManager`
const DEPLOYER = `deployer@${PROJECT}.iam.gserviceaccount.com`
const TIMEOUT_MS = 120_000

/** The infrastructure's bindings, the two accounts holding these roles instead. */
function accountBindings(pullRole: string, pushRole: string): FakeIamBinding[] {
  const others = INFRA_BINDINGS.filter(
    (b) =>
      !b.members.some(
        (m) => m === `serviceAccount:${PULL_SA}` || m === `serviceAccount:${PUSH_SA}`,
      ),
  )
  return [
    ...others,
    { role: pullRole, members: [`serviceAccount:${PULL_SA}`] },
    { role: pushRole, members: [`serviceAccount:${PUSH_SA}`] },
  ]
}

function withCustomRoles(pull: readonly string[], push: readonly string[]): GcpFakeOptions {
  return { ...KNOWN_IDENTITIES, customRoles: { [PULL_ROLE]: pull, [PUSH_ROLE]: push } }
}

/** Register the data plane group for the accounts' roles with `test`. */
function dataPlaneGroup(
  test: ContractTestRunner,
  options: GcpFakeOptions,
  bindings: FakeIamBinding[],
) {
  const { factory, teardown, expire } = perTestFakes(options, bindings)
  dataPlaneTests({ test, factory, teardown, dataPlane: { expire, tls: false } })
}

describe("the accounts' roles the README gives pass the data plane group", () => {
  describe('as predefined roles', () => {
    dataPlaneGroup(
      { describe, it },
      KNOWN_IDENTITIES,
      accountBindings(PULL.roles[0] ?? '', PUSH.roles[0] ?? ''),
    )
  })
  describe('as custom roles with exactly the permissions listed', () => {
    dataPlaneGroup(
      { describe, it },
      withCustomRoles(PULL.permissions, PUSH.permissions),
      accountBindings(PULL_ROLE, PUSH_ROLE),
    )
  })
})

describe('nothing less will do for the accounts', () => {
  it(
    'roles/artifactregistry.writer as the push role cannot delete what push-pull credentials must',
    async () => {
      const failed = await failingContractTests(expect, (test) =>
        dataPlaneGroup(
          test,
          KNOWN_IDENTITIES,
          accountBindings(PULL.roles[0] ?? '', 'roles/artifactregistry.writer'),
        ),
      )
      expect(failed).toEqual(['data plane > data plane: push-pull credentials delete a manifest'])
    },
    TIMEOUT_MS,
  )

  for (const [account, row] of [
    ['push', PUSH],
    ['pull', PULL],
  ] as const) {
    it.each(row.permissions)(
      `the ${account} role without %s fails the group`,
      async (left) => {
        const pull =
          account === 'pull' ? PULL.permissions.filter((p) => p !== left) : PULL.permissions
        const push =
          account === 'push' ? PUSH.permissions.filter((p) => p !== left) : PUSH.permissions
        const failed = await failingContractTests(expect, (test) =>
          dataPlaneGroup(test, withCustomRoles(pull, push), accountBindings(PULL_ROLE, PUSH_ROLE)),
        )
        expect(failed).not.toEqual([])
      },
      TIMEOUT_MS,
    )
  }
})

// --- The caller ---

/**
 * Fakes where the provider's identity is a deployer service account holding a custom role with
 * `permissions` on the GAR repository, and the token creator role on the accounts listed.
 */
function deployerFakes(permissions: readonly string[], tokenCreatorOn: readonly string[]) {
  const member = `serviceAccount:${DEPLOYER}`
  const options: GcpFakeOptions = {
    ...KNOWN_IDENTITIES,
    serviceAccounts: [
      ...(KNOWN_IDENTITIES.serviceAccounts ?? []),
      DEPLOYER,
      ...[PULL_SA, PUSH_SA].map((email) => ({
        email,
        tokenCreators: tokenCreatorOn.includes(email) ? [member] : [],
      })),
    ],
    customRoles: { [CALLER_ROLE]: permissions },
  }
  const bindings = [...INFRA_BINDINGS, { role: CALLER_ROLE, members: [member] }]
  return perTestFakes(options, bindings, (fake) => asDeployer(fake))
}

/** The provider's identity: a token of the deployer, minted by the fake's own caller. */
async function asDeployer(fake: GcpFake): Promise<Partial<GcpProviderOptions>> {
  const url = `${fake.url}/v1/projects/-/serviceAccounts/${encodeURIComponent(DEPLOYER)}:generateAccessToken`
  const { data } = await fake
    .providerOptions()
    .authClient.request<{ accessToken: string; expireTime: string }>({
      url,
      method: 'POST',
      data: { scope: ['https://www.googleapis.com/auth/cloud-platform'], lifetime: '3600s' },
    })
  const authClient = new OAuth2Client()
  authClient.setCredentials({
    access_token: data.accessToken,
    expiry_date: Date.parse(data.expireTime),
  })
  return { authClient }
}

it('the README lists the one permission the token creator role is needed for', () => {
  expect(CALLER_ON_ACCOUNTS).toEqual({
    roles: ['roles/iam.serviceAccountTokenCreator'],
    permissions: ['iam.serviceAccounts.getAccessToken'],
  })
})

/**
 * The contract suite but its data plane group, for the caller with `permissions` and the token
 * creator role on `tokenCreatorOn`. The listRepositories group still pushes with skopeo: an
 * image path is listed once it holds an image.
 */
function callerSuite(
  test: ContractTestRunner,
  permissions: readonly string[],
  tokenCreatorOn: readonly string[],
): void {
  const { factory, teardown, expire, otherBinding } = deployerFakes(permissions, tokenCreatorOn)
  artifactRegistryContractSuite({
    test,
    factory,
    teardown,
    otherBinding,
    exclude: ['dataPlane'],
    dataPlane: { expire, tls: false },
  })
}

describe('the caller permissions the README gives run the contract suite', () => {
  callerSuite({ describe, it }, CALLER.permissions, [PULL_SA, PUSH_SA])
})

describe('nothing less will do for the caller', () => {
  const suiteWith = (permissions: readonly string[], tokenCreatorOn: readonly string[]) =>
    failingContractTests(expect, (test) => callerSuite(test, permissions, tokenCreatorOn), {
      stopAtFirstFailure: true,
    })

  it.each(CALLER.permissions)(
    'without %s the suite fails',
    async (left) => {
      const failed = await suiteWith(
        CALLER.permissions.filter((p) => p !== left),
        [PULL_SA, PUSH_SA],
      )
      expect(failed).not.toEqual([])
    },
    TIMEOUT_MS,
  )

  it.each([PULL_SA, PUSH_SA])(
    'without the token creator role on %s the suite fails',
    async (account) => {
      const failed = await suiteWith(
        CALLER.permissions,
        [PULL_SA, PUSH_SA].filter((a) => a !== account),
      )
      expect(failed).not.toEqual([])
    },
    TIMEOUT_MS,
  )
})
