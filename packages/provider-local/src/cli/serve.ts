import { readFile } from 'node:fs/promises'
import { startLocalRegistry } from '../registry-server/start-local-registry.js'
import { adminFrom, untilStopped } from './admin.js'

/** Options of `artifact-registry-local serve`. */
export interface ServeFlags {
  data: string
  port: number
  host: string
  adminUser: string
  adminPassword: string | undefined
  /** PEM files to serve HTTPS with. */
  tls?: { certFile: string; keyFile: string } | undefined
}

/** Run the registry until SIGTERM/SIGINT. */
export async function serve(flags: ServeFlags): Promise<void> {
  const admin = adminFrom(flags.adminUser, flags.adminPassword)
  const tls = flags.tls && {
    cert: await readFile(flags.tls.certFile),
    key: await readFile(flags.tls.keyFile),
  }
  const registry = await startLocalRegistry({
    ...(tls && { tls }),
    dataDir: flags.data,
    port: flags.port,
    host: flags.host,
    adminCredentials: { username: admin.username, password: admin.password },
  })
  console.log(`artifact-registry-local listening on ${registry.url}`)
  console.log(`data directory: ${flags.data}`)
  // A generated password is printed once so it can be used; one the caller chose is not echoed.
  console.log(
    `admin credential: ${admin.username} / ${admin.generated ? admin.password : '(as given)'}`,
  )
  console.log(`token realm: ${registry.url}/token`)
  await untilStopped()
  await registry.close()
  console.log('artifact-registry-local stopped')
}
