import { describe, expect, it } from 'vitest'
import { uploadHashing } from '../../src/hashing/select-hashing.js'
import { OciError } from '../../src/oci-errors.js'
import { RegistryStore } from '../../src/storage/registry-store.js'
import { UploadSessions } from '../../src/upload-sessions.js'

// Deleting a repository ends its upload sessions, but one receiving a body at that moment was
// left to stop at its next write, and then stayed: its bytes from before the deletion, under the
// repository's name, until it expired (a day by default). A credential of the repository created
// again under the name found it there, appended to it and finished it into the new repository.
// Driven by hand here: the body yields when the test says, and the credential is a flag.

const REPOSITORY = 'race/uploads'
const CHUNK = Buffer.from('bytes pushed before the repository was deleted')

/** A body whose first chunk is sent at once and whose end comes when `finish` is called. */
function heldBody(): {
  body: AsyncIterable<Uint8Array>
  firstChunkRead: Promise<void>
  finish: () => void
} {
  let finish = (): void => {}
  const ended = new Promise<void>((resolve) => {
    finish = resolve
  })
  let firstRead = (): void => {}
  const firstChunkRead = new Promise<void>((resolve) => {
    firstRead = resolve
  })
  async function* body(): AsyncGenerator<Uint8Array> {
    firstRead()
    yield CHUNK
    await ended
    yield CHUNK
  }
  return { body: body(), firstChunkRead, finish }
}

async function openSessions(
  prepare: (store: RegistryStore) => void | Promise<void> = () => {},
): Promise<UploadSessions & AsyncDisposable> {
  const store = await RegistryStore.open(undefined)
  await prepare(store)
  const hashes = uploadHashing(0, true)
  const sessions = await UploadSessions.open(store, { perCredential: 10, total: 10 }, hashes)
  return Object.assign(sessions, { [Symbol.asyncDispose]: () => hashes.close() })
}

describe('an upload receiving its body while its repository is deleted', () => {
  it('is gone once the body stops: the repository created again under the name cannot finish it', async () => {
    await using sessions = await openSessions()
    const id = await sessions.start(REPOSITORY, 'sha256', 'cred-old')
    let oldCredentialHeld = true
    const stillAllowed = (): void => {
      if (!oldCredentialHeld) throw new OciError('UNAUTHORIZED')
    }
    const { body, firstChunkRead, finish } = heldBody()
    const appending = sessions.append(REPOSITORY, id, body, undefined, undefined, stillAllowed)
    await firstChunkRead

    // The deletion: the credential is revoked, then the sessions are ended (this one is busy).
    oldCredentialHeld = false
    await sessions.cancelRepository(REPOSITORY)
    finish()
    await expect(appending).rejects.toMatchObject({ code: 'UNAUTHORIZED' })

    // A credential of the name created again (any subject: sessions are the repository's).
    await expect(sessions.size(REPOSITORY, id)).rejects.toMatchObject({
      code: 'BLOB_UPLOAD_UNKNOWN',
    })
    const more = (async function* () {
      yield CHUNK
    })()
    await expect(sessions.append(REPOSITORY, id, more, undefined)).rejects.toMatchObject({
      code: 'BLOB_UPLOAD_UNKNOWN',
    })
  })

  it('a session whose creation outlasts the deletion is not left behind', async () => {
    let listedNow = (): void => {}
    const listed = new Promise<void>((resolve) => {
      listedNow = resolve
    })
    await using sessions = await openSessions(async (store) => {
      // The session's files are made only once the deletion has listed the sessions.
      const create = store.blobs.createUpload.bind(store.blobs)
      store.blobs.createUpload = async (...args) => {
        await listed
        return create(...args)
      }
    })
    let oldCredentialHeld = true
    const stillAllowed = (): void => {
      if (!oldCredentialHeld) throw new OciError('UNAUTHORIZED')
    }
    // A POST authorized while the credential still held.
    const starting = sessions.start(REPOSITORY, 'sha256', 'cred-old', stillAllowed)
    oldCredentialHeld = false
    await sessions.cancelRepository(REPOSITORY)
    listedNow()
    const outcome = await starting.then(
      (id) => ({ id }),
      (error: unknown) => ({ error }),
    )
    expect(outcome).toMatchObject({ error: { code: 'UNAUTHORIZED' } })
    // Nothing holds the owner's slot, nor any bytes: every session is gone.
    expect(await sessions.purgeOlderThan(Number.POSITIVE_INFINITY)).toBe(0)
  })

  it('leaves a busy session of another repository, and its bytes, alone', async () => {
    await using sessions = await openSessions()
    const id = await sessions.start('race/other', 'sha256', 'cred-other')
    const { body, firstChunkRead, finish } = heldBody()
    const appending = sessions.append('race/other', id, body, undefined)
    await firstChunkRead
    await sessions.cancelRepository(REPOSITORY)
    finish()
    expect(await appending).toBe(2 * CHUNK.byteLength)
    expect(await sessions.size('race/other', id)).toBe(2 * CHUNK.byteLength)
  })
})
