import type { GcpFake } from '@artifact-registry/testing/fakes/gcp'
import { configOnlyManifest, IMAGE_MANIFEST, sha256 } from './oci-image.js'

// Requests to the GCP fake as Google's REST clients and a registry client send them, so its
// tests need no Google SDK: the caller's token comes from the fake's token endpoint.

/** A REST answer of the fake. */
export interface GoogleAnswer {
  status: number
  json: Record<string, unknown>
}

const CALLER_TOKENS = new WeakMap<GcpFake, string>()

/** An access token of the fake's caller (one per fake, fetched once). */
export async function callerToken(fake: GcpFake): Promise<string> {
  const known = CALLER_TOKENS.get(fake)
  if (known !== undefined) return known
  const { token } = await fake.providerOptions().authClient.getAccessToken()
  if (typeof token !== 'string') throw new Error('the fake issued no caller token')
  CALLER_TOKENS.set(fake, token)
  return token
}

/** Call `/v1/{path}` of the fake with `token`, the caller's by default. */
export async function googleCall(
  fake: GcpFake,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<GoogleAnswer> {
  const res = await fetch(`${fake.url}/v1/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token ?? (await callerToken(fake))}`,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

/** The path of `generateAccessToken` for a service account, `@` encoded as the SDKs do. */
export function generateAccessTokenPath(email: string): string {
  return `projects/-/serviceAccounts/${encodeURIComponent(email)}:generateAccessToken`
}

/** Impersonate `email` as the caller (or as `token`'s holder); the access token. */
export async function impersonate(
  fake: GcpFake,
  email: string,
  lifetime = '3600s',
  token?: string,
): Promise<string> {
  const { status, json } = await googleCall(
    fake,
    'POST',
    generateAccessTokenPath(email),
    { scope: ['https://www.googleapis.com/auth/cloud-platform'], lifetime },
    token,
  )
  if (status !== 200) throw new Error(`generateAccessToken: ${status} ${JSON.stringify(json)}`)
  return String(json.accessToken)
}

/** Basic `oauth2accesstoken:<token>`, as `docker login` sends an access token to GAR. */
export function dockerLogin(token: string): string {
  return `Basic ${Buffer.from(`oauth2accesstoken:${token}`).toString('base64')}`
}

/** One request to the fake's data plane; its status. */
export async function registryRequest(
  fake: GcpFake,
  authorization: string | undefined,
  method: string,
  path: string,
  body?: { bytes: Buffer; type: string },
): Promise<number> {
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization }
  if (body) headers['content-type'] = body.type
  const res = await fetch(`http://${fake.dataPlane.registry}${path}`, {
    method,
    headers,
    ...(body ? { body: body.bytes } : {}),
  })
  await res.body?.cancel()
  return res.status
}

/**
 * Push a one-config image to `repository:tag` (a monolithic blob upload, then the manifest): the
 * status of each, and the manifest's digest.
 */
export async function pushImage(
  fake: GcpFake,
  authorization: string,
  repository: string,
  tag: string,
): Promise<{ statuses: number[]; digest: string }> {
  const config = Buffer.from(`{"tag":"${tag}"}`)
  const blob = await registryRequest(
    fake,
    authorization,
    'POST',
    `/v2/${repository}/blobs/uploads/?digest=${sha256(config)}`,
    { bytes: config, type: 'application/octet-stream' },
  )
  const manifest = configOnlyManifest(config)
  const put = await registryRequest(
    fake,
    authorization,
    'PUT',
    `/v2/${repository}/manifests/${tag}`,
    {
      bytes: manifest,
      type: IMAGE_MANIFEST,
    },
  )
  return { statuses: [blob, put], digest: sha256(manifest) }
}
