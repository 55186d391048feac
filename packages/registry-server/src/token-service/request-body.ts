import type { IncomingMessage } from 'node:http'
import { readBody } from '../http.js'

/**
 * The largest body the token realm and the admin endpoints read (a form or a small JSON
 * object): 64 KiB. More → 413 `SIZE_INVALID`, in the registry and the standalone token service
 * alike.
 */
export const AUTH_BODY_LIMIT: number = 64 * 1024

/** Read the body of a token, minting or revocation request as text, within {@link AUTH_BODY_LIMIT}. */
export async function readAuthBody(req: IncomingMessage): Promise<string> {
  return (await readBody(req, AUTH_BODY_LIMIT)).toString('utf8')
}
