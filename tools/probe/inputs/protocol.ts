import { head, type RawRequest } from '../raw-http.js'
import { type BadInput, input, type ProbeContext, request } from './catalogue.js'

/** Oversized request lines and headers: Node's parser caps them (16 KiB by default). */
export function headerInputs(): BadInput[] {
  const big = (n: number): string => 'x'.repeat(n)
  const many = (n: number): Record<string, string> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-Probe-${i}`, 'v']))
  const cases: [string, (ctx: ProbeContext) => RawRequest][] = [
    ['one 8 KiB header', (c) => request(c, 'GET', '/v2/', { headers: { 'X-Big': big(8192) } })],
    ['one 15 KiB header', (c) => request(c, 'GET', '/v2/', { headers: { 'X-Big': big(15_360) } })],
    ['one 17 KiB header', (c) => request(c, 'GET', '/v2/', { headers: { 'X-Big': big(17_408) } })],
    ['one 64 KiB header', (c) => request(c, 'GET', '/v2/', { headers: { 'X-Big': big(65_536) } })],
    ['one 1 MiB header', (c) => request(c, 'GET', '/v2/', { headers: { 'X-Big': big(1 << 20) } })],
    ['100 headers', (c) => request(c, 'GET', '/v2/', { headers: many(100) })],
    ['2000 headers', (c) => request(c, 'GET', '/v2/', { headers: many(2000) })],
    ['20000 headers', (c) => request(c, 'GET', '/v2/', { headers: many(20_000) })],
    ['a 20 KB request target', (c) => request(c, 'GET', `/v2/${big(20_000)}/tags/list`)],
    ['a 1 MB request target', (c) => request(c, 'GET', `/v2/${big(1_000_000)}/tags/list`)],
    ['a 12 KB query', (c) => request(c, 'GET', `/v2/_catalog?last=${big(12_000)}`)],
    [
      'a 12 KB Basic credential',
      (c) =>
        request(c, 'GET', '/v2/', {
          auth: `Basic ${Buffer.from(`admin:${big(12_000)}`).toString('base64')}`,
        }),
    ],
    ['a 12 KB Bearer token', (c) => request(c, 'GET', '/v2/', { auth: `Bearer ${big(12_000)}` })],
    [
      'a 12 KB Content-Type on a manifest',
      (c) =>
        request(c, 'PUT', `/v2/${c.scratch()}/manifests/v1`, {
          body: c.base.manifest,
          headers: { 'Content-Type': `application/${big(12_000)}` },
        }),
    ],
  ]
  return cases.map(([label, build]) => input('huge headers', label, build))
}

/** Bytes that are not the HTTP a registry client sends. */
export function protocolInputs(): BadInput[] {
  const raw =
    (text: string | Buffer): (() => RawRequest) =>
    () => ({ head: text })
  const on = (ctx: ProbeContext, lines: string[]): RawRequest => ({
    head: `${lines.join('\r\n')}\r\n\r\n`.replace('HOST', `127.0.0.1:${ctx.port}`),
  })
  const cases: [string, (ctx: ProbeContext) => RawRequest][] = [
    ['not HTTP', raw('hello registry\r\n\r\n')],
    ['binary garbage', raw(Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)))],
    ['a TLS ClientHello', raw(Buffer.from('16030100a5010000a103035f', 'hex'))],
    ['HTTP/0.9', raw('GET /v2/\r\n\r\n')],
    ['HTTP/2.0 in an HTTP/1 request line', (c) => on(c, ['GET /v2/ HTTP/2.0', 'Host: HOST'])],
    ['HTTP/1.1 without Host', (c) => on(c, ['GET /v2/ HTTP/1.1', `Authorization: ${c.admin}`])],
    [
      'LF-only line ends',
      (c) => ({
        head: `GET /v2/ HTTP/1.1\nHost: 127.0.0.1:${c.port}\nAuthorization: ${c.admin}\n\n`,
      }),
    ],
    ['a header without a colon', (c) => on(c, ['GET /v2/ HTTP/1.1', 'Host: HOST', 'NoColonHere'])],
    ['a space in a header name', (c) => on(c, ['GET /v2/ HTTP/1.1', 'Host: HOST', 'Bad Name: x'])],
    [
      'an obsolete folded header',
      (c) => on(c, ['GET /v2/ HTTP/1.1', 'Host: HOST', 'X-A: a', ' folded']),
    ],
    ['a NUL in a header value', (c) => on(c, ['GET /v2/ HTTP/1.1', 'Host: HOST', 'X-A: a\0b'])],
    [
      'two differing Content-Lengths',
      (c) => on(c, ['POST /v2/ HTTP/1.1', 'Host: HOST', 'Content-Length: 1', 'Content-Length: 2']),
    ],
    [
      'Content-Length and chunked',
      (c) =>
        on(c, [
          'POST /v2/ HTTP/1.1',
          'Host: HOST',
          'Content-Length: 4',
          'Transfer-Encoding: chunked',
        ]),
    ],
    [
      'a negative Content-Length',
      (c) => on(c, ['POST /v2/ HTTP/1.1', 'Host: HOST', 'Content-Length: -1']),
    ],
    [
      'a Content-Length that is no number',
      (c) => on(c, ['POST /v2/ HTTP/1.1', 'Host: HOST', 'Content-Length: abc']),
    ],
    [
      'a Content-Length of +5',
      (c) => on(c, ['POST /v2/ HTTP/1.1', 'Host: HOST', 'Content-Length: +5']),
    ],
    [
      'Transfer-Encoding: gzip',
      (c) => on(c, ['POST /v2/ HTTP/1.1', 'Host: HOST', 'Transfer-Encoding: gzip']),
    ],
    [
      'Transfer-Encoding: chunked, chunked',
      (c) => on(c, ['POST /v2/ HTTP/1.1', 'Host: HOST', 'Transfer-Encoding: chunked, chunked']),
    ],
    [
      'a chunk size that is no hex number',
      (c) => ({
        head: `PATCH /v2/x/blobs/uploads/a HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
      }),
    ],
    [
      'a chunk size of 2^64-1',
      (c) => ({
        head: `PATCH /v2/x/blobs/uploads/a HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc\r\n0\r\n\r\n`,
      }),
    ],
    [
      'a smuggled second request (CL.TE)',
      (c) => ({
        head: `POST /v2/ HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v2/_catalog HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\n\r\n`,
      }),
    ],
    [
      'an absolute-form target',
      (c) => ({
        head: head('GET', 'http://elsewhere.invalid/v2/', c.port, { Authorization: c.admin }),
      }),
    ],
    [
      'a target that is no URL',
      (c) => ({ head: head('GET', 'http://[bad/v2/', c.port, { Authorization: c.admin }) }),
    ],
    ['OPTIONS *', (c) => ({ head: head('OPTIONS', '*', c.port, { Authorization: c.admin }) })],
    [
      'CONNECT',
      (c) => ({ head: head('CONNECT', '127.0.0.1:1', c.port, { Authorization: c.admin }) }),
    ],
    ['a target without a leading slash', (c) => request(c, 'GET', 'v2/')],
    ['a target of //v2/', (c) => request(c, 'GET', '//v2/')],
    ['a target with a fragment', (c) => request(c, 'GET', '/v2/#frag')],
    [
      'a raw space in the target',
      (c) => ({ head: `GET /v2/a b/tags/list HTTP/1.1\r\nHost: 127.0.0.1:${c.port}\r\n\r\n` }),
    ],
    ['a lowercase method', (c) => request(c, 'get', '/v2/')],
    ['a 10 KB method', (c) => request(c, 'X'.repeat(10_000), '/v2/')],
    ['PROPFIND', (c) => request(c, 'PROPFIND', `/v2/${c.base.repository}/tags/list`)],
    ['TRACE', (c) => request(c, 'TRACE', '/v2/')],
    ['BREW', (c) => request(c, 'BREW', '/v2/')],
    [
      'PATCH on a manifest',
      (c) => request(c, 'PATCH', `/v2/${c.base.repository}/manifests/v1`, { body: '{}' }),
    ],
    [
      'PUT on a blob',
      (c) =>
        request(c, 'PUT', `/v2/${c.base.repository}/blobs/${c.base.blobDigest}`, { body: 'x' }),
    ],
    ['POST on the catalog', (c) => request(c, 'POST', '/v2/_catalog', { body: '{}' })],
    ['DELETE on /v2/', (c) => request(c, 'DELETE', '/v2/')],
    ['GET on an unknown route', (c) => request(c, 'GET', '/v2/a/b/c/unknown')],
    ['GET on /v3/', (c) => request(c, 'GET', '/v3/')],
  ]
  return cases.map(([label, build]) => input('protocol violations', label, build))
}
