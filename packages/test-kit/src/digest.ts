import { createHash, randomBytes } from 'node:crypto'

/** The digest algorithms the registry supports (docs/oci-distribution.md#names-tags-and-digests). */
export type DigestAlgorithm = 'sha256' | 'sha512'

export const ALGORITHMS: readonly DigestAlgorithm[] = ['sha256', 'sha512']

/** `application/vnd.oci.empty.v1+json` content and its well-known sha256 digest. */
export const EMPTY_JSON: Uint8Array = new TextEncoder().encode('{}')
export const EMPTY_JSON_DIGEST =
  'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'

/** `algorithm:hex` of the bytes, as the registry must compute it. */
export function digestOf(data: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`
}

/** `sha256:hex` of the bytes: the digest of every blob and manifest clients push by default. */
export function sha256(data: Uint8Array | string): string {
  return digestOf(data, 'sha256')
}

/** Random bytes, so blobs never collide between tests or runs. */
export function randomBlob(size: number): Uint8Array {
  return new Uint8Array(randomBytes(size))
}

/** A short lowercase hex token, valid in repository names and tags. */
export function randomToken(): string {
  return randomBytes(6).toString('hex')
}

/** A digest that is well-formed but names nothing stored. */
export function unknownDigest(algorithm: DigestAlgorithm = 'sha256'): string {
  return digestOf(randomBlob(32), algorithm)
}
