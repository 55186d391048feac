import type { AuthorizeInput } from '@artifact-registry/registry-server'
import { startAwsFake } from '@artifact-registry/testing/fakes/aws'
import { afterAll, describe, expect, it } from 'vitest'
import { FakeClock } from '../src/fakes/aws/clock.js'
import {
  type DataPlaneAuthContext,
  dataPlaneAuthorizer,
  type IssuedToken,
} from '../src/fakes/aws/data-plane-auth.js'
import { ForeignIdentities } from '../src/fakes/aws/foreign-identities.js'
import { PrincipalDirectory } from '../src/fakes/aws/principals.js'
import { ecrCall, stsCall } from './aws-wire.js'

// Callers of another account (the grantees of cross-account grants) against the AWS fake: they
// get a token from their own account's ECR, and the fake's registry lets them in only where a
// repository's policy names them, as it reads at that request.

const OWN = '123456789012'
const FOREIGN = '444455556666'
const ROLE = `arn:aws:iam::${FOREIGN}:role/image-puller`
const OTHER_ROLE = `arn:aws:iam::${FOREIGN}:role/deployer`
const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']

const fake = await startAwsFake({ accountId: OWN, principals: [ROLE, OTHER_ROLE] })
afterAll(() => fake.close())

let repositories = 0
/** A new repository with `statements` as its policy (none when empty). */
function repository(statements: readonly Record<string, unknown>[] = []): string {
  repositories += 1
  const name = `granted-${repositories}`
  fake.seedRepository('us-east-1', name)
  if (statements.length > 0) {
    fake.seedPolicy(
      'us-east-1',
      name,
      JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    )
  }
  return name
}

function allow(principal: unknown, actions: unknown = PULL): Record<string, unknown> {
  return { Effect: 'Allow', Principal: principal, Action: actions }
}

/** The Basic authorization of a token got by `identity` from its own GetAuthorizationToken. */
async function tokenOf(identity: { accountId: string; roleArn?: string }): Promise<string> {
  const { accessKeyId } = fake.foreignCredentials(identity)
  const { status, json } = await ecrCall(fake, 'GetAuthorizationToken', {}, { accessKeyId })
  expect(status).toBe(200)
  const [data] = json.authorizationData as { authorizationToken: string }[]
  return `Basic ${data?.authorizationToken}`
}

/** The status of a manifest read (a pull) of `name`: 404 when let in (no such tag), else 401/403. */
async function pullStatus(authorization: string, name: string): Promise<number> {
  const res = await fetch(`http://${fake.dataPlane.registry}/v2/${name}/manifests/latest`, {
    headers: { authorization, accept: 'application/vnd.oci.image.manifest.v1+json' },
  })
  await res.body?.cancel()
  return res.status
}

