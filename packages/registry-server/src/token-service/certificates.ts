import { createPublicKey, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto'
import { isIPv4 } from 'node:net'
import {
  bitString,
  boolean,
  explicit,
  integer,
  octetString,
  oid,
  sequence,
  set,
  time,
  tlv,
  utf8String,
} from './der.js'

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'))
const COMMON_NAME = '2.5.4.3'
const BASIC_CONSTRAINTS = '2.5.29.19'
const KEY_USAGE = '2.5.29.15'
const SUBJECT_ALT_NAME = '2.5.29.17'
const EXTENDED_KEY_USAGE = '2.5.29.37'
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1'

/** A certificate as DER and PEM. */
export interface Certificate {
  der: Buffer
  pem: string
}

/** Options of {@link issueCertificate}. */
export interface IssueOptions {
  subject: string
  subjectKey: KeyObject
  issuer: string
  issuerKey: KeyObject
  /** A CA may sign certificates; a leaf only signs (tokens, or TLS handshakes). */
  ca: boolean
  notAfter: Date
  /**
   * Makes the leaf a TLS server certificate for these names: DNS names and IPv4 addresses go
   * into subjectAltName, which is what TLS clients check, and serverAuth is its only use.
   */
  serverNames?: readonly string[]
}

/**
 * Issue an ECDSA P-256 / SHA-256 X.509 v3 certificate. The token service uses a self-signed CA
 * (the registry's `rootcertbundle`) and a leaf that signs tokens, sent in the JWT `x5c` header;
 * with `serverNames`, the leaf is a TLS server certificate.
 */
export function issueCertificate(options: IssueOptions): Certificate {
  const name = (cn: string): Buffer => sequence(set(sequence(oid(COMMON_NAME), utf8String(cn))))
  const publicKey =
    options.subjectKey.type === 'public' ? options.subjectKey : createPublicKey(options.subjectKey)
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  // digitalSignature for the leaf; keyCertSign + cRLSign for the CA (DER bit strings, unused bits).
  const keyUsage = options.ca ? Buffer.from([0x01, 0x06]) : Buffer.from([0x07, 0x80])
  const extensions = sequence(
    sequence(
      oid(BASIC_CONSTRAINTS),
      boolean(true),
      octetString(sequence(...(options.ca ? [boolean(true)] : []))),
    ),
    sequence(
      oid(KEY_USAGE),
      boolean(true),
      octetString(Buffer.concat([Buffer.from([0x03, keyUsage.length]), keyUsage])),
    ),
    ...(options.serverNames ? serverExtensions(options.serverNames) : []),
  )
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    ECDSA_WITH_SHA256,
    name(options.issuer),
    sequence(time(new Date(Date.now() - 3_600_000)), time(options.notAfter)),
    name(options.subject),
    spki,
    explicit(3, extensions),
  )
  const signature = sign('sha256', tbs, options.issuerKey)
  const der = sequence(tbs, ECDSA_WITH_SHA256, bitString(signature))
  // Parsing it back proves the encoding before anyone relies on it.
  const parsed = new X509Certificate(der)
  return { der, pem: parsed.toString() }
}

// subjectAltName entries are implicitly tagged: [2] dNSName (IA5String), [7] iPAddress (octets).
function serverExtensions(names: readonly string[]): Buffer[] {
  if (names.length === 0) throw new TypeError('a server certificate needs at least one name')
  const altNames = names.map((name) => {
    if (isIPv4(name)) return tlv(0x87, Buffer.from(name.split('.').map(Number)))
    if (!/^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name)) {
      throw new TypeError(`not a DNS name or IPv4 address: ${name}`)
    }
    return tlv(0x82, Buffer.from(name, 'ascii'))
  })
  return [
    sequence(oid(SUBJECT_ALT_NAME), octetString(sequence(...altNames))),
    sequence(oid(EXTENDED_KEY_USAGE), octetString(sequence(oid(SERVER_AUTH)))),
  ]
}
