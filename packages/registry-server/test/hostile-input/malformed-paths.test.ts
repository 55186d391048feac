import { describe, expect, it } from 'vitest'
import { rawExchange } from './raw-exchange.js'
import { useRegistryAndTokenService } from './servers.js'

// Percent-encoding in a path that does not decode (`%ZZ`, a cut-off UTF-8 sequence, a lone `%`)
// and request targets that are no URL are the client's mistake: a 400 or 404 with an OCI error
// body, before authentication, never a 500.
const ADMIN = { username: 'admin', password: 'malformed-paths-admin-secret' }
const AS_ADMIN = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`

const MALFORMED: { method: string; path: string; status: number; code: string }[] = [
  { method: 'GET', path: '/v2/%ZZ/tags/list', status: 400, code: 'NAME_INVALID' },
  { method: 'GET', path: '/v2/team%E0%A4/app/tags/list', status: 400, code: 'NAME_INVALID' },
  { method: 'GET', path: '/v2/a/manifests/%E0%A4%A', status: 400, code: 'TAG_INVALID' },
  { method: 'HEAD', path: '/v2/a/manifests/%E0%A4%A', status: 400, code: 'TAG_INVALID' },
  { method: 'PUT', path: '/v2/a/manifests/%E0%A4%A', status: 400, code: 'TAG_INVALID' },
  { method: 'DELETE', path: '/v2/a/manifests/%ZZ', status: 400, code: 'TAG_INVALID' },
  { method: 'GET', path: '/v2/a/blobs/%', status: 400, code: 'DIGEST_INVALID' },
  { method: 'DELETE', path: '/v2/a/blobs/sha256%ZZ', status: 400, code: 'DIGEST_INVALID' },
  { method: 'GET', path: '/v2/a/referrers/%ZZ', status: 400, code: 'DIGEST_INVALID' },
  { method: 'PATCH', path: '/v2/a/blobs/uploads/%ZZ', status: 404, code: 'BLOB_UPLOAD_UNKNOWN' },
  {
    method: 'DELETE',
    path: '/_artifact-registry/repositories/%ZZ',
    status: 400,
    code: 'NAME_INVALID',
  },
]

const servers = useRegistryAndTokenService(ADMIN)

async function firstError(res: Response): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { errors: { code: string; message: string }[] }
  expect(body.errors).toHaveLength(1)
  return body.errors[0] as { code: string; message: string }
}

describe('malformed percent-encoding in the path', () => {
  for (const { method, path, status, code } of MALFORMED) {
    for (const who of ['anonymous', 'the admin'] as const) {
      it(`${method} ${path} from ${who} → ${status} ${code}`, async () => {
        const headers: Record<string, string> =
          who === 'the admin' ? { authorization: AS_ADMIN } : {}
        // HEAD answers have no body: the status and type are all there is to see.
        const res = await fetch(`${servers.registry.url}${path}`, { method, headers })
        expect(res.status).toBe(status)
        expect(res.headers.get('content-type')).toBe('application/json')
        if (method !== 'HEAD') expect((await firstError(res)).code).toBe(code)
      })
    }
  }

  it('a well-encoded name and tag still decode (%2F, %5F)', async () => {
    const res = await fetch(`${servers.registry.url}/v2/team%2Fapp/manifests/v%5F1`, {
      headers: { authorization: AS_ADMIN },
    })
    expect(res.status).toBe(404)
    expect((await firstError(res)).code).toBe('MANIFEST_UNKNOWN')
  })
})

describe('a request target that is no URL', () => {
  const request = 'GET http://[bad/v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'

  it('the registry answers 400 UNSUPPORTED with an OCI error body', async () => {
    const answer = await rawExchange(servers.registry.url, request)
    expect(answer.status).toBe(400)
    expect(answer.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(answer.body)).toEqual({
      errors: [
        { code: 'UNSUPPORTED', message: 'the request target is not a valid URL', detail: null },
      ],
    })
  })

  it('the token service answers 400 UNSUPPORTED too, and keeps serving', async () => {
    const answer = await rawExchange(servers.tokens.url, request)
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body).errors[0].code).toBe('UNSUPPORTED')
    const token = await fetch(`${servers.tokens.realm}?service=${servers.tokens.service}`, {
      headers: { authorization: AS_ADMIN },
    })
    expect(token.status).toBe(200)
  })
})
