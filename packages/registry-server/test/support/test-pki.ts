import { generateKeyPairSync } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { issueCertificate } from '../../src/token-service/certificates.js'

/** A throwaway CA and a server certificate it signed, for HTTPS on 127.0.0.1. */
export interface TestPki {
  /** PEM of the CA: what clients must trust. */
  caPem: string
  /** PEM of the server certificate (names: 127.0.0.1, localhost). */
  certPem: string
  /** PEM (PKCS #8) of the server certificate's key. */
  keyPem: string
}

/** A fresh CA and a server certificate for `serverNames`, valid for a day. */
export function createTestPki(
  serverNames: readonly string[] = ['127.0.0.1', 'localhost'],
): TestPki {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const server = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const notAfter = new Date(Date.now() + 24 * 3_600_000)
  const caName = 'artifact-registry test CA'
  const caCert = issueCertificate({
    subject: caName,
    subjectKey: ca.publicKey,
    issuer: caName,
    issuerKey: ca.privateKey,
    ca: true,
    notAfter,
  })
  const serverCert = issueCertificate({
    subject: serverNames[0] ?? 'server',
    subjectKey: server.publicKey,
    issuer: caName,
    issuerKey: ca.privateKey,
    ca: false,
    notAfter,
    serverNames,
  })
  return {
    caPem: caCert.pem,
    certPem: serverCert.pem,
    keyPem: server.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
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
export function createSelfSigned(): { cert: string; key: string } {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const cert = issueCertificate({
    subject: '127.0.0.1',
    subjectKey: keys.publicKey,
    issuer: '127.0.0.1',
    issuerKey: keys.privateKey,
    ca: false,
    notAfter: new Date(Date.now() + 24 * 3_600_000),
    serverNames: ['127.0.0.1', 'localhost'],
  })
  return { cert: cert.pem, key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}
