import type { RegistryTlsOptions } from '@artifact-registry/registry-server'

/** Options of `local()`. */
export interface LocalProviderOptions {
  /**
   * URL of a running registry: ours (`artifact-registry-local serve`), or a `registry:2` behind
   * our token service. Omitted → an embedded registry is started in this process.
   */
  url?: string
  /** Namespace of this binding: routable names are `{bindingName}/{name}`. @default "artifacts" */
  bindingName?: string
  /** Data directory of the embedded registry; omitted → in memory (gone on `close()`). */
  dataDir?: string
  /**
   * Port of the embedded registry. Default: with `dataDir`, the port it was served on before
   * (a free one the first time), so `registryEndpoint` and repository URIs survive a restart;
   * without, any free port.
   */
  port?: number
  /**
   * Interface the embedded registry binds; it is also the host of `registryEndpoint` and of
   * repository URIs, so give an address clients can reach. @default "127.0.0.1"
   */
  host?: string
  /**
   * Serve the embedded registry over HTTPS with this certificate, for clients set up to
   * require TLS or reaching it from elsewhere (see `host`); `registryEndpoint` is then an `https://` URL. The provider trusts the
   * certificate itself when it is self-signed. Not with `url` (TypeError).
   */
  tls?: RegistryTlsOptions
  /**
   * PEM of a CA to trust, on top of Node's default CAs, for the registry at `url` (or the
   * embedded one): for a certificate from a private CA. Certificate names are still checked.
   */
  caCertificate?: string
  /**
   * Admin credential of the registry at `url` (or of its token service). For the embedded
   * registry it is generated when omitted.
   */
  adminCredentials?: { username: string; password: string }
  /**
   * Where to mint credentials when `url` is a registry:2 behind our token service. Default: the
   * origin of the realm in the registry's Bearer challenge, else `url` itself.
   */
  tokenServiceUrl?: string
}
