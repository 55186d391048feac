import { nested } from './inputs/manifests.js'
import { head, type RawRequest, sendRaw } from './raw-http.js'

const MiB = 1024 * 1024
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

/** The manifests a flood sends. */
export type ManifestFloodKind = 'nested' | 'wide'

/** Settings of a manifest flood. */
export interface ManifestFloodSettings {
  port: number
  kind: ManifestFloodKind
  /** Push credentials, each of its own repository; clients take them in turn. */
  credentials: readonly { authorization: string; repository: string }[]
  clients: number
  /** No client starts a request after this long. */
  durationMs: number
  /** Nor more than this many requests. */
  maxRounds: number
}

/** What a load sent and how the registry answered, by status (or `closed`/`timeout`). */
export interface LoadResult {
  requests: number
  outcomes: Record<string, number>
}

/**
 * `clients` concurrent clients putting big manifests, one after the other, for `durationMs`.
 * `nested`: 8 MiB of `[…]`, in turn announced by Content-Length, sent chunked (no length
 * announced), and 4 MiB (just under the manifest cap) so that it is not refused for its size.
 * `wide`: 4 MiB of one flat array of numbers, nested 2 levels, which only a parser can refuse.
 */
export async function manifestFlood(settings: ManifestFloodSettings): Promise<LoadResult> {
  const bodies = settings.kind === 'nested' ? nestedBodies() : [wideBody()]
  const outcomes: Record<string, number> = {}
  let requests = 0
  const deadline = Date.now() + settings.durationMs
  const client = async (slot: number): Promise<void> => {
    const credential = settings.credentials[slot % settings.credentials.length]
    if (credential === undefined) return
    for (let round = 0; round < settings.maxRounds && Date.now() < deadline; round++) {
      const body = bodies[(slot + round) % bodies.length]
      if (body === undefined) return
      const target = `/v2/${credential.repository}/manifests/n${slot}-${round}`
      const headers = {
        Authorization: credential.authorization,
        'Content-Type': OCI_MANIFEST,
        ...body.headers,
      }
      const request: RawRequest = {
        head: head('PUT', target, settings.port, headers),
        body: body.bytes,
      }
      const outcome = await sendRaw(settings.port, request, 60_000)
      const key = outcome.kind === 'answered' ? String(outcome.status) : outcome.kind
      outcomes[key] = (outcomes[key] ?? 0) + 1
      requests += 1
    }
  }
  await Promise.all(Array.from({ length: settings.clients }, (_, slot) => client(slot)))
  return { requests, outcomes }
}

interface Body {
  bytes: Buffer
  headers: Record<string, string>
}

function nestedBodies(): Body[] {
  const big = nested(4 * MiB, 'array') // 8 MiB
  const underCap = nested(2 * MiB - 1, 'array') // 4 MiB - 2 bytes
  return [
    { bytes: big, headers: { 'Content-Length': String(big.length) } },
    { bytes: chunkedBody(big, 256 * 1024), headers: { 'Transfer-Encoding': 'chunked' } },
    { bytes: underCap, headers: { 'Content-Length': String(underCap.length) } },
  ]
}

function wideBody(): Body {
  const bytes = Buffer.from(`{"a":[${'0,'.repeat(2 * MiB - 8)}0]}`) // just under 4 MiB
  return { bytes, headers: { 'Content-Length': String(bytes.length) } }
}

/** `body` in HTTP/1.1 chunked encoding, `size` bytes a chunk. */
export function chunkedBody(body: Buffer, size: number): Buffer {
  const parts: Buffer[] = []
  for (let at = 0; at < body.length; at += size) {
    const chunk = body.subarray(at, at + size)
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from('0\r\n\r\n'))
  return Buffer.concat(parts)
}
