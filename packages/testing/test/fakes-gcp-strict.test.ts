import {
  cloudRunServiceAgent,
  type GcpFake,
  startGcpFake,
} from '@artifact-registry/testing/fakes/gcp'
import { describe, expect, it, vi } from 'vitest'
import { generateAccessTokenPath, googleCall, impersonate } from './gcp-wire.js'

// The GCP fake as strict as IAM and IAM Credentials are: policies name only identities that
// exist, domain-restricted sharing keeps foreign members out, impersonation needs the token
// creator role, and a token is refused once unknown or expired.

const REF = { project: 'acme', location: 'us-central1', repository: 'images' }
const REPO = 'projects/acme/locations/us-central1/repositories/images'
const PULLER = 'puller@acme.iam.gserviceaccount.com'
const SCOPE = ['https://www.googleapis.com/auth/cloud-platform']

/** Read-modify-write of the repository's policy, adding `members` to the reader binding. */
async function grantReader(fake: GcpFake, members: string[]) {
  const read = await googleCall(
    fake,
    'GET',
    `${REPO}:getIamPolicy?options.requestedPolicyVersion=3`,
  )
  const bindings = [...((read.json.bindings as unknown[]) ?? [])]
  bindings.push({ role: 'roles/artifactregistry.reader', members })
  return googleCall(fake, 'POST', `${REPO}:setIamPolicy`, {
    policy: { version: 3, etag: read.json.etag, bindings },
  })
}

describe('GCP fake: IAM takes only members that exist', () => {
  it('refuses a service account, user or group it does not know with 400 INVALID_ARGUMENT', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    for (const [member, message] of [
      [
        'serviceAccount:ghost@acme.iam.gserviceaccount.com',
        'Service account ghost@acme.iam.gserviceaccount.com does not exist.',
      ],
      ['user:nobody@acme.example', 'User nobody@acme.example does not exist.'],
      ['group:none@acme.example', 'Group none@acme.example does not exist.'],
    ]) {
      expect(await grantReader(fake, [member ?? ''])).toEqual({
        status: 400,
        json: { error: { code: 400, message, status: 'INVALID_ARGUMENT' } },
      })
    }
    expect(fake.getPolicy(REPO).bindings).toEqual([])
  })

  it('refuses a member that is not of a form IAM documents, writing nothing', async () => {
    await using fake = await startGcpFake({ repositories: [REF], serviceAccounts: [PULLER] })
    for (const member of [
      PULLER,
      `serviceaccount:${PULLER}`,
      `account:${PULLER}`,
      'serviceAccount:',
      'allusers',
      `deleted:serviceAccount:${PULLER}`,
    ]) {
      const answer = await grantReader(fake, [member])
      expect(answer.status, member).toBe(400)
      expect(answer.json, member).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } })
      expect(JSON.stringify(answer.json), member).toContain('Invalid member')
    }
    expect(fake.getPolicy(REPO).bindings).toEqual([])
    const federated =
      'principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/ci/*'
    const members = [`serviceAccount:${PULLER}`, 'allAuthenticatedUsers', federated]
    expect((await grantReader(fake, members)).status).toBe(200)
  })

  it('takes declared accounts, a Cloud Run service agent once its project has one, and domains', async () => {
    const agent = `serviceAccount:${cloudRunServiceAgent('123456789012')}`
    await using fake = await startGcpFake({
      repositories: [REF],
      serviceAccounts: [PULLER],
      principals: ['group:audit@acme.example'],
    })
    expect((await grantReader(fake, [agent])).status).toBe(400)
    fake.seedServiceAccount(cloudRunServiceAgent('123456789012'))
    const members = [
      `serviceAccount:${PULLER}`,
      'group:audit@acme.example',
      agent,
      'domain:acme.example',
    ]
    expect((await grantReader(fake, members)).status).toBe(200)
    expect(fake.getPolicy(REPO).bindings).toEqual([
      { role: 'roles/artifactregistry.reader', members },
    ])
  })

  it('turns a deleted account into a deleted: member that round-trips, and refuses it by name', async () => {
    await using fake = await startGcpFake({ repositories: [REF], serviceAccounts: [PULLER] })
    expect((await grantReader(fake, [`serviceAccount:${PULLER}`])).status).toBe(200)
    fake.deleteServiceAccount(PULLER)
    const [binding] = fake.getPolicy(REPO).bindings
    expect(binding?.members).toEqual([
      expect.stringMatching(
        /^deleted:serviceAccount:puller@acme\.iam\.gserviceaccount\.com\?uid=\d{21}$/,
      ),
    ])
    // Writing back what was read is fine; naming the deleted account again is not.
    expect((await grantReader(fake, ['domain:acme.example'])).status).toBe(200)
    const again = await grantReader(fake, [`serviceAccount:${PULLER}`])
    expect(again).toMatchObject({ status: 400, json: { error: { status: 'INVALID_ARGUMENT' } } })
    expect(() => fake.deleteServiceAccount(PULLER)).toThrow(TypeError)
  })

  it('refuses a custom role nobody declared, and takes a declared one', async () => {
    const role = 'projects/acme/roles/imagePuller'
    await using fake = await startGcpFake({
      repositories: [REF],
      serviceAccounts: [PULLER],
      customRoles: { [role]: ['artifactregistry.repositories.downloadArtifacts'] },
    })
    const write = (name: string) =>
      googleCall(fake, 'POST', `${REPO}:setIamPolicy`, {
        policy: { bindings: [{ role: name, members: [`serviceAccount:${PULLER}`] }] },
      })
    expect(await write('projects/acme/roles/unknown')).toMatchObject({
      status: 400,
      json: { error: { status: 'INVALID_ARGUMENT' } },
    })
    expect((await write(role)).status).toBe(200)
    await expect(startGcpFake({ customRoles: { 'roles/mine': [] } })).rejects.toThrow(TypeError)
  })
})

