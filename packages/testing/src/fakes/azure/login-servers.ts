import { type LoginServerContext, RegistryLoginServer } from './login-server.js'

/**
 * @internal The login servers of the registries besides the fake's first (whose login server is
 * the fake's own port), by registry state key: started for a registry that is seeded or created
 * through ARM, stopped when ARM deletes it, as `{name}.azurecr.io` comes and goes with the
 * registry.
 */
export class LoginServers {
  readonly #ctx: LoginServerContext
  readonly #servers = new Map<string, RegistryLoginServer>()
  /** Servers being stopped, awaited by {@link LoginServers.closeAll}. */
  readonly #stopping = new Set<Promise<void>>()

  constructor(ctx: LoginServerContext) {
    this.#ctx = ctx
  }

  /** `127.0.0.1:{port}` of the registry's login server (the fake's own one included), if any. */
  of(registryKey: string): string | undefined {
    for (const [loginServer, key] of this.#ctx.state.loginServers) {
      if (key === registryKey) return loginServer
    }
    return undefined
  }

  /** The registry's login server, started unless it has one. */
  async ensure(registryKey: string): Promise<string> {
    const existing = this.of(registryKey)
    if (existing !== undefined) return existing
    const server = await RegistryLoginServer.start(this.#ctx, registryKey)
    this.#servers.set(registryKey, server)
    return server.loginServer
  }

  /** Stop the registry's own login server (the fake's first one stays); at once, closed later. */
  stop(registryKey: string): void {
    const server = this.#servers.get(registryKey)
    if (server === undefined) return
    this.#servers.delete(registryKey)
    this.#ctx.state.loginServers.delete(server.loginServer)
    const closing = server.close().finally(() => this.#stopping.delete(closing))
    this.#stopping.add(closing)
  }

  /** Stop every login server. */
  async closeAll(): Promise<void> {
    const servers = [...this.#servers.values()]
    this.#servers.clear()
    await Promise.all([...servers.map((s) => s.close()), ...this.#stopping])
  }
}
