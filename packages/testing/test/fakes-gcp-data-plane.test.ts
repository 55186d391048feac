import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, describe, expect, it } from 'vitest'
import {
  callerToken,
  dockerLogin,
  generateAccessTokenPath,
  googleCall,
  impersonate,
  pushImage,
  registryRequest,
} from './gcp-wire.js'

// The GCP fake's registry (GAR's data plane), spoken to with plain HTTP as a registry client
// does: Basic `oauth2accesstoken:<access token>`, each request checked against the token's
// expiry and its account's role on the GAR repository of `{project}/{repository}/{image}`.

const REPO = 'projects/acme/locations/us-central1/repositories/images'
const READER = 'reader@acme.iam.gserviceaccount.com'
const WRITER = 'writer@acme.iam.gserviceaccount.com'
const REPO_ADMIN = 'repoadmin@acme.iam.gserviceaccount.com'
const OUTSIDER = 'outsider@acme.iam.gserviceaccount.com'

const fake = await startGcpFake({
  repositories: [{ project: 'acme', location: 'us-central1', repository: 'images' }],
  serviceAccounts: [READER, WRITER, REPO_ADMIN, OUTSIDER],
})
afterAll(() => fake.close())
fake.seedPolicy(REPO, {
  version: 3,
  bindings: [
    { role: 'roles/artifactregistry.reader', members: [`serviceAccount:${READER}`] },
    { role: 'roles/artifactregistry.writer', members: [`serviceAccount:${WRITER}`] },
    { role: 'roles/artifactregistry.repoAdmin', members: [`serviceAccount:${REPO_ADMIN}`] },
  ],
})

const loginAs = async (email: string): Promise<string> =>
  dockerLogin(await impersonate(fake, email))

