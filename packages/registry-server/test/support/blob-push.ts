import { type DigestAlgorithm, digestOf, randomBlob } from '@artifact-registry/test-kit'
import { expect } from 'vitest'
import { expectBlobCreated, expectHeader, expectOciError, expectStatus } from './expectations.js'
import type { OciClient, OciResponse } from './oci-client.js'
import { locationPath } from './responses.js'

/**
 * The blob push methods of the `main` suite (`conformance/api.go`), one function each. Every
 * step is asserted; the function returns the bytes it pushed so the test can HEAD/GET them.
 */
export interface PushContext {
  client: OciClient
  repo: string
  /** A second repository, the `from` of mounts. */
  source: string
  algorithm: DigestAlgorithm
  /**
   * Send 5 extra bytes the digest does not cover ("oh no" in the Go suite): the closing request
   * must then fail with 400 DIGEST_INVALID and nothing may be stored.
   */
  corrupt?: boolean
}

export type PushMethod = (ctx: PushContext) => Promise<Uint8Array>

/** The Go suite's minimum chunk; raised to the registry's `OCI-Chunk-Min-Length` if larger. */
const CHUNK_MIN = 1024
const SMALL = 512

export const postOnly: PushMethod = async (ctx) => {
  const { bytes, digest } = blobFor(ctx, SMALL)
  const post = await ctx.client.postBlob(ctx.repo, bytes, digest)
  // end-4b is optional: a 202 means "continue with PUT", which must then finish the push.
  if (post.status === 202) {
    const put = await ctx.client.putUpload(locationOf(post), digest, { body: bytes })
    return finish(ctx, put, bytes, digest)
  }
  return finish(ctx, post, bytes, digest)
}

export const postPut: PushMethod = async (ctx) => {
  const { bytes, digest } = blobFor(ctx, SMALL)
  const post = await ctx.client.startUpload(ctx.repo)
  expectStatus(post, 202)
  const put = await ctx.client.putUpload(locationOf(post), digest, { body: bytes })
  return finish(ctx, put, bytes, digest)
}

export const stream: PushMethod = async (ctx) => {
  const { bytes, digest } = blobFor(ctx, SMALL)
  const post = await ctx.client.startUpload(ctx.repo)
  expectStatus(post, 202)
  const patch = await ctx.client.patchStream(locationOf(post), bytes)
  expectStatus(patch, 202)
  expectHeader(patch, 'Range', `0-${bytes.length - 1}`)
  return finish(ctx, await ctx.client.putUpload(locationOf(patch), digest), bytes, digest)
}

export interface ChunkedOptions {
  /** Three chunks instead of one. */
  multi: boolean
  /** Send the last chunk with the closing PUT. */
  putLast?: boolean
  /** Before each chunk, send a wrong one (→ 416) and recover with GET status (→ 204). */
  outOfOrder?: boolean
}

export function chunked(options: ChunkedOptions): PushMethod {
  return async (ctx) => {
    const post = await ctx.client.startUpload(ctx.repo)
    expectStatus(post, 202)
    const min = Math.max(CHUNK_MIN, Number(post.headers.get('OCI-Chunk-Min-Length') ?? 0))
    const { bytes, digest } = blobFor(ctx, options.multi ? min * 3 - 5 : SMALL)
    const size = Math.min(Math.max(Math.floor(bytes.length / 3) + 1, min), bytes.length)
    let location = locationOf(post)
    let last = -1
    while (last < bytes.length - 1) {
      if (options.outOfOrder)
        location = await sendOutOfOrder(ctx, options, location, last, size, bytes, digest)
      const start = last + 1
      last = Math.min(start + size - 1, bytes.length - 1)
      const chunk = bytes.subarray(start, last + 1)
      if (options.putLast && last === bytes.length - 1) {
        const put = await ctx.client.putUpload(location, digest, { chunk, start })
        return finish(ctx, put, bytes, digest)
      }
      const patch = await ctx.client.patchChunk(location, chunk, start)
      expectStatus(patch, 202)
      expectHeader(patch, 'Range', `0-${last}`)
      location = locationOf(patch)
    }
    return finish(ctx, await ctx.client.putUpload(location, digest), bytes, digest)
  }
}

