import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { describe, expect, it } from 'vitest'
import { dockerLogin, googleCall, impersonate, pushImage } from './gcp-wire.js'

// IAM v1 service accounts in the GCP fake, as strict as IAM: the account id rule, one account
// per id and project, 404 for an account that does not exist, and each account's own IAM policy
// (with etags) deciding who may impersonate it. A new account is an identity like any other.

const PROJECT = 'acme-prod'
const EMAIL = `builder@${PROJECT}.iam.gserviceaccount.com`
const ACCOUNT = `projects/${PROJECT}/serviceAccounts/${encodeURIComponent(EMAIL)}`
const REF = { project: PROJECT, location: 'us-central1', repository: 'images' }
const REPO = `projects/${PROJECT}/locations/us-central1/repositories/images`
const PULLER = `puller@${PROJECT}.iam.gserviceaccount.com`
const TOKEN_CREATOR = 'roles/iam.serviceAccountTokenCreator'

const create = (fake: Parameters<typeof googleCall>[0], accountId: unknown, project = PROJECT) =>
  googleCall(fake, 'POST', `projects/${project}/serviceAccounts`, {
    accountId,
    serviceAccount: { displayName: 'Builder', description: 'builds images' },
  })

describe('GCP fake: serviceAccounts.create, get and delete', () => {
  it('creates {id}@{project}.iam.gserviceaccount.com and answers it as IAM does', async () => {
    await using fake = await startGcpFake()
    const created = await create(fake, 'builder')
    expect(created).toEqual({
      status: 200,
      json: {
        name: `projects/${PROJECT}/serviceAccounts/${EMAIL}`,
        projectId: PROJECT,
        uniqueId: expect.stringMatching(/^\d{21}$/),
        email: EMAIL,
        displayName: 'Builder',
        description: 'builds images',
        oauth2ClientId: created.json.uniqueId,
      },
    })
    expect(await googleCall(fake, 'GET', ACCOUNT)).toEqual(created)
    // `-` for the project infers it from the account; the unique id names it too.
    expect((await googleCall(fake, 'GET', `projects/-/serviceAccounts/${EMAIL}`)).status).toBe(200)
    const byUid = `projects/-/serviceAccounts/${String(created.json.uniqueId)}`
    expect((await googleCall(fake, 'GET', byUid)).json.email).toBe(EMAIL)
    expect(fake.getServiceAccounts()).toEqual([EMAIL])
  })

  it.each([
    ['too short', 'build'],
    ['too long', 'b'.repeat(31)],
    ['upper case', 'Builder'],
    ['leading digit', '1builder'],
    ['trailing hyphen', 'builder-'],
    ['missing', undefined],
  ])('refuses an account id that is %s with 400 INVALID_ARGUMENT', async (_, accountId) => {
    await using fake = await startGcpFake()
    expect(await create(fake, accountId)).toMatchObject({
      status: 400,
      json: { error: { status: 'INVALID_ARGUMENT' } },
    })
    expect(fake.getServiceAccounts()).toEqual([])
  })

  it('takes ids of exactly 6 and 30 characters', async () => {
    await using fake = await startGcpFake()
    expect((await create(fake, 'abc-12')).status).toBe(200)
    expect((await create(fake, `a${'-b'.repeat(14)}c`)).status).toBe(200)
  })

  it('refuses an id taken in the project with 409 ALREADY_EXISTS; another project may have it', async () => {
    await using fake = await startGcpFake()
    await create(fake, 'builder')
    expect(await create(fake, 'builder')).toEqual({
      status: 409,
      json: {
        error: {
          code: 409,
          message: `Service account builder already exists within project projects/${PROJECT}.`,
          status: 'ALREADY_EXISTS',
        },
      },
    })
    expect((await create(fake, 'builder', 'other-project')).status).toBe(200)
  })

  it('answers 404 NOT_FOUND for an account that does not exist, or in another project', async () => {
    await using fake = await startGcpFake()
    expect((await googleCall(fake, 'GET', ACCOUNT)).status).toBe(404)
    await create(fake, 'builder')
    const elsewhere = `projects/other-project/serviceAccounts/${EMAIL}`
    expect((await googleCall(fake, 'GET', elsewhere)).status).toBe(404)
    expect((await googleCall(fake, 'DELETE', elsewhere)).status).toBe(404)
  })

  it('deletes an account: get is 404 after, bindings naming it turn deleted:, its id is free again', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    await create(fake, 'builder')
    fake.seedPolicy(REPO, {
      version: 1,
      bindings: [{ role: 'roles/artifactregistry.reader', members: [`serviceAccount:${EMAIL}`] }],
    })
    expect(await googleCall(fake, 'DELETE', ACCOUNT)).toEqual({ status: 200, json: {} })
    expect((await googleCall(fake, 'GET', ACCOUNT)).status).toBe(404)
    expect((await googleCall(fake, 'DELETE', ACCOUNT)).status).toBe(404)
    expect(fake.getPolicy(REPO).bindings[0]?.members).toEqual([
      expect.stringMatching(
        /^deleted:serviceAccount:builder@acme-prod\.iam\.gserviceaccount\.com\?uid=\d{21}$/,
      ),
    ])
    expect((await create(fake, 'builder')).status).toBe(200)
  })

  it('needs iam.serviceAccounts.* permissions: a service account without them is refused 403', async () => {
    await using fake = await startGcpFake({
      serviceAccounts: [PULLER],
    })
    await create(fake, 'builder')
    const token = await impersonate(fake, PULLER)
    for (const [method, path] of [
      ['POST', `projects/${PROJECT}/serviceAccounts`],
      ['GET', ACCOUNT],
      ['DELETE', ACCOUNT],
      ['POST', `${ACCOUNT}:getIamPolicy`],
    ] as const) {
      const body = method === 'POST' ? {} : undefined
      const { status } = await googleCall(fake, method, path, body, token)
      expect(status, `${method} ${path}`).toBe(403)
    }
    expect(fake.getServiceAccounts()).toContain(EMAIL)
  })
})

