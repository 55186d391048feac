#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { serve } from './cli/serve.js'
import { tokenService } from './cli/token-service.js'

const USAGE = `Usage: artifact-registry-local <serve|token-service> --data DIR [--port N] [--host H]
                               [--admin-user NAME] [--admin-password SECRET]
                               [--tls-cert FILE --tls-key FILE]

  serve           run the OCI registry (auth on: the admin, minted credentials, tokens)
  token-service   run only the token realm, for a registry:2 with auth.token; prints its config

  --data DIR            data directory (created if missing)            required
  --port N              port to listen on; 0 picks a free one            default 5000 (token-service: 5001)
  --host H              interface to bind                                default 127.0.0.1
  --admin-user NAME     admin username                                   default admin
  --admin-password P    admin password (or ARTIFACT_REGISTRY_ADMIN_PASSWORD; generated if neither)
  --tls-cert FILE       serve: HTTPS with this PEM certificate (chain), given with --tls-key
  --tls-key FILE        serve: the certificate's PEM private key
Stops cleanly on SIGTERM or SIGINT.`

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'admin-user': { type: 'string', default: 'admin' },
      'admin-password': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const command = positionals[0]
  if (
    values.help ||
    (command !== 'serve' && command !== 'token-service') ||
    values.data === undefined
  ) {
    console.error(USAGE)
    return values.help ? 0 : 2
  }
  const port = Number(values.port ?? (command === 'serve' ? 5000 : 5001))
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`invalid --port ${values.port}`)
    return 2
  }
  const tlsCert = values['tls-cert']
  const tlsKey = values['tls-key']
  const tlsGiven = tlsCert !== undefined || tlsKey !== undefined
  if (tlsGiven && (!tlsCert || !tlsKey || command !== 'serve')) {
    console.error('--tls-cert and --tls-key go together, name files, and only with serve')
    return 2
  }
  const flags = {
    data: values.data,
    tls: tlsCert && tlsKey ? { certFile: tlsCert, keyFile: tlsKey } : undefined,
    port,
    host: values.host,
    adminUser: values['admin-user'],
    adminPassword: values['admin-password'],
  }
  await (command === 'serve' ? serve(flags) : tokenService(flags))
  return 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