/** Mount with `from` a repository holding the blob: 201 with Location /v2/<name>/blobs/<d>. */
export const mount: PushMethod = async (ctx) => {
  const { bytes, digest } = blobFor(ctx, SMALL)
  await ctx.client.pushBlob(ctx.source, bytes, digest)
  const response = await ctx.client.mountBlob(ctx.repo, digest, ctx.source)
  expectStatus(response, 201)
  expect(locationPath(response, ctx.client.baseUrl), response.what).toBe(
    `/v2/${ctx.repo}/blobs/${digest}`,
  )
  await expectBlobCreated(ctx.client, response, bytes, digest)
  return bytes
}

/**
 * Mount without `from` is deliberately not honoured (a credential for one repository must not
 * read another's blobs by digest): 202 + a normal upload, and the blob stays invisible until
 * the client uploads it itself.
 */
export const mountAnonymous: PushMethod = async (ctx) => {
  const { bytes, digest } = blobFor(ctx, SMALL)
  await ctx.client.pushBlob(ctx.source, bytes, digest)
  const response = await ctx.client.mountBlob(ctx.repo, digest)
  expectStatus(response, 202)
  expectStatus(await ctx.client.headBlob(ctx.repo, digest), 404)
  const put = await ctx.client.putUpload(locationOf(response), digest, { body: bytes })
  return finish(ctx, put, bytes, digest)
}

/** Mount from a repository that lacks the blob: 202 + an upload the client completes. */
export const mountMissing: PushMethod = async (ctx) => {
  const { bytes, digest } = blobFor(ctx, SMALL)
  const response = await ctx.client.mountBlob(ctx.repo, digest, ctx.source)
  expectStatus(response, 202)
  const put = await ctx.client.putUpload(locationOf(response), digest, { body: bytes })
  return finish(ctx, put, bytes, digest)
}

/** POST then cancel (end-14): 204, and the session is gone. Nothing is stored. */
export const postCancel: PushMethod = async (ctx) => {
  const post = await ctx.client.startUpload(ctx.repo)
  expectStatus(post, 202)
  expectStatus(await ctx.client.cancelUpload(locationOf(post)), 204)
  expectOciError(await ctx.client.uploadStatus(locationOf(post)), 404, 'BLOB_UPLOAD_UNKNOWN')
  return new Uint8Array()
}

// ---- internals ---------------------------------------------------------------------------

function blobFor(ctx: PushContext, size: number): { bytes: Uint8Array; digest: string } {
  const extra = ctx.corrupt ? 5 : 0
  const bytes = randomBlob(size + extra)
  return { bytes, digest: digestOf(bytes.subarray(0, size), ctx.algorithm) }
}

async function finish(
  ctx: PushContext,
  response: OciResponse,
  bytes: Uint8Array,
  digest: string,
): Promise<Uint8Array> {
  if (!ctx.corrupt) {
    await expectBlobCreated(ctx.client, response, bytes, digest)
    return bytes
  }
  expectOciError(response, 400, 'DIGEST_INVALID')
  // A refused upload must leave nothing visible under the claimed digest.
  expectStatus(await ctx.client.headBlob(ctx.repo, digest), 404)
  return bytes
}

/** One wrong chunk (→ 416), then GET status (→ 204, Range unchanged); returns the Location. */
async function sendOutOfOrder(
  ctx: PushContext,
  options: ChunkedOptions,
  location: string,
  last: number,
  size: number,
  bytes: Uint8Array,
  digest: string,
): Promise<string> {
  let start = last + 1 + size
  if (start >= bytes.length) start = 0
  const end = Math.min(start + size - 1, bytes.length - 1)
  const chunk = bytes.subarray(start, end + 1)
  const bad =
    options.putLast && end === bytes.length - 1
      ? await ctx.client.putUpload(location, digest, { chunk, start })
      : await ctx.client.patchChunk(location, chunk, start)
  expectStatus(bad, 416)
  const status = await ctx.client.uploadStatus(location)
  expectStatus(status, 204)
  // Before any byte arrived the Range is the ambiguous "0-0" (docs/oci-distribution.md#uploads),
  // so only check it after.
  if (last >= 0) expectHeader(status, 'Range', `0-${last}`)
  return locationOf(status)
}

function locationOf(response: OciResponse): string {
  const location = response.headers.get('Location')
  expect(location, `Location of ${response.what}`).toBeTruthy()
  return location ?? ''
}
