import { createHash } from 'node:crypto'
import { request } from 'node:https'
import {
  type AzureFake,
  FAKE_AZURE,
  NULL_GUID_USERNAME,
  TEST_TLS_CERT,
} from '@artifact-registry/testing/fakes/azure'
import { expect } from 'vitest'
import { configOnlyManifest, IMAGE_MANIFEST } from './oci-image.js'

// Requests to the Azure fake as the SDKs and registry clients send them, over HTTPS that trusts
// only the fake's test certificate: the fake's tests need no Azure SDK.

/** An answer of the fake, its body parsed as JSON when it is JSON. */
export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: unknown
}

/** One HTTPS request to the fake, trusting its test certificate (and nothing else). */
export function call(
  fake: AzureFake,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; ca?: string | null } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, fake.url)
    const ca = options.ca === null ? undefined : (options.ca ?? TEST_TLS_CERT)
    const req = request(url, { method, headers: options.headers, ca }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: unknown = text
        try {
          body = JSON.parse(text)
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
      })
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** A string field of a JSON answer (tokens), failing the test when it is missing. */
export function text(answer: Answer, field: string): string {
  const value = (answer.body as Record<string, unknown>)[field]
  expect(value).toBeTypeOf('string')
  return value as string
}

/** The options of {@link call} that post `fields` as a form. */
export const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
})

/** The client-credentials grant at the fake's Entra token endpoint, with the fake's own secret unless told. */
export function requestAadToken(
  fake: AzureFake,
  scope: string,
  clientSecret = FAKE_AZURE.clientSecret,
): Promise<Answer> {
  return call(
    fake,
    'POST',
    `/${FAKE_AZURE.tenantId}/oauth2/v2.0/token`,
    form({
      grant_type: 'client_credentials',
      client_id: FAKE_AZURE.clientId,
      client_secret: clientSecret,
      scope,
    }),
  )
}

/** An Entra ID access token of the fake's identity for `scope`. */
export async function aadToken(
  fake: AzureFake,
  scope = 'https://management.azure.com/.default',
): Promise<string> {
  return text(await requestAadToken(fake, scope), 'access_token')
}

/** Headers of an ARM request with a JSON body, as the fake's identity (an Entra ID ARM token). */
export async function armJsonHeaders(fake: AzureFake): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await aadToken(fake)}`, 'content-type': 'application/json' }
}

/** `/oauth2/exchange` of an Entra ID token for `scope`: the answer. */
export async function exchange(
  fake: AzureFake,
  scope = 'https://containerregistry.azure.net/.default',
): Promise<Answer> {
  const access_token = await aadToken(fake, scope)
  return call(
    fake,
    'POST',
    '/oauth2/exchange',
    form({ grant_type: 'access_token', service: fake.loginServer, access_token }),
  )
}

/** An ACR refresh token of the fake's identity. */
export async function refreshToken(fake: AzureFake): Promise<string> {
  return text(await exchange(fake), 'refresh_token')
}

/** `/oauth2/token` by the refresh-token grant for `scope` (a fresh refresh token unless given): the answer. */
export async function requestAccessToken(
  fake: AzureFake,
  scope: string,
  refresh?: string,
): Promise<Answer> {
  return call(
    fake,
    'POST',
    '/oauth2/token',
    form({
      grant_type: 'refresh_token',
      service: fake.loginServer,
      scope,
      refresh_token: refresh ?? (await refreshToken(fake)),
    }),
  )
}

/** An ACR access token for `scope`, by the refresh-token grant. */
export async function accessToken(fake: AzureFake, scope: string): Promise<string> {
  return text(await requestAccessToken(fake, scope), 'access_token')
}

/** `Authorization: Basic` of a username and password. */
export function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` }
}

/** `GET /oauth2/token` as docker and skopeo send it: Basic auth, `service` and `scope`s. */
export function tokenByBasic(
  fake: AzureFake,
  password: string,
  scopes: readonly string[],
  username = NULL_GUID_USERNAME,
): Promise<Answer> {
  const query = new URLSearchParams({ account: username, service: fake.loginServer })
  for (const scope of scopes) query.append('scope', scope)
  return call(fake, 'GET', `/oauth2/token?${query}`, { headers: basic(username, password) })
}

/** `sha256:…` of some content. */
export function digestOf(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`
}

/** Push `content` as a blob (a monolithic upload) with a Bearer token: the answer. */
export function pushBlob(
  fake: AzureFake,
  token: string,
  repository: string,
  content: Buffer,
): Promise<Answer> {
  const digest = encodeURIComponent(digestOf(content))
  return call(fake, 'POST', `/v2/${repository}/blobs/uploads/?digest=${digest}`, {
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/octet-stream',
      'content-length': String(content.length),
    },
    body: content,
  })
}

/** Push an image (a config blob and its manifest) as `repository:tag`; the manifest's digest. */
export async function pushImage(
  fake: AzureFake,
  token: string,
  repository: string,
  tag: string,
): Promise<string> {
  const config = Buffer.from(JSON.stringify({ repository, tag }))
  expect((await pushBlob(fake, token, repository, config)).status).toBe(201)
  const manifest = configOnlyManifest(config)
  const put = await call(fake, 'PUT', `/v2/${repository}/manifests/${tag}`, {
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': IMAGE_MANIFEST,
    },
    body: manifest,
  })
  expect(put.status).toBe(201)
  return digestOf(manifest)
}

/** `GET /v2/{repository}/manifests/{reference}` with a Bearer token. */
export function getManifest(
  fake: AzureFake,
  token: string,
  repository: string,
  reference: string,
): Promise<Answer> {
  return call(fake, 'GET', `/v2/${repository}/manifests/${reference}`, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: IMAGE_MANIFEST,
    },
  })
}
