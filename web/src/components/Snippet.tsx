import { useMemo } from 'react';
import { parseSnippet } from '../transcripts';

/** A search snippet: the server's <mark>s become <mark> elements, everything else plain text. */
export function Snippet({ html }: { html: string }) {
  const parts = useMemo(() => parseSnippet(html), [html]);
  return (
    <>
      {parts.map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
