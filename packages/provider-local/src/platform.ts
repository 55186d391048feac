/** Platform id of this provider (`binding.platform`, `ArtifactRegistryError.platform`). */
export const PLATFORM = 'local'