describe("GCP fake: a service account's own IAM policy", () => {
  it('starts empty, takes a token creator with the etag read, and refuses a stale etag with 409 ABORTED', async () => {
    await using fake = await startGcpFake()
    await create(fake, 'builder')
    const read = await googleCall(
      fake,
      'POST',
      `${ACCOUNT}:getIamPolicy?options.requestedPolicyVersion=3`,
    )
    expect(read).toEqual({ status: 200, json: { version: 1, etag: 'ACAB' } })
    const policy = {
      version: 3,
      etag: read.json.etag,
      bindings: [{ role: TOKEN_CREATOR, members: [fake.caller] }],
    }
    const written = await googleCall(fake, 'POST', `${ACCOUNT}:setIamPolicy`, { policy })
    expect(written.status).toBe(200)
    expect(written.json.etag).not.toBe('ACAB')
    expect(await googleCall(fake, 'POST', `${ACCOUNT}:setIamPolicy`, { policy })).toMatchObject({
      status: 409,
      json: { error: { status: 'ABORTED' } },
    })
    expect(fake.getPolicy(`projects/-/serviceAccounts/${EMAIL}`).bindings).toEqual(policy.bindings)
  })

  it('refuses members that do not exist, and answers 403 for an account that does not', async () => {
    await using fake = await startGcpFake()
    await create(fake, 'builder')
    const ghost = {
      role: TOKEN_CREATOR,
      members: ['serviceAccount:ghost@acme-prod.iam.gserviceaccount.com'],
    }
    expect(
      await googleCall(fake, 'POST', `${ACCOUNT}:setIamPolicy`, { policy: { bindings: [ghost] } }),
    ).toMatchObject({ status: 400, json: { error: { status: 'INVALID_ARGUMENT' } } })
    const missing = `projects/${PROJECT}/serviceAccounts/nobody@acme-prod.iam.gserviceaccount.com`
    for (const method of ['getIamPolicy', 'setIamPolicy']) {
      expect(await googleCall(fake, 'POST', `${missing}:${method}`, { policy: {} })).toMatchObject({
        status: 403,
        json: { error: { status: 'PERMISSION_DENIED' } },
      })
    }
  })

  it('decides impersonation: a new account is usable once its policy names the caller', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    await create(fake, 'builder')
    await expect(impersonate(fake, EMAIL)).rejects.toThrow(/403/)
    const { json } = await googleCall(fake, 'POST', `${ACCOUNT}:getIamPolicy`)
    const bindings = [{ role: TOKEN_CREATOR, members: [fake.caller] }]
    await googleCall(fake, 'POST', `${ACCOUNT}:setIamPolicy`, {
      policy: { etag: json.etag, bindings },
    })
    const token = await impersonate(fake, EMAIL)
    // Its token pushes once the GAR repository grants it a role that uploads, and not before.
    const before = await pushImage(fake, dockerLogin(token), 'acme-prod/images/app', 'v1')
    expect(before.statuses).not.toContain(201)
    fake.seedPolicy(REPO, {
      version: 1,
      bindings: [{ role: 'roles/artifactregistry.writer', members: [`serviceAccount:${EMAIL}`] }],
    })
    expect(
      (await pushImage(fake, dockerLogin(token), 'acme-prod/images/app', 'v1')).statuses,
    ).toEqual([201, 201])
  })
})

