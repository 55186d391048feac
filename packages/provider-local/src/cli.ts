#!/usr/bin/env node
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { startLocalRegistry } from './registry-server/start-local-registry.js'

const USAGE = `Usage: artifact-registry-local serve --data DIR [--port N] [--host H]
                                     [--admin-user NAME] [--admin-password SECRET]

Runs the OCI registry of @artifact-registry/provider-local as a process.
  --data DIR            data directory (created if missing)            required
  --port N              port to listen on; 0 picks a free one            default 5000
  --host H              interface to bind                                default 127.0.0.1
  --admin-user NAME     admin username                                   default admin
  --admin-password P    admin password (or ARTIFACT_REGISTRY_ADMIN_PASSWORD; generated if neither)
Stops cleanly on SIGTERM or SIGINT.`

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      port: { type: 'string', default: '5000' },
      host: { type: 'string', default: '127.0.0.1' },
      'admin-user': { type: 'string', default: 'admin' },
      'admin-password': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help || positionals[0] !== 'serve' || values.data === undefined) {
    console.error(USAGE)
    return values.help ? 0 : 2
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`invalid --port ${values.port}`)
    return 2
  }
  const fromEnv = process.env.ARTIFACT_REGISTRY_ADMIN_PASSWORD
  const password = values['admin-password'] ?? fromEnv ?? randomBytes(18).toString('base64url')
  const username = values['admin-user']
  const registry = await startLocalRegistry({
    dataDir: values.data,
    port,
    host: values.host,
    adminCredentials: { username, password },
  })
  console.log(`artifact-registry-local listening on ${registry.url}`)
  console.log(`data directory: ${values.data}`)
  // A generated password is printed once so it can be used; one the caller chose is not echoed.
  const shown =
    values['admin-password'] === undefined && fromEnv === undefined ? password : '(as given)'
  console.log(`admin credential: ${username} / ${shown}`)
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  await registry.close()
  console.log('artifact-registry-local stopped')
  return 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
