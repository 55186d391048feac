/** The command's help text. */
export const USAGE = `Usage: artifact-registry-local <serve|token-service> --data DIR [options]
       artifact-registry-local --help | --version

  serve           run the OCI registry (auth on: the admin, minted credentials, tokens)
  token-service   run only the token realm, for a registry:2 with auth.token; prints its config

  --data DIR                 data directory (created if missing); one process per directory   required
  --port N                   port to listen on; 0 picks a free one       default 5000 (token-service: 5001)
  --host H                   interface to bind                           default 127.0.0.1
  --public-url URL           the address clients reach the server at (its token realm is URL/token);
                             needed with --host 0.0.0.0, a port mapping or a proxy   default the bound one
  --admin-user NAME          admin username                              default admin, or the stored one
  --admin-password P         admin password; replaces the stored one
  --admin-password-file F    read the admin password from the first line of F; replaces the stored one
                             (neither given: ARTIFACT_REGISTRY_ADMIN_PASSWORD, else the stored one,
                             else one is generated, printed once and stored hashed in DIR/auth/admin.json)
  --tls-cert FILE            serve: HTTPS with this PEM certificate (chain), given with --tls-key
  --tls-key FILE             serve: the certificate's PEM private key
  --gc-interval S            serve: delete unreferenced blobs older than 1 h every S seconds
                             (also POST /_artifact-registry/gc as the admin); 0 = never   default 3600
  --hash-threads N           serve: hash uploads on N worker threads (0-8); 0 = on the main thread;
                             default 1 with more than one core, else 0
  --max-repository-metadata-bytes B
                             serve: the most metadata (tags, manifests, blob links, as JSON) one
                             repository may hold; more is refused with 403 DENIED   default 16777216
  --max-connections N        connections open at once; one more is closed unanswered   default 1024
  --token-ttl S              lifetime of the tokens issued, 1-86400 s (behind registry:2, how long a
                             token outlives a revocation)                default 300
  --log-level L              silent | error (failed requests, with their cause) | info (one line per
                             request) | debug; JSON lines on stderr   default error
  -h, --help                 print this help
  --version                  print the version

Exit status: 0 ok, 2 usage error, 1 runtime error. Stops cleanly on SIGTERM or SIGINT.`

/** A command line that cannot run as given: exit status 2, with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
