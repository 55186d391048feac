/** Platform id of this provider, used in errors and as `registry.platform`. */
export const PLATFORM = 'gcp'

/** The role cross-account grants use: pull only. */
export const READER_ROLE = 'roles/artifactregistry.reader'

/** The only OAuth scope requested for impersonated tokens. */
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'

/** The Docker username GAR expects with an OAuth access token as password. */
export const DOCKER_USERNAME = 'oauth2accesstoken'

/** The public IAM Credentials API. */
export const DEFAULT_IAM_CREDENTIALS_ENDPOINT = 'https://iamcredentials.googleapis.com'

/** @internal Prefix of every message this package writes. */
export const MESSAGE_PREFIX = '[provider-gcp]'
