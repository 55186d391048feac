import { randomBytes } from 'node:crypto'
import { basicAuth } from '@artifact-registry/test-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalRegistry, type MintedCredential, startLocalRegistry } from '../../src/index.js'
import { pushImage } from '../support/push.js'
import { headManifest, requestToken } from '../support/tokens.js'

// A credential's grant names one repository, of type `repository`. The scope matrix uses names
// that share no prefix and none named like a registry scope, so a grant matched by prefix, or
// by name whatever its type, went unnoticed there.

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const admin = basicAuth(ADMIN.username, ADMIN.password)
const basic = (cred: MintedCredential): string => basicAuth(cred.username, cred.password)

const OWN = 'grants/app'
// Each starts with the credential's repository name: only a comparison of the whole name tells.
const LONGER_NAMES = ['grants/app2', 'grants/app/nested', 'grants/app-x']

describe('a credential grants its repository by its whole name, and as a repository only', () => {
  let registry: LocalRegistry
  beforeAll(async () => {
    registry = await startLocalRegistry({ adminCredentials: ADMIN })
    for (const repository of [OWN, ...LONGER_NAMES, 'catalog', 'gc', 'repositories'])
      await pushImage(registry.url, repository, 'v1', repository, { authorization: admin })
  })
  afterAll(() => registry.close())

  const bearer = async (cred: MintedCredential, scope: string): Promise<string> => {
    const answer = await requestToken(`${registry.url}/token`, basic(cred), scope)
    expect(answer.status).toBe(200)
    return `Bearer ${answer.token}`
  }

  it.each(LONGER_NAMES)('a credential for grants/app is refused on %s (403)', async (other) => {
    const cred = await registry.generateCredentials(OWN, 'push-pull', 300)
    expect(await headManifest(registry.url, OWN, 'v1', basic(cred))).toBe(200)
    expect(await headManifest(registry.url, other, 'v1', basic(cred))).toBe(403)
    const token = await bearer(cred, `repository:${other}:pull,push,delete`)
    expect(await headManifest(registry.url, other, 'v1', token)).toBe(403)
    const write = await fetch(`${registry.url}/v2/${other}/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: basic(cred) },
    })
    expect(write.status).toBe(403)
  })

  it('a credential for a repository named catalog does not list the catalog (403)', async () => {
    const cred = await registry.generateCredentials('catalog', 'push-pull', 300)
    const viaBasic = await fetch(`${registry.url}/v2/_catalog`, {
      headers: { authorization: basic(cred) },
    })
    expect(viaBasic.status).toBe(403)
    const token = await bearer(cred, 'registry:catalog:*')
    const viaBearer = await fetch(`${registry.url}/v2/_catalog`, {
      headers: { authorization: token },
    })
    expect(viaBearer.status).toBe(403)
  })

  it('a credential for a repository named gc does not start a collection (403)', async () => {
    const cred = await registry.generateCredentials('gc', 'push-pull', 300)
    const res = await fetch(`${registry.url}/_artifact-registry/gc`, {
      method: 'POST',
      headers: { authorization: basic(cred) },
    })
    expect(res.status).toBe(403)
  })

  it('a credential for a repository named repositories deletes no repository (403)', async () => {
    const cred = await registry.generateCredentials('repositories', 'push-pull', 300)
    const res = await fetch(`${registry.url}/_artifact-registry/repositories/${OWN}`, {
      method: 'DELETE',
      headers: { authorization: basic(cred) },
    })
    expect(res.status).toBe(403)
    expect(await headManifest(registry.url, OWN, 'v1', admin)).toBe(200)
  })
})
