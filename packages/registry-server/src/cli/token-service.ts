import { join } from 'node:path'
import { bindsEveryInterface, unreachableRealmWarning } from '../public-url.js'
import { startTokenService } from '../token-service/start-token-service.js'
import { describeAdmin, keepAdmin, resolveAdmin, serverAdmin } from './admin.js'
import type { CommandFlags } from './flags.js'
import { untilStopped } from './until-stopped.js'

/**
 * Run the token service alone, for a registry:2 configured with `auth.token`, and print what
 * that registry needs: the CA certificate's path and the matching config and environment.
 */
export async function tokenService(flags: CommandFlags): Promise<void> {
  // Listen first: a signal that comes before there is a listener kills the process outright.
  const stopped = untilStopped()
  const admin = await resolveAdmin(flags)
  const service = await startTokenService({
    dataDir: flags.data,
    port: flags.port,
    host: flags.host,
    ...(flags.publicUrl !== undefined && { publicUrl: flags.publicUrl }),
    admin: serverAdmin(admin),
    logLevel: flags.logLevel,
    ...(flags.maxConnections !== undefined && { maxConnections: flags.maxConnections }),
    ...(flags.tokenTtlSeconds !== undefined && { tokenTtlSeconds: flags.tokenTtlSeconds }),
  })
  await keepAdmin(flags.data, admin, service)
  const certificate = join(flags.data, 'auth', 'ca.pem')
  console.log(`artifact-registry token service listening on ${service.url}`)
  console.log(describeAdmin(flags.data, admin))
  console.log(`CA certificate for the registry's rootcertbundle: ${certificate}`)
  console.log('registry:2 config (config.yml):')
  console.log(service.registryAuthConfig(certificate))
  console.log('or as environment variables:')
  for (const [key, value] of Object.entries(service.registryAuthEnv(certificate)))
    console.log(`${key}=${value}`)
  // Where clients mint, as the realm: the address they reach the service at, once given.
  console.log(
    `mint credentials: POST ${flags.publicUrl ?? service.url}/_artifact-registry/credentials (admin, JSON {repository, permission, ttlSeconds})`,
  )
  if (flags.publicUrl === undefined && bindsEveryInterface(flags.host))
    console.error(unreachableRealmWarning(service.realm))
  await stopped
  await service.close()
  console.log('token service stopped')
}