describe('GCP fake: repositories.patch', () => {
  it('updates the labels the mask names, and refuses other fields and bad labels with 400', async () => {
    await using fake = await startGcpFake({ repositories: [REF] })
    const patch = (mask: string, body: unknown) =>
      googleCall(fake, 'PATCH', `${REPO}?updateMask=${mask}`, body)
    const updated = await patch('labels', { labels: { team: 'web' }, description: 'ignored' })
    expect(updated.json).toMatchObject({ labels: { team: 'web' }, description: '' })
    expect((await googleCall(fake, 'GET', REPO)).json.labels).toEqual({ team: 'web' })
    for (const [mask, body] of [
      ['format', { format: 'MAVEN' }],
      ['', { labels: {} }],
      ['labels', { labels: { Team: 'web' } }],
    ] as const) {
      expect((await patch(mask, body)).status, mask).toBe(400)
    }
  })
})

describe("GCP fake: a project's IAM policy", () => {
  it('grants on the project itself and on every repository and account in it', async () => {
    await using fake = await startGcpFake({ repositories: [REF], serviceAccounts: [PULLER] })
    await create(fake, 'builder')
    const token = await impersonate(fake, PULLER)
    const member = `serviceAccount:${PULLER}`
    const calls = async () => [
      (
        await googleCall(
          fake,
          'POST',
          `projects/${PROJECT}/serviceAccounts`,
          { accountId: 'tester' },
          token,
        )
      ).status,
      (await googleCall(fake, 'GET', ACCOUNT, undefined, token)).status,
      (await googleCall(fake, 'GET', REPO, undefined, token)).status,
    ]
    expect(await calls()).toEqual([403, 403, 403])
    fake.seedPolicy(`projects/${PROJECT}`, {
      version: 1,
      bindings: [
        { role: 'roles/iam.serviceAccountAdmin', members: [member] },
        { role: 'roles/artifactregistry.reader', members: [member] },
        { role: TOKEN_CREATOR, members: [member] },
      ],
    })
    expect(await calls()).toEqual([200, 200, 200])
    // The token creator role on the project reaches its accounts.
    expect(await impersonate(fake, EMAIL, '600s', token)).toMatch(/^ya29\./)
    // Another project's grants reach nothing here.
    expect(
      (
        await googleCall(
          fake,
          'GET',
          `projects/other-project/serviceAccounts/x@y.example`,
          undefined,
          token,
        )
      ).status,
    ).toBe(403)
  })
})

describe("GCP fake: IAM's eventual consistency", () => {
  it('refuses a new account in the first unpropagatedWrites policy writes that name it, never a seeded one', async () => {
    await using fake = await startGcpFake({
      repositories: [REF],
      serviceAccounts: [PULLER],
      unpropagatedWrites: 2,
    })
    await create(fake, 'builder')
    const grant = (member: string) =>
      googleCall(fake, 'POST', `${REPO}:setIamPolicy`, {
        policy: { bindings: [{ role: 'roles/artifactregistry.reader', members: [member] }] },
      })
    expect((await grant(`serviceAccount:${PULLER}`)).status).toBe(200)
    const refused = {
      status: 400,
      json: { error: { message: `Service account ${EMAIL} does not exist.` } },
    }
    expect(await grant(`serviceAccount:${EMAIL}`)).toMatchObject(refused)
    expect(await grant(`serviceAccount:${EMAIL}`)).toMatchObject(refused)
    expect((await grant(`serviceAccount:${EMAIL}`)).status).toBe(200)
  })
})

describe('GCP fake: serviceAccounts.list', () => {
  it("pages the project's accounts, oldest first, and only that project's", async () => {
    await using fake = await startGcpFake({ pageLimit: 2 })
    for (const id of ['builder', 'deployer', 'auditor']) await create(fake, id)
    await create(fake, 'stranger', 'other-project')
    const first = await googleCall(fake, 'GET', `projects/${PROJECT}/serviceAccounts`)
    expect(first.status).toBe(200)
    expect(first.json.accounts).toEqual([
      expect.objectContaining({ email: `builder@${PROJECT}.iam.gserviceaccount.com` }),
      expect.objectContaining({ email: `deployer@${PROJECT}.iam.gserviceaccount.com` }),
    ])
    const token = encodeURIComponent(String(first.json.nextPageToken))
    const next = await googleCall(
      fake,
      'GET',
      `projects/${PROJECT}/serviceAccounts?pageToken=${token}`,
    )
    expect(next.json).toEqual({
      accounts: [expect.objectContaining({ email: `auditor@${PROJECT}.iam.gserviceaccount.com` })],
    })
    // A token of another listing is refused.
    const elsewhere = `projects/other-project/serviceAccounts?pageToken=${token}`
    expect(await googleCall(fake, 'GET', elsewhere)).toMatchObject({
      status: 400,
      json: { error: { status: 'INVALID_ARGUMENT' } },
    })
  })
})
