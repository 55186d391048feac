import dns from 'node:dns'
import dnsPromises from 'node:dns/promises'
import { isLoopbackHost, isLoopbackServer } from './loopback.js'
import { GUARDED, isGuarded } from './marker.js'
import { type NetworkGuardError, refusedLookup, refusedServer } from './refusal.js'

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown
type Style = 'callback' | 'promise'

// getaddrinfo and getnameinfo answer `localhost` and loopback addresses from the hosts file. The
// resolve* and reverse methods always ask a DNS server, so those also need one on this machine.
const HOSTS_FILE_METHODS = new Set(['lookup', 'lookupService'])

/**
 * Make `node:dns` refuse every name other than `localhost` and loopback literals, in the callback
 * API (the error goes to the callback) and the promises API (a rejected promise), module
 * functions and `Resolver` methods alike. `resolve*` and `reverse` are also refused while a
 * configured DNS server is off this machine. Idempotent.
 */
export function guardDns(): void {
  const resolverServers = (self: unknown): string[] | undefined =>
    self instanceof dns.Resolver || self instanceof dnsPromises.Resolver
      ? self.getServers()
      : undefined
  const targets: [object, Style, () => string[]][] = [
    [dns, 'callback', () => dns.getServers()],
    [dns.Resolver.prototype, 'callback', () => dns.getServers()],
    [dnsPromises, 'promise', () => dnsPromises.getServers()],
    [dnsPromises.Resolver.prototype, 'promise', () => dnsPromises.getServers()],
  ]
  for (const [target, style, defaultServers] of targets) {
    for (const method of Object.getOwnPropertyNames(target).filter(isNetworkMethod)) {
      guardMethod(target as Record<string, unknown>, method, style, (self) => {
        return resolverServers(self) ?? defaultServers()
      })
    }
  }
}

// --- Internal ---

function isNetworkMethod(name: string): boolean {
  return HOSTS_FILE_METHODS.has(name) || name === 'reverse' || name.startsWith('resolve')
}

function guardMethod(
  target: Record<string, unknown>,
  method: string,
  style: Style,
  serversOf: (self: unknown) => string[],
): void {
  const original = target[method]
  if (typeof original !== 'function' || isGuarded(original)) return
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    const refusal = refusalOf(method, args[0], () => serversOf(this))
    if (refusal === undefined) return (original as AnyFunction).apply(this, args)
    if (style === 'promise') return Promise.reject(refusal)
    const callback = args.at(-1)
    if (typeof callback !== 'function') throw refusal
    process.nextTick(callback, refusal)
    return undefined
  }
  Object.defineProperty(guarded, GUARDED, { value: true })
  Object.defineProperty(guarded, 'name', { value: method })
  target[method] = guarded
}

function refusalOf(
  method: string,
  target: unknown,
  servers: () => string[],
): NetworkGuardError | undefined {
  if (typeof target !== 'string' || !isLoopbackHost(target)) return refusedLookup(method, target)
  if (HOSTS_FILE_METHODS.has(method)) return undefined
  const remote = servers().find((server) => !isLoopbackServer(server))
  return remote === undefined ? undefined : refusedServer(method, target, remote)
}
