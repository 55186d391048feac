import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it } from 'vitest'
import { ERROR_EXIT_CODES, EXIT } from '../src/index.js'
import { cli, parseJson, temporaryDirectory, writeBindingFile } from './support/command.js'

// The command against ECR and STS as the AWS SDK reaches them: the fake's endpoints, static keys.
// A repository a page: `repo list` shows what later pages hold too.
const fake = await startAwsFake({ ecrPageLimit: 1 })
const work = await temporaryDirectory('cli-aws-')
afterAll(async () => {
  await fake.close()
  await work[Symbol.asyncDispose]()
})
const REGION = 'us-east-1'
const bindingFile = await writeBindingFile(work.dir, {
  platform: 'aws',
  region: REGION,
  repositoryPrefix: 'acme',
  pullRoleArn: `arn:aws:iam::${fake.accountId}:role/acme-pull`,
  pushRoleArn: `arn:aws:iam::${fake.accountId}:role/acme-push`,
  endpoint: fake.url,
})
const env = {
  AWS_ACCESS_KEY_ID: 'AKIDCLITEST',
  AWS_SECRET_ACCESS_KEY: 'cli-test-secret',
  AWS_ENDPOINT_URL_STS: fake.url,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_MAX_ATTEMPTS: '1',
  AWS_PROFILE: undefined,
}
const aws = (args: string[]) => cli([...args, '--binding-file', bindingFile], { env })

