import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { AwsProvider, aws } from '../src/index.js'
import { PREFIX, providerFor, REGION, REPLICA, uniqueLogical } from './helpers.js'

const fake = await startAwsFake()
afterAll(() => fake.close())
beforeEach(() => fake.reset())

describe('createRepository', () => {
  it('creates {prefix}-{name} and returns the URI and createdAt ECR reports', async () => {
    const registry = await providerFor(fake, { registryEndpoint: undefined })
    const logical = uniqueLogical('app')
    const created = await registry.createRepository(logical)
    const stored = fake.getRepository(REGION, `${PREFIX}-${logical}`)
    expect(created).toEqual({
      name: `${PREFIX}-${logical}`,
      uri: stored?.repositoryUri,
      createdAt: stored?.createdAt,
    })
  })

  it('on an existing repository returns its real URI and createdAt, not a synthesized one', async () => {
    const logical = uniqueLogical('old')
    const seeded = fake.seedRepository(REGION, `${PREFIX}-${logical}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const registry = await providerFor(fake, { registryEndpoint: undefined })
    const created = await registry.createRepository(logical)
    expect(created.uri).toBe(seeded.repositoryUri)
    expect(created.createdAt?.getTime()).toBe(seeded.createdAt.getTime())
    expect(fake.requestsFor('DescribeRepositories')).toHaveLength(1)
  })

  it("with registryEndpoint, the URI names that registry's host, as credentials do", async () => {
    const registry = await providerFor(fake, { registryEndpoint: 'https://ecr.example.test:8443' })
    const created = await registry.createRepository(uniqueLogical('endpoint'))
    expect(created.uri).toBe(`ecr.example.test:8443/${created.name}`)
    expect((await registry.getRepository(created.name)).uri).toBe(created.uri)
    // Where the credentials log in is where the URI points.
    const onFake = await providerFor(fake)
    const credentials = await onFake.generateCredentials(created.name, 'pull')
    expect((await onFake.getRepository(created.name)).uri).toBe(
      `${credentials.registry}/${created.name}`,
    )
  })

  it('adapts names ECR refuses through the core naming module', async () => {
    const registry = await providerFor(fake)
    const { name } = await registry.createRepository('My App')
    expect(name).toMatch(/^acme-my-app-x[0-9a-f]{24}$/)
    expect(fake.getRepository(REGION, name)).toBeDefined()
  })

  it('creates the replicas too, so policies can be set on them at once', async () => {
    const registry = await providerFor(fake, { replicationRegions: [REPLICA] })
    const { name } = await registry.createRepository(uniqueLogical('rep'))
    expect(fake.getRepository(REPLICA, name)).toBeDefined()
  })
})

describe('getRepository', () => {
  it('uses the base identity (no role is assumed) and returns the stored repository', async () => {
    const registry = await providerFor(fake)
    const created = await registry.createRepository(uniqueLogical('get'))
    fake.reset()
    expect(await registry.getRepository(created.name)).toEqual(created)
    expect(fake.requestsFor('AssumeRole')).toHaveLength(0)
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual([
      expect.stringContaining('Credential=AKIDFAKEBASE/'),
    ])
  })

  it('refuses names outside the prefix without calling AWS', async () => {
    const registry = await providerFor(fake)
    fake.reset()
    for (const name of ['other-app', 'acme', 'acmeapp']) {
      await expect(registry.getRepository(name)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      await expect(registry.deleteRepository(name)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
    }
    await expect(registry.getRepository('acme-UPPER')).rejects.toMatchObject({
      code: 'INVALID_NAME',
    })
    expect(fake.requests).toHaveLength(0)
  })
})

describe('deleteRepository', () => {
  it('deletes with force (images too) in the home and replica regions', async () => {
    const registry = await providerFor(fake, { replicationRegions: [REPLICA] })
    const { name } = await registry.createRepository(uniqueLogical('del'))
    fake.reset()
    await registry.deleteRepository(name)
    const bodies = fake.requestsFor('DeleteRepository').map((r) => JSON.parse(r.body))
    expect(bodies).toEqual([
      { repositoryName: name, force: true },
      { repositoryName: name, force: true },
    ])
    expect(fake.getRepository(REGION, name)).toBeUndefined()
    expect(fake.getRepository(REPLICA, name)).toBeUndefined()
  })

  it('succeeds when the repository is already gone (the contract), and get is NOT_FOUND', async () => {
    const registry = await providerFor(fake)
    await expect(registry.deleteRepository(`${PREFIX}-never-made`)).resolves.toBeUndefined()
    await expect(registry.getRepository(`${PREFIX}-never-made`)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `[provider-aws] Repository "${PREFIX}-never-made" not found`,
    })
  })
})

describe('construction', () => {
  it('aws() finds the account with GetCallerIdentity; registryEndpoint follows it', async () => {
    const registry = await providerFor(fake, { registryEndpoint: undefined })
    expect(fake.requestsFor('GetCallerIdentity')).toHaveLength(1)
    expect(registry.registryEndpoint).toBe(
      `https://${fake.accountId}.dkr.ecr.${REGION}.amazonaws.com`,
    )
  })

  it('a given accountId needs no call, and the partition follows the region', async () => {
    const registry = new AwsProvider({
      region: 'cn-north-1',
      repositoryPrefix: 'acme',
      accountId: '111122223333',
    })
    expect(registry.registryEndpoint).toBe(
      'https://111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn',
    )
    await registry.close()
    await expect(registry.close()).resolves.toBeUndefined()
    expect(fake.requests).toHaveLength(0)
  })

  it('reports every invalid option by path as INVALID_CONFIG', async () => {
    const error = await aws({
      region: 'mars',
      repositoryPrefix: 'Not Valid',
      accountId: '12',
      pullRoleArn: 'arn:aws:iam::123:user/x',
      replicationRegions: ['US-EAST-1', 'nowhere'],
      replicaWait: { timeoutMs: -1 },
      registryEndpoint: 'https://registry.example.com/some/path',
      principalRetry: { delaysMs: 'soon' as unknown as number[] },
    }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', platform: 'aws' })
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'region',
      'repositoryPrefix',
      'accountId',
      'pullRoleArn',
      'replicationRegions.0',
      'replicationRegions.1',
      'replicaWait.timeoutMs',
      'registryEndpoint',
      'principalRetry.delaysMs',
    ])
  })

  it('refuses a repositoryPrefix that leaves no room for an adapted name beside the registry host', async () => {
    // ECR's own host, `123456789012.dkr.ecr.us-east-1.amazonaws.com`, is 44 characters: 210 are
    // left for the name, of which an adapted one needs 27 and the dash 1.
    const real = { region: 'us-east-1', accountId: '123456789012' }
    const refused = await aws({ ...real, repositoryPrefix: 'p'.repeat(183) }).catch(
      (e: unknown) => e,
    )
    expect(refused).toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'repositoryPrefix', message: expect.stringContaining('at most 182') }],
    })
    await (await aws({ ...real, repositoryPrefix: 'p'.repeat(182) })).close()
    // Against the fake's host, the longest prefix it takes still leaves room for the longest
    // adapted name, and the whole image name stays within Docker's 255 characters.
    const error = await providerFor(fake, { repositoryPrefix: 'p'.repeat(240) }).catch(
      (e: unknown) => e,
    )
    const message = (error as { issues: { message: string }[] }).issues[0]?.message ?? ''
    const longest = Number(/at most (\d+)/.exec(message)?.[1])
    expect(longest).toBeGreaterThan(150)
    const registry = await providerFor(fake, { repositoryPrefix: 'p'.repeat(longest) })
    const { name, uri } = await registry.createRepository(`Adapted ${'x'.repeat(500)}`)
    // Room for one character of the stem, then the hash.
    expect(name).toMatch(/^p+-a-x[0-9a-f]{24}$/)
    expect(uri?.length).toBe(255)
    await registry.deleteRepository(name)
    await registry.close()
  })

  it('refuses replicaWait or principalRetry that is no object, and waits a timer cannot take', async () => {
    const base = { region: 'us-east-1', repositoryPrefix: 'acme', accountId: '123456789012' }
    const pathsOf = async (options: Record<string, unknown>): Promise<string[]> => {
      const error = await aws({ ...base, ...options }).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'INVALID_CONFIG', platform: 'aws' })
      return (error as { issues: { path: string }[] }).issues.map((i) => i.path)
    }
    // Ignored, `replicaWait: 1000` would wait the default 5 minutes, checking every 5 s.
    for (const value of [1000, 'fast', null, [1]]) {
      expect(await pathsOf({ replicaWait: value, principalRetry: value })).toEqual([
        'replicaWait',
        'principalRetry',
      ])
    }
    // Node ends a longer timer at once: the replica check would run back to back, and a principal
    // retry not wait at all.
    const tooLong = 2 ** 31
    expect(
      await pathsOf({
        replicaWait: { intervalMs: tooLong, timeoutMs: tooLong },
        principalRetry: { delaysMs: [1, tooLong] },
      }),
    ).toEqual(['replicaWait.intervalMs', 'principalRetry.delaysMs.1'])
  })

  it("keeps the image name within 255 characters at each replica region's host too", async () => {
    // A replica has the same name at its own region's host: `ap-southeast-1` is 5 characters
    // longer than `us-east-1`, so it leaves 205 characters for the name, not 210.
    const real = { region: 'us-east-1', accountId: '123456789012' }
    const replicated = { ...real, replicationRegions: ['ap-southeast-1'] }
    const refused = await aws({ ...replicated, repositoryPrefix: 'p'.repeat(178) }).catch(
      (e: unknown) => e,
    )
    expect(refused).toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [{ path: 'repositoryPrefix', message: expect.stringContaining('at most 177') }],
    })
    await (await aws({ ...replicated, repositoryPrefix: 'p'.repeat(177) })).close()
    // A name that fits beside the home host but not beside the replica's is adapted.
    const registry = await providerFor(fake, {
      registryEndpoint: undefined,
      replicationRegions: ['ap-southeast-1'],
    })
    const { name } = await registry.createRepository('a'.repeat(255 - 44 - 1 - PREFIX.length - 1))
    for (const region of ['us-east-1', 'ap-southeast-1']) {
      const uri = fake.getRepository(region, name)?.repositoryUri ?? ''
      expect(uri).toBe(`123456789012.dkr.ecr.${region}.amazonaws.com/${name}`)
      expect(uri.length).toBeLessThanOrEqual(255)
    }
    await registry.close()
  })

  it('refuses a role of another partition and a replica region equal to home', async () => {
    const error = await aws({
      region: 'us-east-1',
      repositoryPrefix: 'acme',
      accountId: '123456789012',
      pushRoleArn: 'arn:aws-cn:iam::123456789012:role/push',
      replicationRegions: ['us-east-1'],
    }).catch((e: unknown) => e)
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'pushRoleArn',
      'replicationRegions.0',
    ])
  })

  it("refuses a role whose name passes IAM's 64 characters, saying so, and takes one of 64", async () => {
    const base = { region: 'us-east-1', repositoryPrefix: 'acme', accountId: '123456789012' }
    const role = (name: string) => `arn:aws:iam::123456789012:role/service-role/${name}`
    const error = await aws({ ...base, pullRoleArn: role('r'.repeat(65)) }).catch((e) => e)
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', issues: [{ path: 'pullRoleArn' }] })
    expect((error as { issues: { message: string }[] }).issues[0]?.message).toContain(
      '64 characters',
    )
    const registry = await aws({ ...base, pushRoleArn: role('r'.repeat(64)) })
    await registry.close()
  })

  it('capabilities are true to the options', async () => {
    const registry = await providerFor(fake)
    expect(registry.capabilities).toEqual({
      crossAccountAccess: 'aws',
      implicitRepositories: false,
      credentialAuthMethod: 'basic',
      repositoryScopedCredentials: true,
      repositoryScopedGrants: true,
      revokesCredentialsOnDelete: false,
      listRepositories: true,
      credentialTtl: {
        defaultSeconds: 3600,
        minSeconds: 900,
        maxSeconds: 43_200,
        honoursRequest: true,
      },
    })
  })
})