/** The status of starting a layer upload (a push) to `name`: 202 when let in. */
async function pushStatus(authorization: string, name: string): Promise<number> {
  const res = await fetch(`http://${fake.dataPlane.registry}/v2/${name}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization },
  })
  await res.body?.cancel()
  return res.status
}

describe('AWS fake: callers of another account', () => {
  it('refuses foreign identities it cannot tell apart from its own', () => {
    expect(() => fake.foreignCredentials({ accountId: OWN })).toThrow(/fake's own account/)
    expect(() => fake.foreignCredentials({ accountId: '4444' })).toThrow(/12-digit/)
    expect(() =>
      fake.foreignCredentials({ accountId: FOREIGN, roleArn: 'arn:aws:iam::777788889999:role/x' }),
    ).toThrow(/not a role ARN of account 444455556666/)
  })

  it('answers only GetAuthorizationToken: every other call is refused, none acts on the account', async () => {
    const { accessKeyId } = fake.foreignCredentials({ accountId: FOREIGN })
    const create = await ecrCall(
      fake,
      'CreateRepository',
      { repositoryName: 'foreign-made' },
      { accessKeyId },
    )
    expect(create.status).toBe(400)
    expect(create.json.__type).toBe('AccessDeniedException')
    expect(fake.getRepository('us-east-1', 'foreign-made')).toBeUndefined()
    const sts = await stsCall(fake, { Action: 'GetCallerIdentity' }, { accessKeyId })
    expect(sts.status).toBe(403)
    expect(sts.xml).toContain('AccessDenied')
  })

  it('a repository without a policy, or a missing one, lets no foreign caller in', async () => {
    const token = await tokenOf({ accountId: FOREIGN })
    expect(await pullStatus(token, repository())).toBe(403)
    expect(await pullStatus(token, 'never-created')).toBe(403)
  })

  it.each([
    ['the account id', { AWS: FOREIGN }],
    ['the account root', { AWS: `arn:aws:iam::${FOREIGN}:root` }],
    ['everyone', '*'],
    ['every AWS principal', { AWS: '*' }],
    [
      'a list holding the account among others',
      { AWS: ['arn:aws:iam::777788889999:root', FOREIGN] },
    ],
  ])(
    'a policy naming %s lets a user and a role session of the account pull, and only pull',
    async (_, principal) => {
      const name = repository([allow(principal)])
      for (const identity of [{ accountId: FOREIGN }, { accountId: FOREIGN, roleArn: ROLE }]) {
        const token = await tokenOf(identity)
        expect(await pullStatus(token, name)).toBe(404)
        expect(await pushStatus(token, name)).toBe(403)
      }
      // An account the policy does not name.
      expect(await pullStatus(await tokenOf({ accountId: '111122223333' }), name)).toBe(
        principal === '*' || (principal as { AWS: unknown }).AWS === '*' ? 404 : 403,
      )
    },
  )

  it('a policy naming a role lets its sessions in, not another role or user of its account', async () => {
    const name = repository([allow({ AWS: ROLE })])
    expect(await pullStatus(await tokenOf({ accountId: FOREIGN, roleArn: ROLE }), name)).toBe(404)
    expect(await pullStatus(await tokenOf({ accountId: FOREIGN, roleArn: OTHER_ROLE }), name)).toBe(
      403,
    )
    expect(await pullStatus(await tokenOf({ accountId: FOREIGN }), name)).toBe(403)
  })

  it.each([
    // IAM compares a principal with the caller exactly: a name that merely begins the caller's
    // role ARN or account id is another principal.
    ['a role whose name begins with the caller role', { AWS: ROLE }, `${ROLE}-admin`],
    ['a prefix of the account id', { AWS: FOREIGN.slice(0, 11) }, undefined],
  ])('a policy naming %s lets the caller not in', async (_, principal, roleArn) => {
    const name = repository([allow(principal)])
    const identity =
      roleArn === undefined ? { accountId: FOREIGN } : { accountId: FOREIGN, roleArn }
    expect(await pullStatus(await tokenOf(identity), name)).toBe(403)
  })

  it('a statement with neither Principal nor NotPrincipal names nobody', async () => {
    // ECR refuses such a policy; one seeded as it is must not read as a grant to everyone.
    const name = repository([{ Effect: 'Allow', Action: PULL }])
    expect(await pullStatus(await tokenOf({ accountId: FOREIGN }), name)).toBe(403)
  })

  it('a request of several ECR actions needs each allowed: a grant to start uploads finishes none', async () => {
    // A monolithic upload (POST with the digest) is InitiateLayerUpload, UploadLayerPart and
    // CompleteLayerUpload at once; the pull test above only ever asks one action per request.
    const token = await tokenOf({ accountId: FOREIGN })
    const name = repository([allow({ AWS: FOREIGN }, ['ecr:InitiateLayerUpload'])])
    expect(await pushStatus(token, name)).toBe(202)
    const digest = `sha256:${'0'.repeat(64)}`
    const res = await fetch(
      `http://${fake.dataPlane.registry}/v2/${name}/blobs/uploads/?digest=${digest}`,
      { method: 'POST', headers: { authorization: token }, body: 'x' },
    )
    await res.body?.cancel()
    expect(res.status).toBe(403)
  })

  it('every action of a request must be allowed: a partial list, a condition or a service principal lets nobody in', async () => {
    const token = await tokenOf({ accountId: FOREIGN })
    const partial = repository([allow({ AWS: FOREIGN }, ['ecr:GetDownloadUrlForLayer'])])
    const conditioned = repository([
      { ...allow({ AWS: FOREIGN }), Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x' } } },
    ])
    const service = repository([allow({ Service: 'lambda.amazonaws.com' })])
    for (const name of [partial, conditioned, service])
      expect(await pullStatus(token, name)).toBe(403)
    // Wildcards and NotAction cover actions as IAM reads them.
    expect(await pullStatus(token, repository([allow({ AWS: FOREIGN }, 'ecr:Batch*')]))).toBe(404)
    expect(
      await pullStatus(
        token,
        repository([{ Effect: 'Allow', Principal: { AWS: FOREIGN }, NotAction: 'ecr:PutImage' }]),
      ),
    ).toBe(404)
  })

  it('a Deny naming the caller wins over any Allow, for foreign and own callers', async () => {
    const token = await tokenOf({ accountId: FOREIGN })
    const denied = repository([
      allow('*'),
      { Effect: 'Deny', Principal: { AWS: FOREIGN }, Action: 'ecr:*' },
    ])
    expect(await pullStatus(token, denied)).toBe(403)
    const notPrincipal = repository([
      allow('*'),
      { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: 'ecr:*' },
    ])
    expect(await pullStatus(token, notPrincipal)).toBe(403)
    // The fake's own caller: its identity allows everything, the policy's Deny still refuses.
    const { json } = await ecrCall(fake, 'GetAuthorizationToken', {})
    const [own] = json.authorizationData as { authorizationToken: string }[]
    const ownToken = `Basic ${own?.authorizationToken}`
    // Naming its account alone does not spare the fake's own user: the Deny still applies to it.
    expect(await pullStatus(ownToken, notPrincipal)).toBe(403)
    const ownSpared = repository([
      allow('*'),
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: [`arn:aws:iam::${OWN}:root`, `arn:aws:iam::${OWN}:user/fake-caller`] },
        Action: 'ecr:*',
      },
    ])
    expect(await pullStatus(ownToken, ownSpared)).toBe(404)
    const ownDenied = repository([{ Effect: 'Deny', Principal: '*', Action: 'ecr:PutImage' }])
    expect(await pushStatus(ownToken, ownDenied)).toBe(202)
    const ownPushDenied = repository([
      { Effect: 'Deny', Principal: '*', Action: 'ecr:InitiateLayerUpload' },
    ])
    expect(await pushStatus(ownToken, ownPushDenied)).toBe(403)
    expect(await pullStatus(ownToken, ownPushDenied)).toBe(404)
  })

  it('a NotPrincipal spares a caller from a Deny only when it names its account, its role and its session', async () => {
    const root = `arn:aws:iam::${FOREIGN}:root`
    const denyAllBut = (names: string[]): string =>
      repository([allow('*'), { Effect: 'Deny', NotPrincipal: { AWS: names }, Action: 'ecr:*' }])
    // IAM checks the Deny against each principal of the request (account, role, session): one
    // the NotPrincipal leaves out is denied, and the caller with it.
    const { accessKeyId } = fake.foreignCredentials({ accountId: FOREIGN, roleArn: ROLE })
    const got = await ecrCall(fake, 'GetAuthorizationToken', {}, { accessKeyId })
    const [data] = got.json.authorizationData as { authorizationToken: string }[]
    const session = `Basic ${data?.authorizationToken}`
    const sessionArn = `arn:aws:sts::${FOREIGN}:assumed-role/image-puller/foreign-${accessKeyId}`
    expect(await pullStatus(session, denyAllBut([root]))).toBe(403)
    expect(await pullStatus(session, denyAllBut([ROLE]))).toBe(403)
    expect(await pullStatus(session, denyAllBut([ROLE, root]))).toBe(403)
    expect(await pullStatus(session, denyAllBut([sessionArn, ROLE]))).toBe(403)
    expect(await pullStatus(session, denyAllBut([sessionArn, ROLE, root]))).toBe(404)
    expect(await pullStatus(session, denyAllBut([sessionArn, ROLE, FOREIGN]))).toBe(404)
    // A user of the account, whom the account alone does not spare either.
    expect(await pullStatus(await tokenOf({ accountId: FOREIGN }), denyAllBut([root]))).toBe(403)
    // An Allow with a NotPrincipal applies to no caller it names in any way.
    const allowAllBut = repository([{ Effect: 'Allow', NotPrincipal: { AWS: ROLE }, Action: PULL }])
    expect(await pullStatus(session, allowAllBut)).toBe(403)
    expect(await pullStatus(await tokenOf({ accountId: FOREIGN }), allowAllBut)).toBe(404)
  })

  it('a removed grant lets an existing token in no more; an expired token is refused', async () => {
    const name = repository([allow({ AWS: ROLE })])
    const token = await tokenOf({ accountId: FOREIGN, roleArn: ROLE })
    expect(await pullStatus(token, name)).toBe(404)
    fake.seedPolicy('us-east-1', name, undefined)
    expect(await pullStatus(token, name)).toBe(403)
    fake.seedPolicy('us-east-1', name, JSON.stringify({ Statement: [allow({ AWS: ROLE })] }))
    expect(await pullStatus(token, name)).toBe(404)
    // A token dies with the role session behind it, and at the latest after ECR's 12 hours.
    fake.advanceClock(12 * 3600)
    expect(await pullStatus(token, name)).toBe(401)
  })
  it("refuses a role session's token once its role is deleted, or created again under its name", async () => {
    // The fake has no call that deletes a role of another account, so the registry's authorizer
    // is asked directly, with only what a foreign caller's request reads of its context. The
    // policy reads as it was written, so only the session's liveness can refuse: as for the
    // fake's own roles, a session ends with its role, and a namesake is another role.
    const clock = new FakeClock()
    const principals = new PrincipalDirectory(clock)
    const foreign = new ForeignIdentities(OWN, principals, () => clock.now())
    const { caller } = foreign.issue({ accountId: FOREIGN, roleArn: ROLE })
    const token: IssuedToken = {
      accessKeyId: 'ASIAFOREIGN',
      roleArn: ROLE,
      region: 'us-east-1',
      password: 'secret',
      expiresAt: new Date(clock.now() + 3600_000),
      foreign: caller,
    }
    const policy = JSON.stringify({ Statement: [allow({ AWS: ROLE })] })
    const authorize = dataPlaneAuthorizer({
      tokens: new Map([[token.password, token]]),
      clock,
      foreign,
      admin: { username: 'admin', password: 'admin-secret' },
      url: () => 'http://127.0.0.1',
      state: { policy: () => policy },
    } as unknown as DataPlaneAuthContext)
    const pull: AuthorizeInput = {
      authorization: `Basic ${Buffer.from(`AWS:${token.password}`).toString('base64')}`,
      access: [{ type: 'repository', name: 'granted', actions: ['pull'] }],
      request: { method: 'GET', endpoint: 'manifest', searchParams: new URLSearchParams() },
    }
    expect(await authorize(pull)).toMatchObject({ ok: true })
    principals.remove(ROLE)
    expect(await authorize(pull)).toEqual({ ok: false, reason: 'denied' })
    principals.add(ROLE)
    expect(await authorize(pull)).toEqual({ ok: false, reason: 'denied' })
  })
})

