import { createPrivateKey, randomBytes } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  basicAuth,
  closeAll,
  type DockerRegistry,
  requireTool,
  startDockerRegistry,
} from '@artifact-registry/test-kit'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type LocalRegistry,
  type MintedCredential,
  startLocalRegistry,
  startTokenService,
  type TokenService,
} from '../../src/index.js'
import { pushImage } from '../support/push.js'
import { claimsOf, headManifest, requestToken, sleepUntil, tokenFor } from '../support/tokens.js'

const ADMIN = { username: 'admin', password: randomBytes(16).toString('hex') }
const admin = basicAuth(ADMIN.username, ADMIN.password)
const basic = (cred: MintedCredential): string => basicAuth(cred.username, cred.password)
const REPO = 'tokens/app'
// Short, so that a token issued before a revocation is seen to end without a long wait.
const TOKEN_TTL_SECONDS = 4
const missing = requireTool('docker-registry')

/** A registry with its token realm and the way to mint credentials for it. */
interface Target {
  name: string
  url: string
  realm: string
  mint(repository: string, permission: 'pull' | 'push-pull', ttl: number): Promise<MintedCredential>
}

/**
 * Tokens of the standalone token service in front of Debian's docker-registry (distribution
 * 2.8.2), and of our registry signing with the same key: registry:2 allows 60 s of clock skew on
 * `exp`, and both must still refuse a token when its credential expires.
 */
