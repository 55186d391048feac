import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type LogEvent, startLocalRegistry } from '@artifact-registry/registry-server'
import { basicAuth } from '@artifact-registry/test-kit'
import { expect, it } from 'vitest'
import { local, MARKER_DIGEST } from '../../src/index.js'
import { deprovision, provision } from '../../src/provision/index.js'

// The README's "Permissions of the provisioning identity" table lists every call provisioning makes: this runs
// provision and deprovision against a registry that logs each request, and compares.

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'

const README = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '../../README.md'),
  'utf8',
)

/** The calls of the table: its first cells, `METHOD path`, with `<name>` for any name. */
function documentedCalls(): RegExp[] {
  const section =
    README.split('#### Permissions of the provisioning identity')[1]?.split('\n#### ')[0] ?? ''
  return [...section.matchAll(/^\| `([A-Z]+ [^`]+)`/gm)].map((match) => {
    const call = (match[1] ?? '').replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/<[a-z]+>/g, '.+')
    return new RegExp(`^${call}$`)
  })
}

it('provision and deprovision make exactly the calls the README lists', async () => {
  const admin = { username: 'admin', password: randomBytes(16).toString('hex') }
  const requests: string[] = []
  let recording = false
  const logger = (event: LogEvent): void => {
    if (recording && event.msg === 'request') requests.push(`${event.method} ${event.path}`)
  }
  await using server = await startLocalRegistry({
    adminCredentials: admin,
    logLevel: 'info',
    logger,
  })
  {
    await using registry = await local({ url: server.url, adminCredentials: admin })
    await registry.createRepository('app')
    // A repository with a tag and no marker, as a client's push makes it: found by its tags.
    await registry.createRepository('pushed')
    await pushTagInsteadOfMarker(server.url, 'artifacts/pushed', admin)
  }
  const options = { url: server.url, adminPassword: admin.password }
  recording = true
  await provision(options)
  await deprovision(options).catch(() => undefined) // CONFLICT: lists, deletes nothing
  await deprovision({ ...options, force: true })
  recording = false

  const documented = documentedCalls()
  expect(documented).toHaveLength(6)
  const undocumented = requests.filter((call) => !documented.some((row) => row.test(call)))
  expect(undocumented).toEqual([])
  const unused = documented.filter((row) => !requests.some((call) => row.test(call)))
  expect(unused).toEqual([])
})

/** Tag a manifest of the repository's empty blob, then delete the marker: only the tag is left. */
async function pushTagInsteadOfMarker(
  url: string,
  repository: string,
  admin: { username: string; password: string },
): Promise<void> {
  const authorization = basicAuth(admin.username, admin.password)
  const empty = {
    mediaType: 'application/vnd.oci.empty.v1+json',
    digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    size: 2,
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: empty,
    layers: [empty],
  })
  const put = await fetch(`${url}/v2/${repository}/manifests/v1`, {
    method: 'PUT',
    headers: { authorization, 'content-type': OCI_MANIFEST },
    body: manifest,
  })
  expect(put.status).toBe(201)
  const removed = await fetch(`${url}/v2/${repository}/manifests/${MARKER_DIGEST}`, {
    method: 'DELETE',
    headers: { authorization },
  })
  expect(removed.status).toBe(202)
}
