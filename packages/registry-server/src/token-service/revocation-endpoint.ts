import type { IncomingMessage, ServerResponse } from 'node:http'
import { authenticateBasic, type Identities } from '../auth/authenticate.js'
import { BASIC_CHALLENGE } from '../auth/builtin-authorizers.js'
import { parseCredentialsToRevoke } from '../auth/revocation.js'
import { clientGone } from '../client-gone.js'
import { OciError } from '../oci-errors.js'
import { readAuthBody } from './request-body.js'

/**
 * `POST /_artifact-registry/credentials/revoke` with `{ "username": … }` (and optionally
 * `"namespace"`), `{ "repository": … }` or `{ "namespace": … }`, admin only: revokes that
 * credential (if it is in the namespace), every credential of the repository, or every credential
 * of a repository under the namespace, and the tokens issued from them. Answers 200 `{ "revoked": <count> }`; errors are
 * OCI error bodies.
 */
export async function handleRevokeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ids: Identities,
): Promise<void> {
  if (req.method !== 'POST')
    throw new OciError('UNSUPPORTED', { message: `${req.method} is not supported here` })
  const auth = await authenticateBasic(
    req.headers.authorization,
    ids,
    clientGone(res),
    req.socket.remoteAddress,
  )
  if (auth.status !== 'ok')
    throw new OciError('UNAUTHORIZED', {
      message: 'admin credentials required',
      headers: { 'WWW-Authenticate': BASIC_CHALLENGE },
    })
  if (auth.rights.kind !== 'admin')
    throw new OciError('DENIED', { message: 'only the admin may revoke credentials' })
  const text = await readAuthBody(req)
  let which: ReturnType<typeof parseCredentialsToRevoke>
  try {
    which = parseCredentialsToRevoke(JSON.parse(text))
  } catch (error) {
    const message = error instanceof TypeError ? error.message : 'the body must be JSON'
    throw new OciError('UNSUPPORTED', { status: 400, message })
  }
  const payload = JSON.stringify({ revoked: await ids.credentials.revoke(which) })
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(payload)),
    'Cache-Control': 'no-store',
  })
  res.end(payload)
}
