import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArtifactRegistryCredentials } from '@artifact-registry/core'
import {
  containersSandbox,
  type LayoutFixture,
  type SandboxedTool,
  writeAuthFile,
  writeRandomImage,
} from '@artifact-registry/test-kit'
import {
  artifactRegistryContractSuite,
  type ContractTestRunner,
  dataPlaneTests,
  failingContractTests,
} from '@artifact-registry/testing'
import {
  type AwsFake,
  type AwsFakeOptions,
  startAwsFake,
} from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AwsProvider } from '../src/index.js'
import { PULL_ROLE, PUSH_ROLE, providerFor, REGION, REPLICA, uniqueLogical } from './helpers.js'
import { readmeActions } from './readme-permissions.js'

// The README's IAM permissions table, taken at its word: the identities get exactly the policies
// it lists, and the contract suite (data plane included) passes against a fake that evaluates
// them as IAM does; leaving any one entry out makes it fail.

const ACCOUNT = '123456789012'
const REPOSITORIES = 'repository/{prefix}-*'
const SERVICE_LINKED_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication`
const TIMEOUT_MS = 180_000

/** What the README grants, one list per row; a test leaves entries out of a copy. */
interface Grants {
  base: string[]
  /** The base identity's actions on every repository (`repository/*`): listing them. */
  list: string[]
  assumable: string[]
  replicaRegistry: string[]
  replicaServiceRole: string[]
  unscoped: string[]
  pull: string[]
  push: string[]
  roleToken: { pull: string[]; push: string[] }
}

function readmeGrants(): Grants {
  const token = readmeActions('pull role, push role', '*')
  return {
    base: readmeActions('base identity', REPOSITORIES),
    list: readmeActions('base identity, for listRepositories', 'repository/*'),
    assumable:
      readmeActions('base identity', 'the pull and push roles').length === 1
        ? [PULL_ROLE, PUSH_ROLE]
        : [],
    replicaRegistry: readmeActions('base identity with replicationRegions', '*'),
    replicaServiceRole: readmeActions(
      'base identity with replicationRegions',
      SERVICE_LINKED_ROLE.replace(ACCOUNT, '{account}'),
    ),
    unscoped: readmeActions('base identity with allowUnscopedCredentials', '*'),
    pull: readmeActions('pull role', REPOSITORIES),
    push: readmeActions('push role', REPOSITORIES),
    roleToken: { pull: token, push: token },
  }
}

function allow(actions: readonly string[], resource: string | string[]) {
  return { Effect: 'Allow', Action: [...actions], Resource: resource }
}

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements })
}

/** The repositories' ARNs in the home and the replica region. */
const REPOSITORY_ARNS = [REGION, REPLICA].map(
  (region) => `arn:aws:ecr:${region}:${ACCOUNT}:repository/acme-*`,
)

/** Every repository's ARN in the home and the replica region, what a listing is authorized on. */
const EVERY_REPOSITORY_ARN = [REGION, REPLICA].map(
  (region) => `arn:aws:ecr:${region}:${ACCOUNT}:repository/*`,
)

/**
 * The fake's identities with the grants `g`. `unscoped`: the base identity also gets its unscoped
 * row and, as that row says, the push role's repository actions.
 */
function fakeOptions(g: Grants, unscoped = false): AwsFakeOptions {
  return {
    principals: ['arn:aws:iam::222222222222:role/puller'],
    basePolicies: [
      policy(
        allow(g.base, REPOSITORY_ARNS),
        allow(g.list, EVERY_REPOSITORY_ARN),
        allow(['sts:AssumeRole'], g.assumable),
        allow(g.replicaRegistry, '*'),
        allow(g.replicaServiceRole, SERVICE_LINKED_ROLE),
        allow(unscoped ? g.unscoped : [], '*'),
        allow(unscoped ? g.push : [], REPOSITORY_ARNS),
      ),
    ],
    roles: {
      [PULL_ROLE]: {
        policies: [policy(allow(g.pull, REPOSITORY_ARNS), allow(g.roleToken.pull, '*'))],
      },
      [PUSH_ROLE]: {
        policies: [policy(allow(g.push, REPOSITORY_ARNS), allow(g.roleToken.push, '*'))],
      },
    },
  }
}

// --- skopeo, for the tag list the suite does not exercise ---

