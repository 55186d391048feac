import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type LogEvent, startLocalRegistry } from '@artifact-registry/registry-server'
import { expect, it } from 'vitest'
import { local } from '../../src/index.js'
import { deprovision, provision } from '../../src/provision/index.js'

// The README's "What the admin needs" table lists every call provisioning makes: this runs
// provision and deprovision against a registry that logs each request, and compares.

const README = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '../../README.md'),
  'utf8',
)

/** The calls of the table: its first cells, `METHOD path`, with `<name>` for any name. */
function documentedCalls(): RegExp[] {
  const section = README.split('#### What the admin needs')[1]?.split('\n#### ')[0] ?? ''
  return [...section.matchAll(/^\| `([A-Z]+ [^`]+)`/gm)].map((match) => {
    const call = (match[1] ?? '').replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace('<name>', '.+')
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
  }
  const options = { url: server.url, adminPassword: admin.password }
  recording = true
  await provision(options)
  await deprovision(options).catch(() => undefined) // CONFLICT: lists, deletes nothing
  await deprovision({ ...options, force: true })
  recording = false

  const documented = documentedCalls()
  expect(documented).toHaveLength(3)
  const undocumented = requests.filter((call) => !documented.some((row) => row.test(call)))
  expect(undocumented).toEqual([])
  const unused = documented.filter((row) => !requests.some((call) => row.test(call)))
  expect(unused).toEqual([])
})