describe('GCP fake: the size of a policy', () => {
  it('takes 1,500 principals, each appearance in a binding counted, and refuses one more', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    // Domains are not looked up, so any number of them may be named.
    const domains = (from: number, count: number): string[] =>
      Array.from({ length: count }, (_, i) => `domain:d${from + i}.example`)
    const write = async (bindings: unknown[]) => {
      const read = await googleCall(
        fake,
        'GET',
        `${REPO}:getIamPolicy?options.requestedPolicyVersion=3`,
      )
      return googleCall(fake, 'POST', `${REPO}:setIamPolicy`, {
        policy: { version: 3, etag: read.json.etag, bindings },
      })
    }
    const half = domains(0, 750)
    const full = [
      { role: 'roles/artifactregistry.reader', members: half },
      { role: 'roles/artifactregistry.writer', members: half },
    ]
    expect((await write(full)).status).toBe(200)
    const over = await write([
      ...full,
      { role: 'roles/artifactregistry.repoAdmin', members: domains(750, 1) },
    ])
    expect(over.status).toBe(400)
    expect(over.json).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } })
    expect(JSON.stringify(over.json)).toContain('1,501')
    expect(fake.getPolicy(REPO).bindings.flatMap((b) => b.members)).toHaveLength(1500)
  })
})

describe('GCP fake: domain-restricted sharing', () => {
  it('refuses new members outside the permitted domains with 400 FAILED_PRECONDITION, naming each', async () => {
    const foreign = 'ci@other-org.iam.gserviceaccount.com'
    await using fake = await startGcpFake({
      repositories: [REF],
      serviceAccounts: [PULLER, foreign],
      allowedMemberDomains: ['acme.iam.gserviceaccount.com', 'acme.example'],
    })
    const refused = await grantReader(fake, [
      `serviceAccount:${PULLER}`,
      `serviceAccount:${foreign}`,
    ])
    expect(refused).toEqual({
      status: 400,
      json: {
        error: {
          code: 400,
          message: 'One or more users named in the policy do not belong to a permitted customer.',
          status: 'FAILED_PRECONDITION',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.PreconditionFailure',
              violations: [
                {
                  type: 'constraints/iam.allowedPolicyMemberDomains',
                  subject: `orgpolicy:${REPO}?configvalue=${foreign}`,
                  description: `User ${foreign} is not in permitted organization.`,
                },
              ],
            },
          ],
        },
      },
    })
    expect((await grantReader(fake, ['allUsers'])).status).toBe(400)
    expect(
      (await grantReader(fake, [`serviceAccount:${PULLER}`, 'domain:acme.example'])).status,
    ).toBe(200)
  })

  it('is not retroactive: members already in the policy stay writable', async () => {
    await using fake = await startGcpFake({
      repositories: [REF],
      serviceAccounts: [PULLER],
      allowedMemberDomains: ['acme.iam.gserviceaccount.com'],
    })
    fake.seedPolicy(REPO, {
      version: 3,
      bindings: [{ role: 'roles/viewer', members: ['user:old@elsewhere.example'] }],
    })
    expect((await grantReader(fake, [`serviceAccount:${PULLER}`])).status).toBe(200)
  })
})

