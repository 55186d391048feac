/**
 * A TEST-ONLY TLS key pair for the Azure fake. The private key is public (it is in this file and
 * on npm): never trust this certificate anywhere but a test, and never for a host other than
 * 127.0.0.1 / localhost.
 *
 * The Azure SDK refuses bearer tokens over plain HTTP, so the fake serves HTTPS; clients trust
 * {@link TEST_TLS_CERT} as a CA through their own options (`tlsOptions: { ca }`), never by turning
 * verification off. It is a self-signed P-256 certificate for `IP:127.0.0.1, DNS:localhost`, valid
 * from 2000-01-01 to 2126-01-01 (so machine clocks never matter), made with:
 *
 * ```sh
 * openssl req -new -key key.pem -subj /CN=127.0.0.1 -out req.csr
 * openssl ca -selfsign -keyfile key.pem -in req.csr -startdate 20000101000000Z \
 *   -enddate 21260101000000Z -extensions ext   # ext: CA:TRUE, serverAuth, the subjectAltName above
 * ```
 */

/** Private key (PKCS#8 PEM) of the fake's test certificate. Test-only: it is public. */
export const TEST_TLS_KEY: string = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgynip1TvAupI1IlPC
T1IrYrL7E6ZKMXpw8ZhAWbpDG4ihRANCAASNTF7ps0Har9NIWunVVTWqyDeTEIL5
BT2oDjwMAp+ILFUSktDBdiC3OxD8Gt+jdvoYTJvfwMQSH99cL38fRDi5
-----END PRIVATE KEY-----
`

/** Self-signed certificate (PEM) of the fake; pass it as the trusted CA of every client. */
export const TEST_TLS_CERT: string = `-----BEGIN CERTIFICATE-----
MIIBjTCCATKgAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w
LjEwIBcNMDAwMTAxMDAwMDAwWhgPMjEyNjAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI1MXumzQdqv00ha
6dVVNarIN5MQgvkFPagOPAwCn4gsVRKS0MF2ILc7EPwa36N2+hhMm9/AxBIf31wv
fx9EOLmjczBxMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgKEMBMGA1Ud
JQQMMAoGCCsGAQUFBwMBMBoGA1UdEQQTMBGHBH8AAAGCCWxvY2FsaG9zdDAdBgNV
HQ4EFgQUfxSsXF+HVuxBoWUW8z6ZSBQ8yA0wCgYIKoZIzj0EAwIDSQAwRgIhAJR+
eHnhVshK+8xJLwLype7dDh85NgtmOQt3tZzjxvhaAiEArhGmo0mMOn2+ztIl/TUM
dPb0K7TEVo/NZqhezbIDSHs=
-----END CERTIFICATE-----
`