describe.skipIf(missing)(`tokens behind registry:2 ${missing ?? ''}`.trim(), () => {
  let work: string
  let tokens: TokenService
  let registry2: DockerRegistry
  let ours: LocalRegistry
  let signingKeyDir: string
  const targets: Target[] = []
  let adminStamp: unknown

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'registry2-tokens-'))
    const tokenData = join(work, 'token-service')
    tokens = await startTokenService({
      dataDir: tokenData,
      admin: ADMIN,
      tokenTtlSeconds: TOKEN_TTL_SECONDS,
    })
    registry2 = await startDockerRegistry({ auth: { token: tokens } })
    // Our registry signs with the token service's key, so one token can be shown to both.
    signingKeyDir = join(tokenData, 'auth')
    const ourData = join(work, 'ours')
    await mkdir(join(ourData, 'auth'), { recursive: true })
    for (const file of ['ca.pem', 'signer.pem', 'signer-key.pem'])
      await copyFile(join(signingKeyDir, file), join(ourData, 'auth', file))
    ours = await startLocalRegistry({ dataDir: ourData, adminCredentials: ADMIN })

    targets.push(
      {
        name: 'registry:2 + token service',
        url: registry2.url,
        realm: tokens.realm,
        mint: (r, p, t) => tokens.generateCredentials(r, p, t),
      },
      {
        name: 'our registry',
        url: ours.url,
        realm: `${ours.url}/token`,
        mint: (r, p, t) => ours.generateCredentials(r, p, t),
      },
    )
    for (const target of targets) {
      const push = await tokenFor(target.realm, admin, `repository:${REPO}:pull,push`)
      await pushImage(target.url, REPO, 'v1', 'tokens', { authorization: `Bearer ${push}` })
    }
    // Our registry refuses an admin token without the admin's stamp; take it from a real one.
    adminStamp = claimsOf(
      await tokenFor(`${ours.url}/token`, admin, `repository:${REPO}:pull`),
    ).holder_stamp
  }, 60_000)

  afterAll(async () => {
    await closeAll(ours, registry2, tokens)
    await rm(work, { recursive: true, force: true })
  })

  /** A token signed with the shared key, with the claims a test chooses. */
  async function signToken(claims: Record<string, unknown>): Promise<string> {
    const der = async (file: string): Promise<string> =>
      (await readFile(join(signingKeyDir, file), 'utf8')).replace(
        /-----(BEGIN|END) CERTIFICATE-----|\s/g,
        '',
      )
    const key = createPrivateKey(await readFile(join(signingKeyDir, 'signer-key.pem'), 'utf8'))
    return new SignJWT(claims)
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'JWT',
        x5c: [await der('signer.pem'), await der('ca.pem')],
      })
      .sign(key)
  }
  const now = (): number => Math.floor(Date.now() / 1000)
  const standardClaims = (): Record<string, unknown> => ({
    iss: tokens.issuer,
    aud: tokens.service,
    sub: ADMIN.username,
    holder_stamp: adminStamp,
    iat: now() - 90,
    nbf: now() - 90,
    exp: now() + 60,
    jti: randomBytes(8).toString('hex'),
    access: [{ type: 'repository', name: REPO, actions: ['pull'] }],
  })
  const statusOnBoth = (token: string): Promise<number[]> =>
    Promise.all(targets.map((t) => headManifest(t.url, REPO, 'v1', `Bearer ${token}`)))

  it('a 5 s credential pulls at once and is refused 1 s after it expires, token and all', async () => {
    await Promise.all(
      targets.map(async (target) => {
        // 5 s, not less: minting syncs to disk, and a token is good only to its whole second.
        const cred = await target.mint(REPO, 'pull', 5)
        const answer = await requestToken(target.realm, basic(cred), `repository:${REPO}:pull`)
        expect(answer.status, target.name).toBe(200)
        expect(Date.now(), target.name).toBeLessThan(cred.expiresAt.getTime() - 3000)
        expect(await headManifest(target.url, REPO, 'v1', `Bearer ${answer.token}`)).toBe(200)

        await sleepUntil(cred.expiresAt.getTime() + 1000)
        expect(
          await headManifest(target.url, REPO, 'v1', `Bearer ${answer.token}`),
          target.name,
        ).toBe(401)
        const again = await requestToken(target.realm, basic(cred), `repository:${REPO}:pull`)
        expect(again.status, target.name).toBe(401)
      }),
    )
  }, 20_000)

  it('expires_in is the true remaining lifetime; exp is 60 s earlier, for the leeway', async () => {
    const cred = await tokens.generateCredentials(REPO, 'pull', 100)
    const asked = Date.now()
    const answer = await requestToken(tokens.realm, basic(cred), `repository:${REPO}:pull`)
    const end = Math.floor(
      Math.min(asked + TOKEN_TTL_SECONDS * 1000, cred.expiresAt.getTime()) / 1000,
    )
    expect(answer.expiresIn).toBeGreaterThanOrEqual(TOKEN_TTL_SECONDS - 1)
    expect(answer.expiresIn).toBeLessThanOrEqual(TOKEN_TTL_SECONDS)
    const claims = claimsOf(answer.token)
    expect(claims.exp).toBeGreaterThanOrEqual(end - 60)
    expect(claims.exp).toBeLessThanOrEqual(end - 60 + 1)
    expect(Number(claims.exp) - Number(claims.iat)).toBeGreaterThanOrEqual(TOKEN_TTL_SECONDS - 1)
    expect(claims.nbf).toBe(claims.iat)
  })

  it('both registries take a token within 60 s of its exp and refuse it after', async () => {
    expect(await statusOnBoth(await signToken(standardClaims()))).toEqual([200, 200])
    expect(await statusOnBoth(await signToken({ ...standardClaims(), exp: now() - 30 }))).toEqual([
      200, 200,
    ])
    expect(await statusOnBoth(await signToken({ ...standardClaims(), exp: now() - 62 }))).toEqual([
      401, 401,
    ])
  })

  it('both refuse a signed token without exp, and one whose actions are the string "*"', async () => {
    const { exp: _, ...withoutExp } = standardClaims()
    expect(await statusOnBoth(await signToken(withoutExp))).toEqual([401, 401])
    const cred = await ours.generateCredentials(REPO, 'pull', 300)
    const starString = await signToken({
      ...standardClaims(),
      sub: cred.username,
      access: [{ type: 'repository', name: REPO, actions: '*' }],
    })
    const upload = async (target: Target): Promise<number> =>
      (
        await fetch(`${target.url}/v2/${REPO}/blobs/uploads/`, {
          method: 'POST',
          headers: { authorization: `Bearer ${starString}` },
        })
      ).status
    expect(await Promise.all(targets.map(upload))).toEqual([401, 401])
    expect(await statusOnBoth(starString)).toEqual([401, 401])
  })

  it('a credential revoked by username gets no more tokens from the service; others still do', async () => {
    const revoked = await tokens.generateCredentials(REPO, 'pull', 300)
    const kept = await tokens.generateCredentials(REPO, 'pull', 300)
    expect(
      (await requestToken(tokens.realm, basic(revoked), `repository:${REPO}:pull`)).status,
    ).toBe(200)

    expect(await tokens.revokeCredentials({ username: revoked.username })).toBe(1)

    expect(
      (await requestToken(tokens.realm, basic(revoked), `repository:${REPO}:pull`)).status,
    ).toBe(401)
    const token = await tokenFor(tokens.realm, basic(kept), `repository:${REPO}:pull`)
    expect(await headManifest(registry2.url, REPO, 'v1', `Bearer ${token}`)).toBe(200)
  })

  it('revoked by repository at the admin endpoint, no credential of it gets a token, and one issued before ends with its TTL', async () => {
    const pull = await tokens.generateCredentials(REPO, 'pull', 300)
    const push = await tokens.generateCredentials(REPO, 'push-pull', 300)
    const issuedBefore = await requestToken(tokens.realm, basic(pull), `repository:${REPO}:pull`)

    const res = await fetch(`${tokens.url}/_artifact-registry/credentials/revoke`, {
      method: 'POST',
      headers: { authorization: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ repository: REPO }),
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { revoked: number }).revoked).toBeGreaterThanOrEqual(2)

    for (const cred of [pull, push])
      expect(
        (await requestToken(tokens.realm, basic(cred), `repository:${REPO}:pull`)).status,
      ).toBe(401)
    // registry:2 cannot ask the service: a token already issued lasts until it expires.
    await sleepUntil(Date.now() + (issuedBefore.expiresIn + 1) * 1000)
    expect(await headManifest(registry2.url, REPO, 'v1', `Bearer ${issuedBefore.token}`)).toBe(401)
  }, 20_000)
})
