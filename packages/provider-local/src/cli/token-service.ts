import { join } from 'node:path'
import { startTokenService } from '../token-service/start-token-service.js'
import { adminFrom, untilStopped } from './admin.js'
import type { ServeFlags } from './serve.js'

/**
 * Run the token service alone, for a registry:2 configured with `auth.token`, and print what
 * that registry needs: the CA certificate's path and the matching config and environment.
 */
export async function tokenService(flags: ServeFlags): Promise<void> {
  const admin = adminFrom(flags.adminUser, flags.adminPassword)
  const service = await startTokenService({
    dataDir: flags.data,
    port: flags.port,
    host: flags.host,
    admin: { username: admin.username, password: admin.password },
  })
  const certificate = join(flags.data, 'auth', 'ca.pem')
  console.log(`artifact-registry token service listening on ${service.url}`)
  console.log(
    `admin credential: ${admin.username} / ${admin.generated ? admin.password : '(as given)'}`,
  )
  console.log(`CA certificate for the registry's rootcertbundle: ${certificate}`)
  console.log('registry:2 config (config.yml):')
  console.log(service.registryAuthConfig(certificate))
  console.log('or as environment variables:')
  for (const [key, value] of Object.entries(service.registryAuthEnv(certificate)))
    console.log(`${key}=${value}`)
  console.log(
    `mint credentials: POST ${service.url}/_artifact-registry/credentials (admin, JSON {repository, permission, ttlSeconds})`,
  )
  await untilStopped()
  await service.close()
  console.log('token service stopped')
}
