import { nested } from './inputs/manifests.ts'
import { head, type RawRequest, sendRaw } from './raw-http.ts'

const MiB = 1024 * 1024
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

/** Settings of the nested-manifest load. */
export interface NestedLoadSettings {
  port: number
  /** One `Authorization` per client slot, cycled; each a push credential of `repositories[i]`. */
  credentials: readonly { authorization: string; repository: string }[]
  clients: number
  rounds: number
  deadlineMs: number
}

/** What the load sent and how the registry answered, by status (or `closed`/`timeout`). */
export interface LoadResult {
  requests: number
  outcomes: Record<string, number>
}

/**
 * `clients` concurrent clients, each putting `rounds` manifests of 8 MiB of nested arrays, in
 * turn: announced by Content-Length, sent chunked (no length announced), and one byte under the
 * manifest cap (4 MiB) so that it is read whole and must be refused for its depth.
 */
export async function nestedManifestLoad(settings: NestedLoadSettings): Promise<LoadResult> {
  const big = nested(4 * MiB, 'array') // 8 MiB
  const underCap = nested(2 * MiB - 1, 'array') // 4 MiB - 2 bytes
  const chunked = chunkedBody(big, 256 * 1024)
  const outcomes: Record<string, number> = {}
  let requests = 0
  const deadline = Date.now() + settings.deadlineMs
  const client = async (slot: number): Promise<void> => {
    const credential = settings.credentials[slot % settings.credentials.length]
    if (credential === undefined) return
    for (let round = 0; round < settings.rounds && Date.now() < deadline; round++) {
      const target = `/v2/${credential.repository}/manifests/n${slot}-${round}`
      const headers = { Authorization: credential.authorization, 'Content-Type': OCI_MANIFEST }
      const variant = (slot + round) % 3
      const request: RawRequest =
        variant === 0
          ? {
              head: head('PUT', target, settings.port, {
                ...headers,
                'Content-Length': String(big.length),
              }),
              body: big,
            }
          : variant === 1
            ? {
                head: head('PUT', target, settings.port, {
                  ...headers,
                  'Transfer-Encoding': 'chunked',
                }),
                body: chunked,
              }
            : {
                head: head('PUT', target, settings.port, {
                  ...headers,
                  'Content-Length': String(underCap.length),
                }),
                body: underCap,
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