let work: string
let skopeo: SandboxedTool
let image: LayoutFixture
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'provider-aws-iam-'))
  skopeo = (await containersSandbox(join(work, 'containers'))).tool('skopeo')
  image = await writeRandomImage(join(work, 'image'), { layers: 1, layerBytes: 256 })
})
afterAll(() => rm(work, { recursive: true, force: true }))

function tlsOff(prefix: string): string {
  return `--${prefix}tls-verify=false`
}

async function skopeoWith(credentials: ArtifactRegistryCredentials, ...args: string[]) {
  return skopeo.run(
    ...args.slice(0, 1),
    '--authfile',
    await writeAuthFile(work, credentials),
    ...args.slice(1),
  )
}

/**
 * Every test that judges the roles: the data plane group, and the tag list (`skopeo list-tags`)
 * of pull credentials, each against a fake of its own with the grants `g`.
 */
function roleTests(test: ContractTestRunner, g: Grants, fakes: AwsFake[]): void {
  const factory = async (): Promise<AwsProvider> => {
    const fake = await startAwsFake(fakeOptions(g))
    fakes.push(fake)
    return providerFor(fake)
  }
  dataPlaneTests({
    test,
    factory,
    dataPlane: {
      tls: false,
      expire: async (credentials) => {
        const fake = fakes.find((f) => f.dataPlane.registry === credentials.registry)
        const expiresAt = credentials.expiresAt?.getTime()
        if (fake === undefined || expiresAt === undefined) throw new Error('no fake minted these')
        fake.advanceClock(Math.max(0, (expiresAt - fake.now()) / 1000) + 1)
      },
    },
  })
  test.it(
    'pull and push-pull credentials list the tags of their repository',
    async ({ expect }) => {
      const registry = await factory()
      const { name } = await registry.createRepository(uniqueLogical('tags'))
      const pusher = await registry.generateCredentials(name, 'push-pull')
      const target = `docker://${pusher.registry}/${name}:v1`
      await skopeoWith(pusher, 'copy', tlsOff('dest-'), image.reference, target)
      const puller = await registry.generateCredentials(name, 'pull')
      for (const credentials of [puller, pusher]) {
        const listed = await skopeoWith(
          credentials,
          'list-tags',
          tlsOff(''),
          `docker://${credentials.registry}/${name}`,
        )
        expect(JSON.parse(listed.stdout).Tags).toEqual(['v1'])
      }
    },
  )
}

/** The contract suite but its data plane group, for the base identity, with or without a replica. */
function baseTests(
  test: ContractTestRunner,
  g: Grants,
  fakes: AwsFake[],
  replicated: boolean,
): void {
  artifactRegistryContractSuite({
    test,
    factory: async () => {
      const fake = await startAwsFake(fakeOptions(g))
      fakes.push(fake)
      return providerFor(fake, replicated ? { replicationRegions: [REPLICA] } : {})
    },
    exclude: ['dataPlane'],
  })
}

/**
 * Unscoped credentials (no role, `allowUnscopedCredentials`): the contract suite but its data
 * plane group (which needs pull credentials that cannot push), and a push, pull, tag list and
 * delete with the base identity's token.
 */
function unscopedTests(test: ContractTestRunner, g: Grants, fakes: AwsFake[]): void {
  const factory = async (): Promise<AwsProvider> => {
    const fake = await startAwsFake(fakeOptions(g, true))
    fakes.push(fake)
    return providerFor(fake, {
      pullRoleArn: undefined,
      pushRoleArn: undefined,
      allowUnscopedCredentials: true,
    })
  }
  artifactRegistryContractSuite({ test, factory, exclude: ['dataPlane'] })
  test.it('unscoped credentials push, pull, list tags and delete', async ({ expect }) => {
    const registry = await factory()
    const { name } = await registry.createRepository(uniqueLogical('unscoped'))
    const credentials = await registry.generateCredentials(name, 'push-pull')
    const target = `docker://${credentials.registry}/${name}:v1`
    await skopeoWith(credentials, 'copy', tlsOff('dest-'), image.reference, target)
    await skopeoWith(credentials, 'copy', tlsOff('src-'), target, `oci:${join(work, name)}:v1`)
    const repository = `docker://${credentials.registry}/${name}`
    const listed = await skopeoWith(credentials, 'list-tags', tlsOff(''), repository)
    expect(JSON.parse(listed.stdout).Tags).toEqual(['v1'])
    await skopeoWith(credentials, 'delete', tlsOff(''), target)
  })
}

