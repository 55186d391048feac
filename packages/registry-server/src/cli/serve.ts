import { readFile } from 'node:fs/promises'
import { startLocalRegistry } from '../start-local-registry.js'
import { describeAdmin, keepAdmin, resolveAdmin, serverAdmin } from './admin.js'
import type { CommandFlags } from './flags.js'
import { untilStopped } from './until-stopped.js'

/** Run the registry until SIGTERM/SIGINT. */
export async function serve(flags: CommandFlags): Promise<void> {
  // Listen first: a signal that comes before there is a listener kills the process outright.
  const stopped = untilStopped()
  const admin = await resolveAdmin(flags)
  const tls = flags.tls && {
    cert: await readFile(flags.tls.certFile),
    key: await readFile(flags.tls.keyFile),
  }
  const registry = await startLocalRegistry({
    ...(tls && { tls }),
    dataDir: flags.data,
    port: flags.port,
    host: flags.host,
    adminCredentials: serverAdmin(admin),
    logLevel: flags.logLevel,
    gcIntervalSeconds: flags.gcIntervalSeconds,
  })
  await keepAdmin(flags.data, admin, registry)
  console.log(`artifact-registry-local listening on ${registry.url}`)
  console.log(`data directory: ${flags.data}`)
  console.log(describeAdmin(flags.data, admin))
  console.log(`token realm: ${registry.url}/token`)
  await stopped
  await registry.close()
  console.log('artifact-registry-local stopped')
}
