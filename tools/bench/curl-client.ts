import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Endpoint } from './client.js'
import { withDigest } from './client.js'

const run = promisify(execFile)

/** What curl reports of one request it made. */
interface CurlExchange {
  status: number
  /** curl's own `time_total`: the request alone, without the process's start-up. */
  seconds: number
  /** Body bytes received (written to /dev/null). */
  downloaded: number
  /** The Location header, absolute; empty when there was none. */
  location: string
}

/**
 * A monolithic push with curl: POST, then `curl -T FILE` PUTs the blob's file. Returns the
 * seconds of both requests as curl timed them.
 */
export async function curlPushMonolithic(
  ep: Endpoint,
  repo: string,
  file: string,
  digest: string,
): Promise<number> {
  const started = await startUpload(ep, repo)
  const put = await curl(ep, withDigest(started.location, digest), ['-T', file, ...OCTETS])
  expectStatus(put, 201, 'PUT upload')
  return started.seconds + put.seconds
}

/**
 * A chunked push with curl: POST, one `curl -T CHUNK_FILE -X PATCH` with Content-Range per
 * chunk (following each new Location), then a PUT without body. Returns the seconds of all
 * the requests as curl timed them.
 */
export async function curlPushChunked(
  ep: Endpoint,
  repo: string,
  chunks: readonly { file: string; bytes: number }[],
  digest: string,
): Promise<number> {
  const started = await startUpload(ep, repo)
  let { location, seconds } = started
  let offset = 0
  for (const chunk of chunks) {
    const range = `Content-Range: ${offset}-${offset + chunk.bytes - 1}`
    const patch = await curl(ep, location, [
      '-X',
      'PATCH',
      '-T',
      chunk.file,
      '-H',
      range,
      ...OCTETS,
    ])
    expectStatus(patch, 202, 'PATCH upload')
    location = patch.location
    seconds += patch.seconds
    offset += chunk.bytes
  }
  const put = await curl(ep, withDigest(location, digest), ['-X', 'PUT'])
  expectStatus(put, 201, 'PUT upload')
  return seconds + put.seconds
}

/** `curl -o /dev/null` a blob; returns curl's seconds, after checking every byte arrived. */
export async function curlPull(
  ep: Endpoint,
  repo: string,
  digest: string,
  size: number,
): Promise<number> {
  const pulled = await curl(ep, new URL(`/v2/${repo}/blobs/${digest}`, ep.url).href, [])
  expectStatus(pulled, 200, 'GET blob')
  if (pulled.downloaded !== size) {
    throw new Error(`curl pulled ${pulled.downloaded} bytes of ${size} from ${ep.url}`)
  }
  return pulled.seconds
}

// --- internal ---

/**
 * A body as distribution and skopeo expect it. `Expect:` turns off curl's `100-continue` wait
 * for large bodies, which measures how soon each server answers it rather than the transfer.
 */
const OCTETS = ['-H', 'Content-Type: application/octet-stream', '-H', 'Expect:']

async function startUpload(ep: Endpoint, repo: string): Promise<CurlExchange> {
  const url = new URL(`/v2/${repo}/blobs/uploads/`, ep.url).href
  const started = await curl(ep, url, ['-X', 'POST'])
  expectStatus(started, 202, 'POST upload')
  return started
}

async function curl(ep: Endpoint, url: string, args: readonly string[]): Promise<CurlExchange> {
  const auth = ep.authorization === undefined ? [] : ['-H', `Authorization: ${ep.authorization}`]
  const format = '%{http_code} %{time_total} %{size_download} %header{location}'
  const { stdout } = await run('curl', [
    ...['-sS', '-o', '/dev/null', '-w', format],
    ...auth,
    ...args,
    url,
  ])
  const [status = '', seconds = '', downloaded = '', location = ''] = stdout.trim().split(' ')
  return {
    status: Number(status),
    seconds: Number(seconds),
    downloaded: Number(downloaded),
    location: location === '' ? '' : new URL(location, ep.url).href,
  }
}

function expectStatus(exchange: CurlExchange, status: number, what: string): void {
  if (exchange.status !== status) {
    throw new Error(`curl ${what}: expected ${status}, got ${exchange.status}`)
  }
}
