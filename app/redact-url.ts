/**
 * The URL with its password masked (the user part's, and a `password` query parameter, which PostgreSQL's URLs
 * accept), for logs and error messages; `unparsable` when it is no URL at all.
 */
export function redactUrl(url: string, unparsable: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return unparsable;
  }
}
