// @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata'
import { KeyObject, webcrypto } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  type JsonGeneralName,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
} from '@peculiar/x509'

/** A throwaway CA and a server certificate it signed, for HTTPS on 127.0.0.1. */
export interface TestPki {
  /** PEM of the CA: what clients must trust. */
  caPem: string
  /** PEM of the server certificate (names: 127.0.0.1, localhost). */
  certPem: string
  /** PEM (PKCS #8) of the server certificate's key. */
  keyPem: string
}

/**
 * A fresh CA and a server certificate for `serverNames` (IP addresses or DNS names), valid for a
 * day. Made independently of the registry server's own certificate code, so TLS tests do not
 * check that code against itself.
 */
export async function createTestPki(
  serverNames: readonly string[] = ['127.0.0.1', 'localhost'],
): Promise<TestPki> {
  const caKeys = await generateKeys()
  const serverKeys = await generateKeys()
  const caName = 'CN=artifact-registry test CA'
  const ca = await X509CertificateGenerator.createSelfSigned({
    name: caName,
    keys: caKeys,
    notAfter: tomorrow(),
    signingAlgorithm: SIGNING,
    extensions: [
      new BasicConstraintsExtension(true, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
    ],
  })
  const server = await X509CertificateGenerator.create({
    subject: `CN=${serverNames[0] ?? 'server'}`,
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    notAfter: tomorrow(),
    signingAlgorithm: SIGNING,
    extensions: serverExtensions(serverNames),
  })
  return {
    caPem: ca.toString('pem'),
    certPem: server.toString('pem'),
    keyPem: privateKeyPem(serverKeys.privateKey),
  }
}

/**
 * Writes the CA as `ca.crt` into a new folder: the layout of containers/image's `--cert-dir`
 * (skopeo, buildah, podman) and of Docker's `certs.d/<host:port>/`.
 */
export async function writeCertDir(dir: string, pki: TestPki): Promise<string> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'ca.crt'), pki.caPem)
  return dir
}

/** A self-signed server certificate for 127.0.0.1 and localhost, and its key. */
export async function createSelfSigned(): Promise<{ cert: string; key: string }> {
  const keys = await generateKeys()
  const cert = await X509CertificateGenerator.createSelfSigned({
    name: 'CN=127.0.0.1',
    keys,
    notAfter: tomorrow(),
    signingAlgorithm: SIGNING,
    extensions: serverExtensions(['127.0.0.1', 'localhost']),
  })
  return { cert: cert.toString('pem'), key: privateKeyPem(keys.privateKey) }
}

// --- internal ---

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' }
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' }

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])
}

function serverExtensions(serverNames: readonly string[]) {
  const names: JsonGeneralName[] = serverNames.map((value) => ({
    type: isIP(value) ? 'ip' : 'dns',
    value,
  }))
  return [
    new BasicConstraintsExtension(false, undefined, true),
    new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
    new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
    new SubjectAlternativeNameExtension(names),
  ]
}

function privateKeyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString()
}

function tomorrow(): Date {
  return new Date(Date.now() + 24 * 3_600_000)
}
