// Paging through a connection one page at a time (claims, messages, providers): the cursors of the pages
// before this one, and the Previous / Next buttons with "Page n of m" between them.
import { useState } from "react";

export interface Paging {
  /** The `after` argument of this page's query. */
  after: string | null;
  /** 1 for the first page. */
  page: number;
  previous(): void;
  next(endCursor: string | null): void;
}

/** Paging that starts again from the first page whenever `criteria` (what the list is of) changes. */
export function usePaging(criteria: string): Paging {
  const [state, setState] = useState<{ criteria: string; cursors: (string | null)[] }>({ criteria, cursors: [null] });
  const cursors = state.criteria === criteria ? state.cursors : [null];
  return {
    after: cursors.at(-1) ?? null,
    page: cursors.length,
    previous: () => setState({ criteria, cursors: cursors.slice(0, -1) }),
    next: (endCursor) => setState({ criteria, cursors: [...cursors, endCursor] }),
  };
}

export interface PagedConnection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** How many pages the connection fills (at least one). */
export function pageCount(connection: PagedConnection, pageSize: number): number {
  return Math.max(1, Math.ceil(connection.totalCount / pageSize));
}

/** The pager under a list; nothing when everything fits on the first page. */
export function Pager({
  paging,
  connection,
  pageSize,
  label,
  previousLabel = "Previous page",
  nextLabel = "Next page",
}: {
  paging: Paging;
  connection: PagedConnection;
  pageSize: number;
  /** What the pages are of, for assistive technology: "Claims pages". */
  label: string;
  previousLabel?: string;
  nextLabel?: string;
}) {
  const { hasNextPage, endCursor } = connection.pageInfo;
  if (paging.page === 1 && !hasNextPage) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="button-secondary" disabled={paging.page === 1} onClick={paging.previous}>
        {previousLabel}
      </button>
      <span>
        Page {paging.page} of {pageCount(connection, pageSize)}
      </span>
      <button type="button" className="button-secondary" disabled={!hasNextPage} onClick={() => paging.next(endCursor)}>
        {nextLabel}
      </button>
    </nav>
  );
}
