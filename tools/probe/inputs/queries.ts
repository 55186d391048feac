import { type BadInput, input, request } from './catalogue.js'

/** Query parameters out of range or of the wrong kind. */
export function queryInputs(): BadInput[] {
  const values = ['-1', '0', '1e9', 'abc', '99999999999999999999', '', '1.5', '0x10', '__proto__']
  const inputs: BadInput[] = []
  for (const n of values) {
    inputs.push(
      input('query parameters', `tags ?n=${n}`, (c) =>
        request(c, 'GET', `/v2/${c.base.repository}/tags/list?n=${n}`),
      ),
      input('query parameters', `catalog ?n=${n}`, (c) => request(c, 'GET', `/v2/_catalog?n=${n}`)),
    )
  }
  const uploads: [string, string][] = [
    ['?digest-algorithm=md5', 'digest-algorithm=md5'],
    ['?digest-algorithm=sha1', 'digest-algorithm=sha1'],
    ['?digest-algorithm= (empty)', 'digest-algorithm='],
    ['?digest-algorithm=__proto__', 'digest-algorithm=__proto__'],
    [
      '?mount without from',
      'mount=sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    ],
    ['?from without mount', 'from=probe/base'],
    [
      '?mount from ../x',
      'mount=sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a&from=../x',
    ],
    [
      '?mount from __proto__',
      'mount=sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a&from=__proto__',
    ],
    [
      '?mount from an 8000-character name',
      `mount=sha256:${'c'.repeat(64)}&from=${'a'.repeat(8000)}`,
    ],
    ['?digest twice', `digest=sha256:${'c'.repeat(64)}&digest=sha256:${'d'.repeat(64)}`],
  ]
  for (const [label, query] of uploads) {
    inputs.push(
      input('query parameters', `start upload ${label}`, (c) =>
        request(c, 'POST', `/v2/${c.scratch()}/blobs/uploads/?${query}`, { body: '' }),
      ),
    )
  }
  inputs.push(
    input('query parameters', 'referrers ?artifactType=%ZZ', (c) =>
      request(
        c,
        'GET',
        `/v2/${c.base.repository}/referrers/${c.base.manifestDigest}?artifactType=%ZZ`,
      ),
    ),
    input('query parameters', 'referrers ?artifactType of 12 KB', (c) =>
      request(
        c,
        'GET',
        `/v2/${c.base.repository}/referrers/${c.base.manifestDigest}?artifactType=${'a'.repeat(12_000)}`,
      ),
    ),
  )
  return inputs
}

/** Upload sessions used the wrong way: unknown, foreign, finished or malformed ids. */
export function uploadInputs(): BadInput[] {
  const uuid = '3f2c1b6e-0d4a-4c8e-9b7a-5e6f7a8b9c0d'
  const cases: [string, BadInput['build']][] = [
    [
      'PATCH an unknown session',
      (c) => request(c, 'PATCH', `/v2/${c.base.repository}/blobs/uploads/${uuid}`, { body: 'abc' }),
    ],
    [
      'PUT an unknown session',
      (c) =>
        request(
          c,
          'PUT',
          `/v2/${c.base.repository}/blobs/uploads/${uuid}?digest=sha256:${'a'.repeat(64)}`,
        ),
    ],
    [
      'DELETE an unknown session',
      (c) => request(c, 'DELETE', `/v2/${c.base.repository}/blobs/uploads/${uuid}`),
    ],
    [
      'an uppercase session id',
      (c) => request(c, 'GET', `/v2/${c.base.repository}/blobs/uploads/${uuid.toUpperCase()}`),
    ],
    ['a session id of ..', (c) => request(c, 'GET', `/v2/${c.base.repository}/blobs/uploads/..`)],
    [
      'a session id of %2e%2e%2f%2e%2e',
      (c) => request(c, 'GET', `/v2/${c.base.repository}/blobs/uploads/%2e%2e%2f%2e%2e`),
    ],
    [
      'a session id that climbs out',
      (c) => request(c, 'DELETE', `/v2/${c.base.repository}/blobs/uploads/..%2F..%2F..%2Fblobs`),
    ],
    [
      "another repository's session",
      async (c) => {
        const location = await c.openUpload(c.scratch())
        const id = location.slice(location.lastIndexOf('/') + 1)
        return request(c, 'PATCH', `/v2/${c.base.repository}/blobs/uploads/${id}`, { body: 'abc' })
      },
    ],
    [
      'a session finished with a wrong digest',
      async (c) => {
        const location = await c.openUpload(c.scratch())
        return request(c, 'PUT', `${location}?digest=sha256:${'e'.repeat(64)}`, { body: 'abcd' })
      },
    ],
    [
      'a session given a chunk as a pull credential',
      async (c) => {
        const location = await c.openUpload(c.base.repository)
        return request(c, 'PATCH', location, { auth: c.pull, body: 'abcd' })
      },
    ],
    [
      'a stream PATCH of 0 bytes, chunked',
      async (c) => {
        const location = await c.openUpload(c.scratch())
        return {
          head: `PATCH ${location} HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nAuthorization: ${c.admin}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
        }
      },
    ],
    [
      'a PUT of no bytes with the digest of something',
      async (c) => {
        const location = await c.openUpload(c.scratch())
        return request(c, 'PUT', `${location}?digest=${c.base.blobDigest}`)
      },
    ],
  ]
  return cases.map(([label, build]) => input('upload sessions misused', label, build))
}