describe('GCP fake: the data plane', () => {
  it('listens on 127.0.0.1 over plain HTTP, and providerOptions points the provider at it', () => {
    expect(fake.dataPlane).toEqual({
      registry: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      tls: false,
    })
    expect(fake.providerOptions().registryEndpoint).toBe(`http://${fake.dataPlane.registry}`)
  })

  it('needs a token it issued, as oauth2accesstoken or as a Bearer token', async () => {
    expect(await registryRequest(fake, undefined, 'GET', '/v2/')).toBe(401)
    expect(await registryRequest(fake, dockerLogin('ya29.forged'), 'GET', '/v2/')).toBe(401)
    const token = await impersonate(fake, READER)
    const otherUser = `Basic ${Buffer.from(`_json_key:${token}`).toString('base64')}`
    expect(await registryRequest(fake, otherUser, 'GET', '/v2/')).toBe(401)
    expect(await registryRequest(fake, dockerLogin(token), 'GET', '/v2/')).toBe(200)
    expect(await registryRequest(fake, `Bearer ${token}`, 'GET', '/v2/')).toBe(200)
  })

  it("a role on the repository's project reaches the repository, until it is taken away", async () => {
    const writerEmail = 'writer@acme-prod.iam.gserviceaccount.com'
    const outsiderEmail = 'outsider@acme-prod.iam.gserviceaccount.com'
    await using own = await startGcpFake({
      repositories: [{ project: 'acme-prod', location: 'us-central1', repository: 'images' }],
      serviceAccounts: [writerEmail, outsiderEmail],
    })
    own.seedPolicy('projects/acme-prod/locations/us-central1/repositories/images', {
      version: 1,
      bindings: [
        { role: 'roles/artifactregistry.writer', members: [`serviceAccount:${writerEmail}`] },
      ],
    })
    const writer = dockerLogin(await impersonate(own, writerEmail))
    const image = 'acme-prod/images/inherited'
    expect((await pushImage(own, writer, image, 'v1')).statuses).toEqual([201, 201])
    const manifest = `/v2/${image}/manifests/v1`
    const outsider = dockerLogin(await impersonate(own, outsiderEmail))
    expect(await registryRequest(own, outsider, 'GET', manifest)).toBe(403)
    const readerOnProject = {
      role: 'roles/artifactregistry.reader',
      members: [`serviceAccount:${outsiderEmail}`],
    }
    own.seedPolicy('projects/acme-prod', { version: 1, bindings: [readerOnProject] })
    expect(await registryRequest(own, outsider, 'GET', manifest)).toBe(200)
    expect((await pushImage(own, outsider, image, 'v2')).statuses).toEqual([403, 403])
    // Taken away on the project, it is gone; another project's policy grants nothing here.
    own.seedPolicy('projects/acme-prod', { version: 1, bindings: [] })
    own.seedPolicy('projects/acme-other', { version: 1, bindings: [readerOnProject] })
    expect(await registryRequest(own, outsider, 'GET', manifest)).toBe(403)
  })

  it.each(['allUsers', 'allAuthenticatedUsers'])(
    'a binding of %s reaches every account, as IAM reads it',
    async (everyone) => {
      const email = 'anyone@acme.iam.gserviceaccount.com'
      await using own = await startGcpFake({
        repositories: [{ project: 'acme', location: 'us-central1', repository: 'images' }],
        serviceAccounts: [email],
      })
      const image = 'acme/images/public'
      expect(
        (await pushImage(own, dockerLogin(await callerToken(own)), image, 'v1')).statuses,
      ).toEqual([201, 201])
      const anyone = dockerLogin(own.serviceAccountToken(email).token)
      const manifest = `/v2/${image}/manifests/v1`
      expect(await registryRequest(own, anyone, 'GET', manifest)).toBe(403)
      own.seedPolicy(REPO, {
        version: 1,
        bindings: [{ role: 'roles/artifactregistry.reader', members: [everyone] }],
      })
      expect(await registryRequest(own, anyone, 'GET', manifest)).toBe(200)
      expect((await pushImage(own, anyone, image, 'v2')).statuses).toEqual([403, 403])
    },
  )

  it('matches an email member in any case, as IAM does, until the account is deleted', async () => {
    const email = 'mixed@acme.iam.gserviceaccount.com'
    await using own = await startGcpFake({
      repositories: [{ project: 'acme', location: 'us-central1', repository: 'images' }],
      serviceAccounts: [email],
    })
    // IAM keeps a member as it was written, and decides by the account the email names.
    own.seedPolicy(REPO, {
      version: 1,
      bindings: [
        {
          role: 'roles/artifactregistry.writer',
          members: ['serviceAccount:Mixed@ACME.iam.gserviceaccount.com'],
        },
      ],
    })
    const image = 'acme/images/cased'
    for (const spelt of [email, 'MIXED@acme.iam.gserviceaccount.com']) {
      const writer = dockerLogin(await impersonate(own, spelt))
      expect((await pushImage(own, writer, image, 'v1')).statuses, spelt).toEqual([201, 201])
    }
    // Deleted, the account's member is IAM's deleted: form, whatever its case: it grants nothing
    // to a new account created under the same email.
    own.deleteServiceAccount(email)
    expect(own.getPolicy(REPO).bindings[0]?.members).toEqual([
      expect.stringMatching(
        /^deleted:serviceAccount:mixed@acme\.iam\.gserviceaccount\.com\?uid=\d+$/i,
      ),
    ])
    own.seedServiceAccount(email)
    const successor = dockerLogin(await impersonate(own, email))
    expect((await pushImage(own, successor, image, 'v2')).statuses).toEqual([403, 403])
  })

  it("refuses a deleted account's tokens, also once an account of its email is created and granted again", async () => {
    const email = 'pusher@acme.iam.gserviceaccount.com'
    await using own = await startGcpFake({
      repositories: [{ project: 'acme', location: 'us-central1', repository: 'images' }],
      serviceAccounts: [email],
    })
    const grant = (): void => {
      own.seedPolicy(REPO, {
        version: 1,
        bindings: [{ role: 'roles/artifactregistry.writer', members: [`serviceAccount:${email}`] }],
      })
    }
    grant()
    const before = dockerLogin(await impersonate(own, email))
    expect((await pushImage(own, before, 'acme/images/app', 'v1')).statuses).toEqual([201, 201])
    // Google: a deleted account's applications lose their access, and a new account under the
    // same email is a separate identity, so what the old one was given is never the new one's.
    own.deleteServiceAccount(email)
    expect(await registryRequest(own, before, 'GET', '/v2/')).toBe(401)
    own.seedServiceAccount(email)
    grant()
    expect(await registryRequest(own, before, 'GET', '/v2/acme/images/app/manifests/v1')).toBe(401)
    expect((await pushImage(own, before, 'acme/images/app', 'v2')).statuses).toEqual([401, 401])
    const after = dockerLogin(await impersonate(own, email))
    expect((await pushImage(own, after, 'acme/images/app', 'v3')).statuses).toEqual([201, 201])
  })

  it('reader pulls; writer pushes but cannot delete a manifest or tag; repoAdmin deletes', async () => {
    const writer = await loginAs(WRITER)
    const { statuses, digest } = await pushImage(fake, writer, 'acme/images/app', 'v1')
    expect(statuses).toEqual([201, 201])
    expect(fake.getImagePaths(REPO)).toContain('app')

    const reader = await loginAs(READER)
    expect(await registryRequest(fake, reader, 'GET', '/v2/acme/images/app/manifests/v1')).toBe(200)
    expect(await registryRequest(fake, reader, 'GET', '/v2/acme/images/app/tags/list')).toBe(200)
    expect((await pushImage(fake, reader, 'acme/images/app', 'v2')).statuses).toEqual([403, 403])

    for (const reference of ['v1', digest]) {
      expect(
        await registryRequest(fake, writer, 'DELETE', `/v2/acme/images/app/manifests/${reference}`),
      ).toBe(403)
      expect(
        await registryRequest(fake, reader, 'DELETE', `/v2/acme/images/app/manifests/${reference}`),
      ).toBe(403)
    }
    const admin = await loginAs(REPO_ADMIN)
    expect(
      await registryRequest(fake, admin, 'DELETE', `/v2/acme/images/app/manifests/${digest}`),
    ).toBe(202)
    expect(await registryRequest(fake, reader, 'GET', '/v2/acme/images/app/manifests/v1')).toBe(404)
  })

  it("a token's OAuth scopes limit it whatever its account's roles: read-only scopes only pull", async () => {
    // The repository administrator may pull, push and delete; each token is as narrow as its
    // scopes. Google documents that the read-only storage scope only downloads, and that an
    // upload needs devstorage.read_write, devstorage.full_control or cloud-platform.
    const auth = 'https://www.googleapis.com/auth'
    const scoped = async (scope: string): Promise<string> => {
      const body = { scope: [scope], lifetime: '600s' }
      const { status, json } = await googleCall(
        fake,
        'POST',
        generateAccessTokenPath(REPO_ADMIN),
        body,
      )
      expect(status, scope).toBe(200)
      return dockerLogin(String(json.accessToken))
    }
    const image = 'acme/images/scoped'
    const manifest = `/v2/${image}/manifests/v1`
    const readWrite = await scoped(`${auth}/devstorage.read_write`)
    const { statuses, digest } = await pushImage(fake, readWrite, image, 'v1')
    expect(statuses).toEqual([201, 201])
    for (const readOnly of [`${auth}/devstorage.read_only`, `${auth}/cloud-platform.read-only`]) {
      const token = await scoped(readOnly)
      expect(await registryRequest(fake, token, 'GET', manifest), readOnly).toBe(200)
      expect((await pushImage(fake, token, image, 'v2')).statuses, readOnly).toEqual([403, 403])
      const deleteManifest = `/v2/${image}/manifests/${digest}`
      expect(await registryRequest(fake, token, 'DELETE', deleteManifest), readOnly).toBe(403)
    }
    const unrelated = await scoped(`${auth}/userinfo.email`)
    expect(await registryRequest(fake, unrelated, 'GET', manifest)).toBe(403)
    expect((await pushImage(fake, unrelated, image, 'v3')).statuses).toEqual([403, 403])
    expect(await registryRequest(fake, readWrite, 'GET', manifest)).toBe(200)
  })

  it('an account without a role on the GAR repository gets nothing, the caller everything', async () => {
    const outsider = await loginAs(OUTSIDER)
    expect(await registryRequest(fake, outsider, 'GET', '/v2/acme/images/app/tags/list')).toBe(403)
    expect((await pushImage(fake, outsider, 'acme/images/other', 'v1')).statuses).toEqual([
      403, 403,
    ])
    const caller = dockerLogin(await callerToken(fake))
    expect((await pushImage(fake, caller, 'acme/images/owned', 'v1')).statuses).toEqual([201, 201])
  })

  it('a role on one GAR repository reaches nothing in another, though it exists and holds the image', async () => {
    await using two = await startGcpFake({
      repositories: ['images', 'images2'].map((repository) => ({
        project: 'acme',
        location: 'us-central1',
        repository,
      })),
      serviceAccounts: [READER, WRITER],
    })
    two.seedPolicy(REPO, {
      version: 3,
      bindings: [
        { role: 'roles/artifactregistry.reader', members: [`serviceAccount:${READER}`] },
        { role: 'roles/artifactregistry.writer', members: [`serviceAccount:${WRITER}`] },
      ],
    })
    const caller = dockerLogin(await callerToken(two))
    for (const name of ['acme/images/app', 'acme/images2/app']) {
      expect((await pushImage(two, caller, name, 'v1')).statuses, name).toEqual([201, 201])
    }
    const readerToken = await impersonate(two, READER)
    for (const reader of [dockerLogin(readerToken), `Bearer ${readerToken}`]) {
      expect(await registryRequest(two, reader, 'GET', '/v2/acme/images/app/manifests/v1')).toBe(
        200,
      )
      expect(await registryRequest(two, reader, 'GET', '/v2/acme/images2/app/manifests/v1')).toBe(
        403,
      )
      expect(await registryRequest(two, reader, 'GET', '/v2/acme/images2/app/tags/list')).toBe(403)
    }
    const writer = dockerLogin(await impersonate(two, WRITER))
    expect((await pushImage(two, writer, 'acme/images/app', 'v2')).statuses).toEqual([201, 201])
    expect((await pushImage(two, writer, 'acme/images2/app', 'v2')).statuses).toEqual([403, 403])
    expect(await registryRequest(two, writer, 'GET', '/v2/acme/images2/app/manifests/v1')).toBe(403)
    expect(two.getImagePaths(`${REPO}2`)).toEqual(['app'])
  })

  it('refuses a GAR repository that does not exist, and names outside {project}/{repository}/{image}', async () => {
    const caller = dockerLogin(await callerToken(fake))
    for (const name of ['acme/missing/app', 'other/images/app', 'acme/images']) {
      expect((await pushImage(fake, caller, name, 'v1')).statuses, name).toEqual([403, 403])
    }
    expect(await registryRequest(fake, caller, 'GET', '/v2/_catalog')).toBe(403)
  })

  it('a remote or virtual GAR repository is read-only: a push there is refused, whatever the role', async () => {
    await using modes = await startGcpFake({
      repositories: [
        { project: 'acme', location: 'us-central1', repository: 'images' },
        {
          project: 'acme',
          location: 'us-central1',
          repository: 'proxy',
          mode: 'REMOTE_REPOSITORY',
        },
        {
          project: 'acme',
          location: 'us-central1',
          repository: 'union',
          mode: 'VIRTUAL_REPOSITORY',
        },
      ],
    })
    const repository = (id: string): string =>
      `projects/acme/locations/us-central1/repositories/${id}`
    const caller = await callerToken(modes)
    const modeOf = async (id: string): Promise<unknown> =>
      (await googleCall(modes, 'GET', repository(id))).json.mode
    expect(await modeOf('images')).toBe('STANDARD_REPOSITORY')
    expect(await modeOf('proxy')).toBe('REMOTE_REPOSITORY')
    expect(await modeOf('union')).toBe('VIRTUAL_REPOSITORY')
    const login = dockerLogin(caller)
    expect((await pushImage(modes, login, 'acme/images/app', 'v1')).statuses).toEqual([201, 201])
    for (const id of ['proxy', 'union']) {
      expect((await pushImage(modes, login, `acme/${id}/app`, 'v1')).statuses, id).toEqual([
        403, 403,
      ])
      expect(modes.getImagePaths(repository(id)), id).toEqual([])
    }
  })

  it('refuses a token once the clock passes its expiry', async () => {
    await using timed = await startGcpFake({
      repositories: [{ project: 'acme', location: 'us-central1', repository: 'images' }],
      serviceAccounts: [WRITER],
    })
    timed.seedPolicy(REPO, {
      version: 3,
      bindings: [{ role: 'roles/artifactregistry.writer', members: [`serviceAccount:${WRITER}`] }],
    })
    const { json } = await googleCall(
      timed,
      'POST',
      `projects/-/serviceAccounts/${WRITER}:generateAccessToken`,
      { scope: ['https://www.googleapis.com/auth/cloud-platform'], lifetime: '300s' },
    )
    const writer = dockerLogin(String(json.accessToken))
    expect((await pushImage(timed, writer, 'acme/images/app', 'v1')).statuses).toEqual([201, 201])
    timed.advanceClock((Date.parse(String(json.expireTime)) - timed.now()) / 1000)
    expect(await registryRequest(timed, writer, 'GET', '/v2/acme/images/app/manifests/v1')).toBe(
      401,
    )
    expect((await pushImage(timed, writer, 'acme/images/app', 'v2')).statuses).toEqual([401, 401])
  })

  it("a service account's own token exists only for a live account, and lasts an hour", async () => {
    // The token a grantee's own environment hands it (serviceAccountToken) is decided as any
    // other: it must not be had for an account that does not exist (it would pass for one
    // created later under that email), nor outlive the hour Google's own tokens last.
    await using own = await startGcpFake({
      repositories: [{ project: 'acme', location: 'us-central1', repository: 'images' }],
      serviceAccounts: [READER],
    })
    own.seedPolicy(REPO, {
      version: 3,
      bindings: [{ role: 'roles/artifactregistry.reader', members: [`serviceAccount:${READER}`] }],
    })
    expect(() => own.serviceAccountToken(OUTSIDER)).toThrow(/no service account/)
    const { token, expiresAt } = own.serviceAccountToken(READER)
    expect(expiresAt.getTime() - own.now()).toBeLessThanOrEqual(3600_000)
    const reader = dockerLogin(token)
    const manifest = '/v2/acme/images/app/manifests/v1'
    // Let in: no such manifest.
    expect(await registryRequest(own, reader, 'GET', manifest)).toBe(404)
    own.advanceClock(3600)
    expect(await registryRequest(own, reader, 'GET', manifest)).toBe(401)
  })

  it('deleting a package or the GAR repository through the API deletes its images', async () => {
    await using local = await startGcpFake({
      repositories: [{ project: 'acme', location: 'us-central1', repository: 'images' }],
    })
    const caller = dockerLogin(await callerToken(local))
    await pushImage(local, caller, 'acme/images/team/app', 'v1')
    await pushImage(local, caller, 'acme/images/team/app/cache', 'v1')
    expect(local.getImagePaths(REPO).sort()).toEqual(['team/app', 'team/app/cache'])

    const deleted = await googleCall(local, 'DELETE', `${REPO}/packages/team%252Fapp`)
    expect(deleted.json).toMatchObject({ done: true })
    expect(
      await registryRequest(local, caller, 'GET', '/v2/acme/images/team/app/manifests/v1'),
    ).toBe(404)
    expect(
      await registryRequest(local, caller, 'GET', '/v2/acme/images/team/app/cache/manifests/v1'),
    ).toBe(200)

    expect((await googleCall(local, 'DELETE', REPO)).json).toMatchObject({ done: true })
    // Created again under the same name, it starts empty.
    local.seedRepository({ project: 'acme', location: 'us-central1', repository: 'images' })
    expect(
      await registryRequest(local, caller, 'GET', '/v2/acme/images/team/app/cache/manifests/v1'),
    ).toBe(404)
  })
})