async function closeAll(fakes: AwsFake[]): Promise<void> {
  await Promise.all(fakes.splice(0).map((f) => f.close()))
}

const GRANTS = readmeGrants()

describe('the policies the README gives pass the contract suite', () => {
  const fakes: AwsFake[] = []
  afterAll(() => closeAll(fakes))
  describe('the roles: the data plane group and tag lists', () => {
    roleTests({ describe, it }, GRANTS, fakes)
  })
  describe('the base identity', () => baseTests({ describe, it }, GRANTS, fakes, false))
  describe('the base identity, for unscoped credentials', () =>
    unscopedTests({ describe, it }, GRANTS, fakes))
  describe('the base identity, with a replica region', () =>
    baseTests({ describe, it }, GRANTS, fakes, true))
})

/** `g` with one entry of one row left out. */
function without(row: keyof Omit<Grants, 'roleToken'>, entry: string): Grants {
  return { ...GRANTS, [row]: GRANTS[row].filter((e) => e !== entry) }
}

async function failures(register: (test: ContractTestRunner, fakes: AwsFake[]) => void) {
  const fakes: AwsFake[] = []
  try {
    return await failingContractTests(expect, (test) => register(test, fakes))
  } finally {
    await closeAll(fakes)
  }
}

describe('nothing less will do', () => {
  it('the README lists every row the tests grant', () => {
    const { roleToken, ...rows } = GRANTS
    for (const row of [...Object.values(rows), roleToken.pull, roleToken.push]) {
      expect(row.length).toBeGreaterThan(0)
    }
  })

  it(
    'control: run the same way with every entry, nothing fails',
    async () => {
      expect(await failures((test, fakes) => roleTests(test, GRANTS, fakes))).toEqual([])
      expect(await failures((test, fakes) => baseTests(test, GRANTS, fakes, true))).toEqual([])
      expect(await failures((test, fakes) => unscopedTests(test, GRANTS, fakes))).toEqual([])
    },
    TIMEOUT_MS,
  )

  for (const row of ['pull', 'push'] as const) {
    it.each(GRANTS[row])(
      `the ${row} role without %s fails`,
      async (entry) => {
        expect(
          await failures((test, fakes) => roleTests(test, without(row, entry), fakes)),
        ).not.toEqual([])
      },
      TIMEOUT_MS,
    )
    it(
      `the ${row} role without ecr:GetAuthorizationToken fails`,
      async () => {
        const g = { ...GRANTS, roleToken: { ...GRANTS.roleToken, [row]: [] } }
        expect(await failures((test, fakes) => roleTests(test, g, fakes))).not.toEqual([])
      },
      TIMEOUT_MS,
    )
  }

  it.each(GRANTS.base)(
    'the base identity without %s fails',
    async (entry) => {
      // Left out of the listing row too, whose `repository/*` would cover the entry otherwise.
      const g = { ...without('base', entry), list: GRANTS.list.filter((e) => e !== entry) }
      expect(await failures((test, fakes) => baseTests(test, g, fakes, false))).not.toEqual([])
    },
    TIMEOUT_MS,
  )

  it.each(GRANTS.list)(
    'the base identity without %s on every repository fails',
    async (entry) => {
      expect(
        await failures((test, fakes) => baseTests(test, without('list', entry), fakes, false)),
      ).not.toEqual([])
    },
    TIMEOUT_MS,
  )

  it.each(GRANTS.assumable)(
    'the base identity without sts:AssumeRole on %s fails',
    async (role) => {
      expect(
        await failures((test, fakes) => baseTests(test, without('assumable', role), fakes, false)),
      ).not.toEqual([])
    },
    TIMEOUT_MS,
  )

  it.each(GRANTS.unscoped)(
    'the base identity for unscoped credentials without %s fails',
    async (entry) => {
      const failed = await failures((test, fakes) =>
        unscopedTests(test, without('unscoped', entry), fakes),
      )
      expect(failed).not.toEqual([])
    },
    TIMEOUT_MS,
  )

  for (const row of ['replicaRegistry', 'replicaServiceRole'] as const) {
    it.each(GRANTS[row])(
      'the base identity with a replica region without %s fails',
      async (entry) => {
        expect(
          await failures((test, fakes) => baseTests(test, without(row, entry), fakes, true)),
        ).not.toEqual([])
      },
      TIMEOUT_MS,
    )
  }
})