describe('GCP fake: IAM Credentials checks the caller', () => {
  it("needs iam.serviceAccounts.getAccessToken: 403, whether the account is missing or not the caller's", async () => {
    const other = 'other@acme.iam.gserviceaccount.com'
    await using fake = await startGcpFake({
      serviceAccounts: [PULLER, { email: other, tokenCreators: ['user:someone@acme.example'] }],
    })
    const denied = {
      status: 403,
      json: {
        error: {
          code: 403,
          message:
            "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
          status: 'PERMISSION_DENIED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'IAM_PERMISSION_DENIED',
              domain: 'iam.googleapis.com',
              metadata: { permission: 'iam.serviceAccounts.getAccessToken' },
            },
          ],
        },
      },
    }
    for (const email of [other, 'ghost@acme.iam.gserviceaccount.com']) {
      expect(
        await googleCall(fake, 'POST', generateAccessTokenPath(email), { scope: SCOPE }),
      ).toEqual(denied)
    }
    expect(fake.tokens).toHaveLength(0)
    expect(await impersonate(fake, PULLER)).toMatch(/^ya29\./)
  })

  it("an impersonated account needs the role too: a service account's token is not the caller's", async () => {
    const chained = 'chained@acme.iam.gserviceaccount.com'
    await using fake = await startGcpFake({
      serviceAccounts: [PULLER, { email: chained, tokenCreators: [`serviceAccount:${PULLER}`] }],
    })
    const puller = await impersonate(fake, PULLER)
    expect(await impersonate(fake, chained, '600s', puller)).toMatch(/^ya29\./)
    const denied = await googleCall(
      fake,
      'POST',
      generateAccessTokenPath(PULLER),
      { scope: SCOPE },
      puller,
    )
    expect(denied.status).toBe(403)
  })
})

describe('GCP fake: IAM Credentials follows a delegation chain', () => {
  const CHAINED = 'chained@acme.iam.gserviceaccount.com'
  const delegate = (email: string) => `projects/-/serviceAccounts/${email}`

  it('needs the role at every link: the caller on the first delegate, each delegate on the next', async () => {
    await using fake = await startGcpFake({
      serviceAccounts: [PULLER, { email: CHAINED, tokenCreators: [`serviceAccount:${PULLER}`] }],
    })
    // The caller may not impersonate CHAINED, but PULLER, which it may, can.
    const through = await googleCall(fake, 'POST', generateAccessTokenPath(CHAINED), {
      scope: SCOPE,
      delegates: [delegate(PULLER)],
    })
    expect(through.status).toBe(200)
    // CHAINED may not impersonate PULLER, nor the caller CHAINED: the caller's own role on the
    // target does not stand in for a broken link.
    const broken = await googleCall(fake, 'POST', generateAccessTokenPath(PULLER), {
      scope: SCOPE,
      delegates: [delegate(CHAINED)],
    })
    expect(broken.status).toBe(403)
    // A delegate that does not exist is a broken link too.
    const missing = await googleCall(fake, 'POST', generateAccessTokenPath(CHAINED), {
      scope: SCOPE,
      delegates: [delegate('gone@acme.iam.gserviceaccount.com')],
    })
    expect(missing.status).toBe(403)
    expect(fake.tokens.map((t) => t.serviceAccount)).toEqual([CHAINED])
  })

  it('names a delegate by its unique id as well as by its email', async () => {
    await using fake = await startGcpFake({
      serviceAccounts: [PULLER, { email: CHAINED, tokenCreators: [`serviceAccount:${PULLER}`] }],
    })
    const account = await googleCall(fake, 'GET', `projects/-/serviceAccounts/${PULLER}`)
    const uniqueId = (account.json as { uniqueId: string }).uniqueId
    expect(uniqueId).toMatch(/^\d+$/)
    const through = await googleCall(fake, 'POST', generateAccessTokenPath(CHAINED), {
      scope: SCOPE,
      delegates: [delegate(uniqueId)],
    })
    expect(through.status).toBe(200)
  })

  it('refuses a delegate not named projects/-/serviceAccounts/{email} with 400 INVALID_ARGUMENT', async () => {
    await using fake = await startGcpFake({ serviceAccounts: [PULLER] })
    for (const wrong of [PULLER, `projects/acme/serviceAccounts/${PULLER}`, '']) {
      const answer = await googleCall(fake, 'POST', generateAccessTokenPath(PULLER), {
        scope: SCOPE,
        delegates: [wrong],
      })
      expect(answer.status, wrong).toBe(400)
      expect((answer.json.error as { status: string }).status).toBe('INVALID_ARGUMENT')
    }
    expect(fake.tokens).toHaveLength(0)
  })
})

