import { type DigestAlgorithm, digestOf } from '@artifact-registry/test-kit'
import { expect } from 'vitest'
import type { Content } from './content.js'
import type { OciClient, OciResponse } from './oci-client.js'
import { errorCodes, SPEC_ERROR_CODES } from './responses.js'

/**
 * Shared assertions for the checks every category repeats. Each takes the response's `what` as
 * the message, so a failure shows the request and what the registry answered.
 */

export function expectStatus(response: OciResponse, ...statuses: number[]): void {
  expect(statuses, response.what).toContain(response.status)
}

/** A JSON error body whose first code is `code` (a spec code unless `code` says otherwise). */
export function expectOciError(response: OciResponse, status: number, code?: string): void {
  expectStatus(response, status)
  const codes = errorCodes(response)
  expect(codes.length, `JSON error body: ${response.what}`).toBeGreaterThan(0)
  if (code) expect(codes[0], response.what).toBe(code)
  else expect(SPEC_ERROR_CODES, response.what).toContain(codes[0])
}

export function expectHeader(response: OciResponse, name: string, value: string): void {
  expect(response.headers.get(name), `${name} of ${response.what}`).toBe(value)
}

/** end-2: blob GET/HEAD → 200, Content-Length, Docker-Content-Digest, and the exact bytes. */
export function expectBlob(
  response: OciResponse,
  bytes: Uint8Array,
  digest: string,
  method: 'GET' | 'HEAD',
): void {
  expectStatus(response, 200)
  expectHeader(response, 'Content-Length', String(bytes.length))
  expectHeader(response, 'Docker-Content-Digest', digest)
  if (method === 'HEAD') expect(response.body.length, response.what).toBe(0)
  else expect(digestOf(response.body, algorithmOf(digest)), response.what).toBe(digest)
}

/** end-3: manifest GET/HEAD → 200 with the pushed type (no parameters), length and digest. */
export function expectManifest(
  response: OciResponse,
  manifest: Content,
  method: 'GET' | 'HEAD',
): void {
  const { digest, mediaType, size } = manifest.descriptor
  expectStatus(response, 200)
  expectHeader(response, 'Content-Type', mediaType)
  expectHeader(response, 'Content-Length', String(size))
  expectHeader(response, 'Docker-Content-Digest', digest)
  if (method === 'HEAD') expect(response.body.length, response.what).toBe(0)
  else expect(digestOf(response.body, algorithmOf(digest)), response.what).toBe(digest)
}

/**
 * end-6 / end-4b / end-11 success: 201, Docker-Content-Digest, and a Location that is a
 * pullable blob URL (the spec lets it be any URL, so the test pulls it rather than parse it).
 */
export async function expectBlobCreated(
  client: OciClient,
  response: OciResponse,
  bytes: Uint8Array,
  digest: string,
): Promise<void> {
  expectStatus(response, 201)
  expectHeader(response, 'Docker-Content-Digest', digest)
  const location = response.headers.get('Location')
  expect(location, `Location of ${response.what}`).toBeTruthy()
  const pulled = await client.request('GET', location ?? '')
  expectStatus(pulled, 200)
  expect(digestOf(pulled.body, algorithmOf(digest)), pulled.what).toBe(digest)
  expect(pulled.body.length).toBe(bytes.length)
}

/** end-10 then end-2: DELETE → 202 and the blob is gone at once. */
export async function expectBlobDeleted(
  client: OciClient,
  repo: string,
  digest: string,
): Promise<void> {
  expectStatus(await client.deleteBlob(repo, digest), 202)
  expectStatus(await client.headBlob(repo, digest), 404)
}

function algorithmOf(digest: string): DigestAlgorithm {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256'
}
