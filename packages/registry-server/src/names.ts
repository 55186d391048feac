// The OCI distribution grammar for repository names and tags.
const REPOSITORY =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/

/** Longest repository name accepted (clients cap `host[:port]/name` at 255 characters). */
export const MAX_REPOSITORY_NAME = 255

/** Whether `name` is a valid repository name. */
export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME && REPOSITORY.test(name)
}

/** Whether `tag` is a valid tag. */
export function isTag(tag: string): boolean {
  return TAG.test(tag)
}
