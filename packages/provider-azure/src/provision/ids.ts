import { createHash } from 'node:crypto'

/** The namespace of this library's deterministic GUIDs (a UUID of its own, never reused). */
const NAMESPACE = Buffer.from('6f1d3c2a8b7e4f5a9c0d1e2f3a4b5c6d', 'hex')

/** The ARM id of a registry. */
export function registryId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`
}

/**
 * A GUID derived from `parts` (a UUID version 5: SHA-1 of this library's namespace and the
 * lower-cased parts, as ARM ids ignore case), so a rerun names a role assignment or custom role
 * exactly as the run that made it did, with no state kept anywhere.
 */
export function deterministicGuid(...parts: readonly string[]): string {
  const name = Buffer.from(parts.map((p) => p.toLowerCase()).join('\n'), 'utf8')
  const bytes = createHash('sha1').update(NAMESPACE).update(name).digest().subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
