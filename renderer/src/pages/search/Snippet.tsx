import type { ReactElement } from 'react';
import type { SnippetSegment } from '../../../../common/domain/search.js';

/**
 * A snippet as text: each segment is a text node, the matched ones inside <mark>. Nothing from the
 * mail is ever parsed as HTML, whatever it contains.
 */
export function Snippet({ segments }: { segments: SnippetSegment[] }): ReactElement {
  return (
    <span className="search-snippet" data-testid="search-snippet">
      {segments.map((segment, index) =>
        segment.match ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
      )}
    </span>
  );
}
