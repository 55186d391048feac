import { createPrivateKey, X509Certificate } from 'node:crypto'
import { createSecureContext } from 'node:tls'
import type { RegistryTlsOptions } from './options.js'

/** The `code` of the `TypeError` {@link checkTlsMaterial} throws. */
export const TLS_MATERIAL_ERROR = 'ERR_REGISTRY_TLS_MATERIAL'

/** Which part of the TLS options is unusable: the certificate, the key, or the two together. */
export type TlsMaterialField = 'cert' | 'key' | 'pair'

/**
 * A `TypeError` for TLS options that cannot serve HTTPS, with `code` {@link TLS_MATERIAL_ERROR}
 * and `field` saying which part is wrong, so a command can name its flag.
 */
export interface TlsMaterialError extends TypeError {
  code: typeof TLS_MATERIAL_ERROR
  field: TlsMaterialField
  /** What is wrong, without the message's lead-in (for a command to put after its flag). */
  problem: string
}

/**
 * Refuse a certificate that is not PEM, a key that is not a PEM private key, and a pair that do
 * not belong together, each by name. OpenSSL's own refusal when the server is made ("no start
 * line") does not say which of the two files it read it from.
 *
 * @throws TlsMaterialError
 */
export function checkTlsMaterial(tls: RegistryTlsOptions): void {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(tls.cert)
    // X509Certificate also takes DER, and reads only the first certificate; the HTTPS server
    // takes PEM only, and reads the whole chain.
    createSecureContext({ cert: tls.cert })
  } catch (error) {
    throw tlsMaterialError('cert', 'the certificate is not a PEM certificate', error)
  }
  let key: ReturnType<typeof createPrivateKey>
  try {
    key = createPrivateKey(tls.key)
  } catch (error) {
    // A key under a passphrase lands here too: the registry is given none. It is said so, as
    // OpenSSL's own words ("interrupted or cancelled") do not.
    const text = typeof tls.key === 'string' ? tls.key : tls.key.toString('latin1')
    const problem = ENCRYPTED_PEM.test(text)
      ? 'the key is encrypted: the registry takes no passphrase, so give it the key decrypted'
      : 'the key is not an unencrypted PEM private key'
    throw tlsMaterialError('key', problem, error)
  }
  if (!certificate.checkPrivateKey(key)) {
    throw tlsMaterialError('pair', 'the key does not belong to the certificate')
  }
}

/** A PKCS#8 key under a passphrase, or a traditional one (`Proc-Type: 4,ENCRYPTED`). */
const ENCRYPTED_PEM = /^-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: *4, *ENCRYPTED/m

function tlsMaterialError(
  field: TlsMaterialField,
  problem: string,
  cause?: unknown,
): TlsMaterialError {
  const error = new TypeError(`tls: cannot use this certificate and key: ${problem}`, { cause })
  return Object.assign(error, { code: TLS_MATERIAL_ERROR, field, problem } as const)
}
