import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../storage/atomic-write.js'
import type { Certificate } from './certificates.js'

/** The key that signs tokens, its certificate, and the CA certificate registries trust. */
export interface SigningKeys {
  privateKey: KeyObject
  publicKey: KeyObject
  /** Leaf certificate of the signing key (sent in the JWT `x5c` header, first). */
  signer: Certificate
  /** The self-signed CA: what a registry's `rootcertbundle` must contain. */
  ca: Certificate
}

const FILES = { ca: 'ca.pem', signerKey: 'signer-key.pem', signer: 'signer.pem' }

/**
 * Load the token-signing keys from `<dataDir>/auth`, creating them on first use (private keys
 * written with mode 0600), or create throwaway keys when there is no data directory.
 */
export async function loadSigningKeys(
  dataDir: string | undefined,
  tmpDir?: string,
): Promise<SigningKeys> {
  if (dataDir === undefined) return await createSigningKeys()
  const dir = join(dataDir, 'auth')
  try {
    const [signerKey, signer, ca] = await Promise.all(
      [FILES.signerKey, FILES.signer, FILES.ca].map((f) => readFile(join(dir, f), 'utf8')),
    )
    const privateKey = createPrivateKey(signerKey as string)
    return {
      privateKey,
      publicKey: createPublicKey(privateKey),
      signer: fromPem(signer as string),
      ca: fromPem(ca as string),
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const keys = await createSigningKeys()
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const temp = tmpDir ?? dir
  await writeFileAtomic(
    join(dir, FILES.signerKey),
    keys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    temp,
    0o600,
  )
  await writeFileAtomic(join(dir, FILES.signer), keys.signer.pem, temp)
  await writeFileAtomic(join(dir, FILES.ca), keys.ca.pem, temp)
  return keys
}

// The CA private key is dropped on purpose: nothing but the one signer is ever signed with it.
async function createSigningKeys(): Promise<SigningKeys> {
  // Loaded only to make keys: a restart reads them from the data directory and skips the
  // X.509 encoder's start-up cost.
  const { issueCertificate } = await import('./certificates.js')
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const notAfter = new Date(Date.now() + 100 * 365 * 24 * 3_600_000)
  const caName = 'artifact-registry token CA'
  return {
    privateKey: signer.privateKey,
    publicKey: signer.publicKey,
    ca: issueCertificate({
      subject: caName,
      subjectKey: ca.publicKey,
      issuer: caName,
      issuerKey: ca.privateKey,
      ca: true,
      notAfter,
    }),
    signer: issueCertificate({
      subject: 'artifact-registry token signer',
      subjectKey: signer.publicKey,
      issuer: caName,
      issuerKey: ca.privateKey,
      ca: false,
      notAfter,
    }),
  }
}

function fromPem(pem: string): Certificate {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')
  return { der: Buffer.from(body, 'base64'), pem }
}
