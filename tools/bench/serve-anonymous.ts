// Our registry without auth, for the no-auth pass: the CLI always turns auth on, and this is
// the same server code with the anonymous authorizer.
// Usage: node serve-anonymous.ts DATA_DIR [--hash-threads N]
import { startLocalRegistry } from '@artifact-registry/registry-server'

const [dataDir, flag, threads] = process.argv.slice(2)
if (dataDir === undefined || (flag !== undefined && flag !== '--hash-threads'))
  throw new Error('usage: serve-anonymous.ts DATA_DIR [--hash-threads N]')
const hashThreads = threads === undefined ? {} : { hashThreads: Number(threads) }
const registry = await startLocalRegistry({ dataDir, port: 0, ...hashThreads })
// The same line the CLI prints, so both are started and awaited the same way.
console.log(`artifact-registry-local listening on ${registry.url}`)
process.once('SIGTERM', () => {
  registry.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
