import { createPublicKey, type KeyObject, randomBytes, sign, X509Certificate } from 'node:crypto'
import { isIPv4 } from 'node:net'
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  Certificate as CertificateStructure,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_kp_serverAuth,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509'

const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2'
const COMMON_NAME = '2.5.4.3'

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
 * with `serverNames`, the leaf is a TLS server certificate. `@peculiar/asn1-x509` encodes the
 * structure; node:crypto signs it, with the keys the caller already holds.
 */
export function issueCertificate(options: IssueOptions): Certificate {
  const publicKey =
    options.subjectKey.type === 'public' ? options.subjectKey : createPublicKey(options.subjectKey)
  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 })
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    // 16 bytes, the first non-zero: a positive serial of fixed length, unique by chance.
    serialNumber: arrayBuffer(Buffer.concat([Buffer.from([0x01]), randomBytes(15)])),
    signature: signatureAlgorithm,
    issuer: commonName(options.issuer),
    // An hour back: a client whose clock lags a little still accepts a fresh certificate.
    validity: new Validity({
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: options.notAfter,
    }),
    subject: commonName(options.subject),
    subjectPublicKeyInfo: AsnConvert.parse(
      publicKey.export({ type: 'spki', format: 'der' }),
      SubjectPublicKeyInfo,
    ),
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: options.ca })),
      extension(
        id_ce_keyUsage,
        true,
        new KeyUsage(
          options.ca
            ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign
            : KeyUsageFlags.digitalSignature,
        ),
      ),
      ...(options.serverNames ? serverExtensions(options.serverNames) : []),
    ]),
  })
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbsCertificate))
  const signature = sign('sha256', tbsDer, options.issuerKey)
  const der = Buffer.from(
    AsnConvert.serialize(
      new CertificateStructure({
        tbsCertificate,
        signatureAlgorithm,
        signatureValue: arrayBuffer(signature),
      }),
    ),
  )
  // Parsing it back proves the encoding before anyone relies on it.
  const parsed = new X509Certificate(der)
  return { der, pem: parsed.toString() }
}

function commonName(cn: string): Name {
  return new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({
        type: COMMON_NAME,
        value: new AttributeValue({ utf8String: cn }),
      }),
    ]),
  ])
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({
    extnID,
    critical,
    extnValue: new OctetString(AsnConvert.serialize(value)),
  })
}

function serverExtensions(names: readonly string[]): Extension[] {
  if (names.length === 0) throw new TypeError('a server certificate needs at least one name')
  const altNames = names.map((name) => {
    if (isIPv4(name)) return new GeneralName({ iPAddress: name })
    if (!/^[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name)) {
      throw new TypeError(`not a DNS name or IPv4 address: ${name}`)
    }
    return new GeneralName({ dNSName: name })
  })
  return [
    extension(id_ce_subjectAltName, false, new SubjectAlternativeName(altNames)),
    extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
  ]
}

/** The bytes of `buffer` as an ArrayBuffer of their own (a Buffer may share a larger one). */
function arrayBuffer(buffer: Buffer): ArrayBuffer {
  return Uint8Array.from(buffer).buffer
}
