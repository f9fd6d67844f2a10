/** Where to go after signing in: the `next` query parameter when it is a path on this site, else home. */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get('next');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login') || next.startsWith('/register')) return '/';
  return next;
}
