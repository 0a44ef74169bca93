/** The in-app path to return to after login, from `?next=`; only same-origin paths. */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')) return next;
  return '/';
}
