import { type BadInput, input, request, show } from './catalogue.js'

/** Percent-encodings that do not decode, or decode to something no name or digest holds. */
export const BAD_ENCODINGS: readonly string[] = [
  '%',
  '%Z',
  '%ZZ',
  '%G0',
  '%0',
  '%%',
  '%C3',
  '%C3%28',
  '%E2%82',
  '%F0%9F%98',
  '%FF',
  '%C0%AF',
  '%ED%A0%80',
  '%00',
  '%2F',
  '%2e%2e',
  '%25%ZZ',
  '%u0041',
  '%E0%80%80',
  '%F4%90%80%80',
]

/** Each bad encoding in each place a path or query carries a name, reference, digest or id. */
export function pathInputs(): BadInput[] {
  const places: [string, (enc: string, repo: string) => [string, string]][] = [
    ['in a name', (enc) => ['GET', `/v2/probe/a${enc}b/tags/list`]],
    ['in a tag', (enc, repo) => ['GET', `/v2/${repo}/manifests/v${enc}1`]],
    ['in a digest', (enc, repo) => ['GET', `/v2/${repo}/blobs/sha256:${enc}`]],
    ['in an upload id', (enc, repo) => ['PATCH', `/v2/${repo}/blobs/uploads/${enc}`]],
    ['in a referrers digest', (enc, repo) => ['GET', `/v2/${repo}/referrers/sha256:${enc}`]],
    ['in the catalog ?last', (enc) => ['GET', `/v2/_catalog?n=5&last=a${enc}`]],
    ['in a tags ?last', (enc, repo) => ['GET', `/v2/${repo}/tags/list?last=${enc}`]],
    ['in a deleted repository', (enc) => ['DELETE', `/_artifact-registry/repositories/p${enc}`]],
  ]
  return places.flatMap(([where, target]) =>
    BAD_ENCODINGS.map((enc) =>
      input('malformed percent-encoding', `${show(enc)} ${where}`, (ctx) => {
        const [method, path] = target(enc, ctx.base.repository)
        return request(ctx, method, path)
      }),
    ),
  )
}