describe("AWS fake: a foreign role's session", () => {
  it('ends after an hour, as AssumeRole gives by default: its token and its own calls with it', async () => {
    await using own = await startAwsFake({ accountId: OWN, principals: [ROLE] })
    own.seedRepository('us-east-1', 'granted')
    own.seedPolicy(
      'us-east-1',
      'granted',
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE }, Action: PULL }] }),
    )
    const { accessKeyId } = own.foreignCredentials({ accountId: FOREIGN, roleArn: ROLE })
    const { json } = await ecrCall(own, 'GetAuthorizationToken', {}, { accessKeyId })
    const [data] = json.authorizationData as { authorizationToken: string }[]
    const pull = async (): Promise<number> => {
      const res = await fetch(`http://${own.dataPlane.registry}/v2/granted/manifests/latest`, {
        headers: { authorization: `Basic ${data?.authorizationToken}` },
      })
      await res.body?.cancel()
      return res.status
    }
    own.advanceClock(3599)
    expect(await pull()).toBe(404)
    own.advanceClock(1)
    expect(await pull()).toBe(401)
    const again = await ecrCall(own, 'GetAuthorizationToken', {}, { accessKeyId })
    expect(again.json.__type).toBe('ExpiredTokenException')
    // A user's long-term keys do not end: its token lasts its own 12 hours.
    const user = own.foreignCredentials({ accountId: FOREIGN })
    const fresh = await ecrCall(own, 'GetAuthorizationToken', {}, { accessKeyId: user.accessKeyId })
    expect(fresh.status).toBe(200)
  })
})