describe('GCP fake: tokens and the clock', () => {
  it('refuses an impersonated token once the clock passes its expireTime', async () => {
    await using fake = await startGcpFake({ repositories: [REF], serviceAccounts: [PULLER] })
    fake.seedPolicy(REPO, {
      version: 3,
      bindings: [{ role: 'roles/artifactregistry.reader', members: [`serviceAccount:${PULLER}`] }],
    })
    const token = await impersonate(fake, PULLER, '600s')
    const expireTime = Date.parse(fake.tokens[0]?.expireTime ?? '')
    expect(expireTime - fake.now()).toBeGreaterThan(598_000)
    expect((await googleCall(fake, 'GET', REPO, undefined, token)).status).toBe(200)
    fake.advanceClock((expireTime - fake.now()) / 1000 - 1)
    expect((await googleCall(fake, 'GET', REPO, undefined, token)).status).toBe(200)
    fake.advanceClock(1)
    expect(await googleCall(fake, 'GET', REPO, undefined, token)).toMatchObject({
      status: 401,
      json: { error: { status: 'UNAUTHENTICATED' } },
    })
    // The caller's own token follows the machine's clock, as its auth client does.
    expect((await googleCall(fake, 'GET', REPO)).status).toBe(200)
  })

  it('refuses an impersonated token from the very instant of its expireTime', async () => {
    // Only Date is frozen, so the clock can stand exactly on expireTime; timers keep running.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      await using fake = await startGcpFake({ repositories: [REF], serviceAccounts: [PULLER] })
      fake.seedPolicy(REPO, {
        version: 3,
        bindings: [
          { role: 'roles/artifactregistry.reader', members: [`serviceAccount:${PULLER}`] },
        ],
      })
      const token = await impersonate(fake, PULLER, '600s')
      const expireTime = Date.parse(fake.tokens[0]?.expireTime ?? '')
      vi.setSystemTime(expireTime - 1 - (fake.now() - Date.now()))
      expect((await googleCall(fake, 'GET', REPO, undefined, token)).status).toBe(200)
      vi.setSystemTime(expireTime - (fake.now() - Date.now()))
      expect(fake.now()).toBe(expireTime)
      expect((await googleCall(fake, 'GET', REPO, undefined, token)).status).toBe(401)
    } finally {
      vi.useRealTimers()
    }
  })

  it('moves only forward, and stamps what it creates with its own time', async () => {
    await using fake = await startGcpFake()
    expect(() => fake.advanceClock(-1)).toThrow(TypeError)
    expect(() => fake.advanceClock(Number.NaN)).toThrow(TypeError)
    const before = fake.now()
    fake.advanceClock(86_400)
    expect(fake.now() - before).toBeGreaterThanOrEqual(86_400_000)
    const repository = fake.seedRepository(REF)
    const got = await googleCall(fake, 'GET', repository)
    expect(Date.parse(String(got.json.createTime))).toBeGreaterThan(Date.now() + 86_000_000)
  })
})

describe("GCP fake: an impersonated token holds its account's roles on the repository", () => {
  it('reads with the reader role, and is refused what the role lacks', async () => {
    await using fake = await startGcpFake({ repositories: [REF], serviceAccounts: [PULLER] })
    fake.seedPolicy(REPO, {
      version: 3,
      bindings: [{ role: 'roles/artifactregistry.reader', members: [`serviceAccount:${PULLER}`] }],
    })
    fake.seedImage(REPO, 'app')
    const token = await impersonate(fake, PULLER)
    expect((await googleCall(fake, 'GET', `${REPO}/packages/app`, undefined, token)).status).toBe(
      200,
    )
    for (const [method, path, permission] of [
      ['DELETE', `${REPO}/packages/app`, 'artifactregistry.packages.delete'],
      ['GET', `${REPO}:getIamPolicy`, 'artifactregistry.repositories.getIamPolicy'],
      [
        'GET',
        'projects/acme/locations/us-central1/repositories',
        'artifactregistry.repositories.list',
      ],
    ] as const) {
      expect(await googleCall(fake, method, path, undefined, token)).toMatchObject({
        status: 403,
        json: {
          error: { status: 'PERMISSION_DENIED', message: expect.stringContaining(permission) },
        },
      })
    }
    const tested = await googleCall(
      fake,
      'POST',
      `${REPO}:testIamPermissions`,
      {
        permissions: [
          'artifactregistry.repositories.downloadArtifacts',
          'artifactregistry.repositories.uploadArtifacts',
        ],
      },
      token,
    )
    expect(tested.json).toEqual({
      permissions: ['artifactregistry.repositories.downloadArtifacts'],
    })
    expect(fake.getImagePaths(REPO)).toEqual(['app'])
  })
})
