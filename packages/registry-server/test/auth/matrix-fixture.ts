import { randomBytes } from 'node:crypto'
import type { LocalRegistry } from '../../src/index.js'
import { pushBlob, pushImage, sha256 } from '../support/push.js'

/** The repositories of the matrix: own, another in the same binding, one in another binding. */
export const REPOS = { own: 'alpha/app', other: 'alpha/other', foreignBinding: 'beta/app' } as const
export type Target = keyof typeof REPOS

/** A blob present in every repository, used by reads and as the mount source. */
export const SHARED_BLOB: Buffer = Buffer.from('shared layer of the scope matrix')

/** Every operation of the matrix, with the request it sends against a target repository. */
export interface Operation {
  name: string
  /** Method and path for the target; `upload` is a session the admin opened there. */
  request: (ctx: {
    repo: string
    upload: string
    blob: string
    manifest: Buffer
    mountFrom: string
  }) => {
    method: string
    path: string
    body?: Buffer
    headers?: Record<string, string>
  }
}

export const OPERATIONS: Operation[] = [
  {
    name: 'HEAD manifest',
    request: ({ repo }) => ({ method: 'HEAD', path: `/v2/${repo}/manifests/v1` }),
  },
  {
    name: 'GET manifest',
    request: ({ repo }) => ({ method: 'GET', path: `/v2/${repo}/manifests/v1` }),
  },
  {
    name: 'GET blob',
    request: ({ repo, blob }) => ({ method: 'GET', path: `/v2/${repo}/blobs/${blob}` }),
  },
  {
    name: 'start upload',
    request: ({ repo }) => ({ method: 'POST', path: `/v2/${repo}/blobs/uploads/` }),
  },
  {
    name: 'PATCH',
    request: ({ repo, upload }) => ({
      method: 'PATCH',
      path: `/v2/${repo}/blobs/uploads/${upload}`,
      body: Buffer.from('x'),
    }),
  },
  {
    name: 'PUT manifest',
    request: ({ repo, manifest }) => ({
      method: 'PUT',
      path: `/v2/${repo}/manifests/matrix`,
      body: manifest,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    }),
  },
  {
    name: 'DELETE manifest',
    request: ({ repo }) => ({ method: 'DELETE', path: `/v2/${repo}/manifests/no-such-tag` }),
  },
  {
    name: 'DELETE blob',
    request: ({ repo }) => ({
      method: 'DELETE',
      path: `/v2/${repo}/blobs/sha256:${'0'.repeat(64)}`,
    }),
  },
  {
    name: 'mount from another repository',
    request: ({ repo, blob, mountFrom }) => ({
      method: 'POST',
      path: `/v2/${repo}/blobs/uploads/?mount=${blob}&from=${mountFrom}`,
    }),
  },
  { name: 'tags/list', request: ({ repo }) => ({ method: 'GET', path: `/v2/${repo}/tags/list` }) },
  { name: '_catalog', request: () => ({ method: 'GET', path: '/v2/_catalog' }) },
]

/** What an allowed operation answers with the fixture's content. */
export const ALLOWED_STATUS: Record<string, number> = {
  'HEAD manifest': 200,
  'GET manifest': 200,
  'GET blob': 200,
  'start upload': 202,
  PATCH: 202,
  'PUT manifest': 201,
  'DELETE manifest': 404,
  'DELETE blob': 404,
  'mount from another repository': 201,
  'tags/list': 200,
  _catalog: 200,
}

/** Fill every repository with an image tagged v1 and the shared blob, as the admin. */
export async function seed(
  registry: LocalRegistry,
  adminAuth: Record<string, string>,
): Promise<{ blob: string; manifest: Buffer }> {
  let blob = ''
  for (const repo of Object.values(REPOS)) {
    await pushImage(registry.url, repo, 'v1', `seed-${repo}`, adminAuth)
    blob = await pushBlob(registry.url, repo, SHARED_BLOB, adminAuth)
  }
  // A manifest whose blobs exist everywhere: PUT it succeeds wherever push is allowed.
  const config = Buffer.from('{"matrix":true}')
  for (const repo of Object.values(REPOS)) await pushBlob(registry.url, repo, config, adminAuth)
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.byteLength,
      },
      layers: [],
      annotations: { nonce: randomBytes(4).toString('hex') },
    }),
  )
  return { blob, manifest }
}
