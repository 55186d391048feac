/**
 * Platform id of this provider. The package is a placeholder: it exports no provider yet, so
 * `createArtifactRegistry({ platform: 'gcp' })` reports that it is not a usable provider.
 */
export const PLATFORM = 'gcp'
