import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A GCE metadata server on 127.0.0.1, for Application Default Credentials in a child process. */
export interface GceMetadataServer extends AsyncDisposable {
  /** `127.0.0.1:<port>`, the value of `GCE_METADATA_HOST`. */
  readonly host: string
  /** The environment that makes ADC use this server (and never look for a real one). */
  readonly env: Record<string, string>
}

/**
 * The part of the Compute Engine metadata server that ADC's compute credentials read: the
 * default service account's access token, `GET
 * /computeMetadata/v1/instance/service-accounts/default/token`, answered only with the
 * `Metadata-Flavor: Google` request header (as the real server requires, else 403) and with
 * that header on every answer. Tokens come from `accessToken()`, e.g. the GCP fake's caller, so
 * the fake is what accepts them. Anything else is 404, which the library reads as "not set".
 */
export async function startGceMetadataServer(
  accessToken: () => Promise<string>,
): Promise<GceMetadataServer> {
  const server = createServer((request, response) => {
    answer(request, response, accessToken).catch(() => send(response, 500, 'text/plain', 'error'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    host,
    env: { GCE_METADATA_HOST: host, METADATA_SERVER_DETECTION: 'assume-present' },
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

const TOKEN_PATH = '/computeMetadata/v1/instance/service-accounts/default/token'

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  accessToken: () => Promise<string>,
): Promise<void> {
  if (request.headers['metadata-flavor'] !== 'Google') {
    return send(response, 403, 'text/plain', 'Missing Metadata-Flavor:Google header.')
  }
  const { pathname } = new URL(request.url ?? '/', 'http://metadata')
  if (request.method !== 'GET' || pathname !== TOKEN_PATH) {
    return send(response, 404, 'text/plain', 'Not Found')
  }
  const body = { access_token: await accessToken(), expires_in: 3599, token_type: 'Bearer' }
  send(response, 200, 'application/json', JSON.stringify(body))
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'metadata-flavor': 'Google' })
  response.end(body)
}
