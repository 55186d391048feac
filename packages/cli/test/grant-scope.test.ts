import { startGcpFake } from '@artifact-registry/testing/fakes/gcp'
import { afterAll, describe, expect, it } from 'vitest'
import { EXIT } from '../src/index.js'
import { credentialScopeNotice } from '../src/scope-notice.js'
import { cli, parseJson, temporaryDirectory, writeBindingFile } from './support/command.js'
import { startGceMetadataServer } from './support/gce-metadata.js'

// GAR keeps IAM on the GAR repository, so a grant made through one image path reaches them all
// (capabilities.repositoryScopedGrants is false): the command must not let it pass as one
// repository's. The binding reaches the fake's APIs; the metadata server signs the command in.
const fake = await startGcpFake()
const work = await temporaryDirectory('cli-grant-scope-')
const { authClient } = fake.providerOptions()
const metadata = await startGceMetadataServer(
  async () => (await authClient.getAccessToken()).token ?? '',
)
afterAll(async () => {
  await metadata[Symbol.asyncDispose]()
  await fake.close()
  await work[Symbol.asyncDispose]()
})
const ref = { project: 'acme-prod', location: 'us-central1', repository: 'images' }
fake.seedRepository(ref)
const PULLER = 'puller@customer-a.iam.gserviceaccount.com'
fake.seedServiceAccount(PULLER)
const bindingFile = await writeBindingFile(work.dir, {
  platform: 'gcp',
  projectId: ref.project,
  location: ref.location,
  repository: ref.repository,
  apiEndpoint: fake.url,
})
const env = { ...metadata.env, HOME: work.dir, GOOGLE_APPLICATION_CREDENTIALS: undefined }
const gcp = (args: string[]) => cli([...args, '--binding-file', bindingFile], { env })

describe('a grant that reaches every repository of the binding (GAR)', () => {
  it('access add and remove say on stderr that the change is not the named repository alone', async () => {
    const created = parseJson<{ name: string }>(
      await gcp(['repo', 'create', 'customer-a', '--json']),
    )
    const grant = ['--type', 'gcp', '--service-account', PULLER]
    const added = await gcp(['access', 'add', created.name, ...grant, '--json'])
    expect(added.status, added.stderr).toBe(EXIT.ok)
    // stdout keeps its documented shape; the reach is said beside it.
    expect(parseJson(added)).toMatchObject({ name: created.name, added: { type: 'gcp' } })
    expect(added.stderr).toMatch(
      /^note: gcp .*every repository of the binding, not .*customer-a alone/m,
    )

    // Through another repository of the binding, the grant shows: it was never customer-a's alone.
    const other = parseJson<{ name: string }>(await gcp(['repo', 'create', 'customer-b', '--json']))
    const seen = parseJson<{ access: { serviceAccountEmails: string[] } }>(
      await gcp(['access', 'get', other.name, '--json']),
    )
    expect(seen.access.serviceAccountEmails).toContain(PULLER)

    const removed = await gcp(['access', 'remove', other.name, ...grant])
    expect(removed.status, removed.stderr).toBe(EXIT.ok)
    expect(removed.stderr).toMatch(/^note: gcp .*takes the grant away from every repository/m)
    // What the GAR repository lost, read back: the account was granted, so it is revoked.
    expect(removed.stdout).toMatch(
      new RegExp(`^revoked on .*\\n(.*\\n)*service accounts: ${PULLER}$`, 'm'),
    )
    const again = await gcp(['access', 'remove', other.name, ...grant, '--json'])
    expect(again.status, again.stderr).toBe(EXIT.ok)
    expect(parseJson(again)).toMatchObject({ revoked: { type: 'gcp', serviceAccountEmails: [] } })
    expect(again.stderr).toMatch(/^note: nothing was revoked on /m)
  })
})

describe('credentialScopeNotice', () => {
  it('speaks only when credentials may reach more than the repository they were minted for', () => {
    expect(credentialScopeNotice('aws', { repositoryScopedCredentials: true }, 'a')).toBeUndefined()
    expect(credentialScopeNotice('gcp', { repositoryScopedCredentials: false }, 'a')).toMatch(
      /^note: gcp credentials .*not a alone$/,
    )
  })
})
