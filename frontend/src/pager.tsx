// Paging through a connection one page at a time (claims, messages, providers): the cursors of the pages
// before this one, and the Previous / Next buttons with "Page n of m" between them.
import { useKeyedState } from "./keyedState";

export interface Paging {
  /** The `after` argument of this page's query. */
  after: string | null;
  /** 1 for the first page. */
  page: number;
  previous: () => void;
  next: (endCursor: string | null) => void;
}

/** Paging that starts again from the first page whenever `criteria` (what the list is of) changes. */
export function usePaging(criteria: string): Paging {
  // The cursors of the pages before this one: Previous pops one, Next pushes this page's end.
  const [cursors, setCursors] = useKeyedState<(string | null)[]>(criteria, [null]);
  return {
    after: cursors.at(-1) ?? null,
    page: cursors.length,
    previous: () => setCursors(cursors.slice(0, -1)),
    next: (endCursor) => setCursors([...cursors, endCursor]),
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
