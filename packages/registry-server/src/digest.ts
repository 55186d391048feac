import { createHash, type Hash } from 'node:crypto'

/** Digest algorithms the registry accepts. */
export type DigestAlgorithm = 'sha256' | 'sha512'

const ENCODED_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 }

/** A parsed, validated digest. */
export interface Digest {
  readonly algorithm: DigestAlgorithm
  readonly hex: string
  /** `algorithm:hex` */
  readonly value: string
}

/** Whether `algorithm` is one the registry can compute. */
export function isDigestAlgorithm(algorithm: string): algorithm is DigestAlgorithm {
  return algorithm === 'sha256' || algorithm === 'sha512'
}

/** Parse `sha256:<64 hex>` or `sha512:<128 hex>`; `undefined` for anything else. */
export function parseDigest(value: string): Digest | undefined {
  const colon = value.indexOf(':')
  if (colon < 0) return undefined
  const algorithm = value.slice(0, colon)
  const hex = value.slice(colon + 1)
  if (!isDigestAlgorithm(algorithm)) return undefined
  if (hex.length !== ENCODED_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(hex)) return undefined
  return { algorithm, hex, value }
}

/** A hash that can be fed incrementally and yields a digest string. */
export interface Hasher {
  readonly algorithm: DigestAlgorithm
  update(chunk: Uint8Array): void
  digest(): string
}

/** Start an incremental hash. */
export function createHasher(algorithm: DigestAlgorithm): Hasher {
  const hash: Hash = createHash(algorithm)
  return {
    algorithm,
    update: (chunk) => {
      hash.update(chunk)
    },
    digest: () => `${algorithm}:${hash.digest('hex')}`,
  }
}

/** Digest of a buffer. */
export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`
}
