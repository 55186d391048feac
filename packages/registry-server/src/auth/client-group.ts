import { isIP } from 'node:net'

/**
 * The group a client address counts in when slow checks are shared out: the address itself for
 * IPv4 (also when Node shows it IPv6-mapped, `::ffff:10.0.0.1`), its /64 for IPv6 (one host
 * usually holds a whole /64 and can send each request from another address in it), and
 * `undefined` (one group) when the address is unknown.
 */
export function clientGroup(address: string | undefined): string | undefined {
  if (address === undefined) return undefined
  const bare = address.replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1]
  if (mapped !== undefined) return mapped
  if (isIP(bare) !== 6) return bare
  const [head = '', tail] = bare.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0')
  const prefix = [...left, ...zeros, ...right].slice(0, 4)
  return `${prefix.map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`
}
