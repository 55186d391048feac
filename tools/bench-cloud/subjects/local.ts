import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { local } from '@artifact-registry/provider-local'
import { type LogEvent, startLocalRegistry } from '@artifact-registry/registry-server'
import { LogCursor, type Subject } from '../subject.js'

/**
 * provider-local against our registry run as a server (`url`), with its request log at `info`
 * (one event per request): every call crosses HTTP, minting included, as it does for a registry
 * the provider did not start. The embedded registry makes the same requests but mints in process.
 */
export async function localSubject(): Promise<Subject> {
  const admin = { username: 'admin', password: randomBytes(18).toString('base64url') }
  const requests: LogEvent[] = []
  const server = await startLocalRegistry({
    adminCredentials: admin,
    logLevel: 'info',
    logger: (event) => {
      if (event.msg === 'request') requests.push(event)
    },
  })
  const cursor = new LogCursor(() => requests, label)
  return {
    column: 'local',
    access: undefined,
    open: () => local({ url: server.url, adminCredentials: admin, bindingName: 'artifacts' }),
    take: async () => {
      await settled(() => requests.length)
      return cursor.take()
    },
    [Symbol.asyncDispose]: () => server.close(),
  }
}

// --- Internal ---

/**
 * The server logs a request when its response closes, which may come just after the client has
 * read the answer: wait until the log has stopped growing.
 */
async function settled(count: () => number): Promise<void> {
  let last = -1
  while (count() !== last) {
    last = count()
    await sleep(10)
  }
}

/** `METHOD path (status)`, with the repository, digests and upload ids replaced by placeholders. */
function label(event: LogEvent): string {
  const path = String(event.path ?? '')
    .replace(/^\/v2\/.+\/(manifests|blobs|tags)\//, '/v2/{name}/$1/')
    .replace(/\/blobs\/uploads\/.+$/, '/blobs/uploads/{id}')
    .replace(/sha256:[0-9a-f]{64}/g, '{digest}')
    .replace(/^\/_artifact-registry\/repositories\/.+$/, '/_artifact-registry/repositories/{name}')
  return `http:${String(event.method)} ${path} (${String(event.status)})`
}
