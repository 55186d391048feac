import { basicAuth } from '@artifact-registry/test-kit'

// What a credential may do on a registry, asked over HTTP as a client would: the status says
// whether the registry let it.

/** The status of the tag list of `repository` with these credentials: 200 for any that may pull. */
export async function tagListStatus(
  registryUrl: string,
  repository: string,
  username: string,
  password: string,
): Promise<number> {
  const res = await fetch(`${registryUrl}/v2/${repository}/tags/list`, {
    headers: { authorization: basicAuth(username, password) },
  })
  await res.body?.cancel()
  return res.status
}

/** The status of starting a blob upload to `repository`: 202 only for credentials that may push. */
export async function uploadStartStatus(
  registryUrl: string,
  repository: string,
  username: string,
  password: string,
): Promise<number> {
  const res = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization: basicAuth(username, password) },
  })
  await res.body?.cancel()
  return res.status
}
