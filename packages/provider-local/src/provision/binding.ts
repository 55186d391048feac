import type { LocalBinding } from '@artifact-registry/core'
import type { ResolvedProvisionOptions } from './options.js'

/**
 * The binding for the runtime. For a registry by URL the admin password is the placeholder
 * `${VAR}` of the variable it is read from, never the password: deployment tooling resolves it
 * (core's `parseBinding` refuses it unresolved), or a program with `resolveBindingPlaceholders`.
 */
export function bindingOf(target: ResolvedProvisionOptions): LocalBinding {
  if (target.kind === 'data-directory') {
    return {
      platform: 'local',
      dataDir: target.dataDir,
      bindingName: target.bindingName,
      // Port 0 asks for any free port: in the binding it would move the registry to a new one at
      // every start, breaking the URIs handed out. Left out, the runtime takes the port the
      // directory recorded when provisioning started it.
      ...(target.port !== undefined && target.port !== 0 && { port: target.port }),
    }
  }
  return {
    platform: 'local',
    url: target.url,
    bindingName: target.bindingName,
    adminCredentials: { username: target.admin.username, password: `\${${target.passwordEnv}}` },
    ...(target.caCertificate !== undefined && { caCertificate: target.caCertificate }),
    ...(target.tokenServiceUrl !== undefined && { tokenServiceUrl: target.tokenServiceUrl }),
  }
}
