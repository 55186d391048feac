// The quickstart: an embedded registry, one repository, credentials scoped to it that expire.
import { local } from '@artifact-registry/provider-local'
import { generateImage } from './image.ts'
import { RegistryHttp } from './registry-http.ts'

const quick = process.argv.includes('--quick')
const PULL_TTL_SECONDS = quick ? 4 : 5
let failures = 0

function step(title: string): void {
  console.log(`\n== ${title}`)
}

function check(what: string, ok: boolean, detail = ''): void {
  console.log(`   ${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`)
  if (!ok) failures += 1
}

step('Start the embedded local registry')
await using registry = await local({ bindingName: 'demo' })
console.log(`   registry: ${registry.registryEndpoint}`)

step('Create repository "prj_abc123"')
const repo = await registry.createRepository('prj_abc123')
console.log(`   routable name: ${repo.name}\n   uri:           ${repo.uri}`)
check('the routable name keeps the logical name', repo.name === 'demo/prj_abc123')
const other = await registry.createRepository('prj_other')

step('Mint push-pull credentials for it (TTL 300 s)')
const pushCreds = await registry.generateCredentials(repo.name, 'push-pull', { ttlSeconds: 300 })
console.log(`   docker login ${pushCreds.registry} -u ${pushCreds.username} --password-stdin`)
console.log(`   expires at ${pushCreds.expiresAt?.toISOString()}`)

step('Push a small generated image as :v1')
const image = generateImage(`hello from prj_abc123 at ${new Date().toISOString()}\n`)
const pushed = await new RegistryHttp(pushCreds).push(repo.name, 'v1', image)
check('push with push-pull credentials', pushed === 201, `status ${pushed}`)
console.log(`   manifest digest ${image.manifest.digest}`)

step(`Mint pull credentials (TTL ${PULL_TTL_SECONDS} s) and pull it back`)
const pullCreds = await registry.generateCredentials(repo.name, 'pull', {
  ttlSeconds: PULL_TTL_SECONDS,
})
const puller = new RegistryHttp(pullCreds)
const pulled = await puller.pull(repo.name, 'v1')
check('pull with pull credentials', pulled.status === 200, `status ${pulled.status}`)
check(
  'the pulled manifest has the pushed digest',
  pulled.manifest?.digest === image.manifest.digest,
  pulled.manifest?.digest,
)
check('every pulled blob matches its digest', pulled.verified === true)

step('Pull credentials cannot push')
const refusedPush = await puller.push(repo.name, 'v2', generateImage('not allowed'))
check(
  'push with pull credentials is refused with 403',
  refusedPush === 403,
  `status ${refusedPush}`,
)

step('Pull credentials cannot reach another repository')
const seeded = await new RegistryHttp(
  await registry.generateCredentials(other.name, 'push-pull'),
).push(other.name, 'v1', image)
check('another repository has an image', seeded === 201)
const refusedOther = await puller.pull(other.name, 'v1')
check(
  `pull of ${other.name} is refused with 403`,
  refusedOther.status === 403,
  `status ${refusedOther.status}`,
)

step(`Wait for the pull credentials to expire (${PULL_TTL_SECONDS} s)`)
const expiresAt = pullCreds.expiresAt?.getTime() ?? Date.now()
await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 250))
const expired = await puller.pull(repo.name, 'v1')
check(
  'expired credentials are refused with 401',
  expired.status === 401,
  `status ${expired.status}`,
)

console.log(
  failures === 0 ? '\nAll steps behaved as expected.' : `\n${failures} step(s) misbehaved.`,
)
process.exitCode = failures === 0 ? 0 : 1