describe('against the AWS fake', () => {
  it('repo create and get: the ECR repository under the prefix, with its registry URI', async () => {
    const created = parseJson(await aws(['repo', 'create', 'app', '--json']))
    expect(created).toMatchObject({
      name: 'acme-app',
      uri: `${fake.accountId}.dkr.ecr.${REGION}.amazonaws.com/acme-app`,
    })
    expect(fake.getRepository(REGION, 'acme-app')).toBeDefined()
    expect(parseJson(await aws(['repo', 'get', 'acme-app', '--json']))).toEqual(created)
  })

  it('credentials: ECR basic credentials (username AWS) with the token expiry', async () => {
    await aws(['repo', 'create', 'creds'])
    const json = parseJson<Record<string, string>>(
      await aws(['credentials', 'acme-creds', '--json']),
    )
    expect(json).toMatchObject({
      username: 'AWS',
      authMethod: 'basic',
      registry: fake.dataPlane.registry,
    })
    expect(Date.parse(json.expiresAt ?? '')).toBeGreaterThan(Date.now())
    expect(fake.assumedRoles.at(-1)?.roleArn).toBe(`arn:aws:iam::${fake.accountId}:role/acme-pull`)
  })

  it('a refused login says until when its credentials stay valid (ECR cannot revoke one)', async () => {
    await aws(['repo', 'create', 'refused'])
    const clientDir = join(work.dir, 'refusing-client')
    await mkdir(clientDir)
    await writeFile(
      join(clientDir, 'docker'),
      '#!/bin/sh\ncat > /dev/null\necho denied >&2\nexit 1\n',
    )
    await chmod(join(clientDir, 'docker'), 0o755)
    const result = await cli(['login', 'acme-refused', '--binding-file', bindingFile], {
      env: { ...env, PATH: `${clientDir}${delimiter}${process.env.PATH}` },
    })
    expect(result.status).toBe(EXIT.failure)
    const said = /stay valid until (\S+): this provider cannot revoke one credential/.exec(
      result.stderr,
    )
    expect(said, result.stderr).not.toBeNull()
    expect(result.stderr).toContain('the credentials minted for it (AWS) stay valid until')
    expect(Date.parse(said?.[1] ?? '')).toBeGreaterThan(Date.now())
  })

  it('revoke is NOT_SUPPORTED: an ECR credential stays valid until it expires', async () => {
    await aws(['repo', 'create', 'revoked'])
    const result = await aws(['revoke', 'acme-revoked', '--json'])
    expect(result.status).toBe(ERROR_EXIT_CODES.NOT_SUPPORTED)
    expect(JSON.parse(result.stderr)).toMatchObject({
      error: {
        code: 'NOT_SUPPORTED',
        message: expect.stringContaining('cannot revoke a credential before its TTL'),
      },
    })
  })

  it('access add, get and remove change the repository policy; another account stays', async () => {
    await aws(['repo', 'create', 'shared'])
    const added = await aws([
      'access',
      'add',
      'acme-shared',
      '--type',
      'aws',
      '--account-id',
      '111111111111',
      '--account-id',
      '222222222222',
      '--json',
    ])
    expect(parseJson(added)).toMatchObject({
      name: 'acme-shared',
      added: { accountIds: ['111111111111', '222222222222'] },
    })
    expect(fake.getPolicy(REGION, 'acme-shared')).toContain('111111111111')
    await aws(['access', 'remove', 'acme-shared', '--type', 'aws', '--account-id', '111111111111'])
    const got = parseJson<{ access: { accountIds: string[] }; lastUpdated: string | null }>(
      await aws(['access', 'get', 'acme-shared', '--json']),
    )
    expect(got.access).toMatchObject({ type: 'aws', accountIds: ['222222222222'] })
    const human = await aws(['access', 'get', 'acme-shared'])
    expect(human.status).toBe(EXIT.ok)
    expect(human.stdout).toMatch(/^accounts: 222222222222$/m)
  })

  it('access remove that names no grant is a usage error, not a "revoked" that left the access', async () => {
    await aws(['repo', 'create', 'kept-grant'])
    await aws(['access', 'add', 'acme-kept-grant', '--type', 'aws', '--account-id', '333333333333'])
    for (const verb of ['remove', 'add']) {
      const empty = await aws(['access', verb, 'acme-kept-grant', '--type', 'aws'])
      expect(empty).toMatchObject({ status: EXIT.usage, stdout: '' })
      expect(empty.stderr).toContain('name what to grant or revoke with --type aws: --account-id')
    }
    const got = parseJson<{ access: { accountIds: string[] } }>(
      await aws(['access', 'get', 'acme-kept-grant', '--json']),
    )
    expect(got.access.accountIds).toEqual(['333333333333'])
  })

  it('access remove says what it revoked, and says so when nothing named was granted', async () => {
    await aws(['repo', 'create', 'typo-grant'])
    await aws(['access', 'add', 'acme-typo-grant', '--type', 'aws', '--account-id', '444444444444'])
    // A mistyped account: the granted one keeps pulling, and the command must not say "revoked".
    const typo = await aws([
      'access',
      'remove',
      'acme-typo-grant',
      '--type',
      'aws',
      '--account-id',
      '444444444445',
    ])
    expect(typo.status, typo.stderr).toBe(EXIT.ok)
    expect(typo.stdout).not.toMatch(/^revoked/)
    expect(typo.stdout).toMatch(/^nothing revoked on acme-typo-grant/)
    expect(typo.stderr).toMatch(/^note: .*none of it was granted/m)
    const typoJson = parseJson<{ removed: object; revoked: { accountIds: string[] } }>(
      await aws([
        ...['access', 'remove', 'acme-typo-grant', '--type', 'aws'],
        ...['--account-id', '444444444445', '--json'],
      ]),
    )
    expect(typoJson.removed).toMatchObject({ accountIds: ['444444444445'] })
    expect(typoJson.revoked).toEqual({
      type: 'aws',
      accountIds: [],
      roleArns: [],
      regions: [],
      allowedServiceTypes: [],
    })

    const real = await aws([
      ...['access', 'remove', 'acme-typo-grant', '--type', 'aws'],
      ...['--account-id', '444444444444', '--account-id', '444444444445', '--json'],
    ])
    expect(real.status, real.stderr).toBe(EXIT.ok)
    expect(parseJson<{ revoked: { accountIds: string[] } }>(real).revoked.accountIds).toEqual([
      '444444444444',
    ])
    expect(fake.getPolicy(REGION, 'acme-typo-grant') ?? '').not.toContain('444444444444')
  })

  it('repo list: the repositories under the prefix, sorted, filtered by --prefix', async () => {
    await aws(['repo', 'create', 'list-b'])
    await aws(['repo', 'create', 'list-a'])
    const listed = parseJson<{ repositories: { name: string; uri: string }[] }>(
      await aws(['repo', 'list', '--prefix', 'list-', '--json']),
    )
    expect(listed.repositories.map((r) => r.name)).toEqual(['acme-list-a', 'acme-list-b'])
    expect(fake.requests.some((r) => r.operation === 'DescribeRepositories')).toBe(true)
  })

  it('a name outside the prefix is INVALID_ARGUMENT; a missing repository NOT_FOUND', async () => {
    expect((await aws(['repo', 'get', 'other-app'])).status).toBe(ERROR_EXIT_CODES.INVALID_ARGUMENT)
    expect((await aws(['repo', 'get', 'acme-missing'])).status).toBe(ERROR_EXIT_CODES.NOT_FOUND)
  })
})
