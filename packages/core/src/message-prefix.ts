/**
 * The prefix of error messages raised on behalf of a platform: `[core]` for core itself,
 * `[provider-aws]` for platform `aws`, matching the package that reports it.
 */
export function messagePrefix(platform: string): string {
  return platform === 'core' ? '[core]' : `[provider-${platform}]`
}
