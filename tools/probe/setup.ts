import { randomBytes } from 'node:crypto'
import {
  imageManifest,
  mint,
  OCI_INDEX,
  openUpload,
  pushBlob,
  pushSmallImage,
  putManifest,
  sha256,
  token,
} from './client.js'
import type { ProbeContext } from './inputs/index.js'
import type { OtherClient } from './latency.js'
import type { Ledger } from './ledger.js'
import type { ServerProcess } from './server-process.js'

/**
 * The repository every input may read (`probe/base`: a blob and a manifest tagged `base`, an
 * image tagged `v1`), credentials of it, and the rest of what inputs are built from.
 */
export async function setUp(
  server: ServerProcess,
  admin: string,
  ledger: Ledger,
): Promise<Omit<ProbeContext, 'scratch'>> {
  const repository = 'probe/base'
  if (!(await pushSmallImage(server.url, admin, repository, 'v1', ledger)))
    throw new Error('the first push failed: nothing to probe')
  const config = Buffer.from(JSON.stringify({ tag: 'base' }))
  const blob = randomBytes(4096)
  const manifest = imageManifest(config, [blob])
  for (const part of [config, blob]) {
    const pushed = await pushBlob(server.url, admin, repository, part)
    ledger.add({ kind: 'blob', repository, reference: pushed.digest, digest: pushed.digest })
  }
  await putManifest(server.url, admin, repository, 'base', manifest)
  ledger.add({ kind: 'manifest', repository, reference: 'base', digest: sha256(manifest) })
  const standalone = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }),
  )
  return {
    port: server.port,
    admin,
    pull: await mint(server.url, admin, repository, 'pull'),
    push: await mint(server.url, admin, repository, 'push-pull'),
    base: {
      repository,
      blob,
      blobDigest: sha256(blob),
      manifest,
      manifestDigest: sha256(manifest),
    },
    standalone: { bytes: standalone, digest: sha256(standalone), mediaType: OCI_INDEX },
    openUpload: (repo) => openUpload(server.url, admin, repo),
    token: (scope) => token(server.url, admin, scope),
  }
}

/** A client of its own repository, whose requests measure the latency others see. */
export async function otherClient(
  url: string,
  admin: string,
  ledger: Ledger,
): Promise<OtherClient> {
  const repository = 'probe/other'
  const authorization = await mint(url, admin, repository, 'push-pull')
  const blob = randomBytes(2048)
  const pushed = await pushBlob(url, authorization, repository, blob)
  if (!(await pushSmallImage(url, authorization, repository, 'v1', ledger)))
    throw new Error('the other client cannot push')
  return { url, authorization, repository, tag: 'v1', blobDigest: pushed.digest, ledger }
}

/** `count` push-pull credentials, each of its own repository `<prefix><i>`. */
export async function credentials(
  url: string,
  admin: string,
  prefix: string,
  count: number,
): Promise<{ authorization: string; repository: string }[]> {
  const out: { authorization: string; repository: string }[] = []
  for (let i = 0; i < count; i++) {
    const repository = `${prefix}${i}`
    out.push({ repository, authorization: await mint(url, admin, repository, 'push-pull') })
  }
  return out
}
