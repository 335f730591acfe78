/** How many rows a long table shows at first (newest first); "show older" adds as many again. */
export const ROWS_SHOWN = 50

/**
 * The foot of a table that shows only its newest `shown` of `total` rows: a long-running mesh settles every
 * second and may carry thousands of messages, and the page re-renders its tables on every refresh, so what
 * it renders stays bounded until the reader asks for more.
 *
 * @example
 * <ShowOlder shown={limit} total={rows.length} onMore={() => setLimit((n) => n + ROWS_SHOWN)} />
 */
export function ShowOlder(props: { shown: number; total: number; onMore: () => void }) {
  if (props.total <= props.shown) return null
  return (
    <p class="muted" data-testid="show-older">
      The newest {props.shown} of {props.total}.{' '}
      <button type="button" onClick={props.onMore}>
        show {Math.min(ROWS_SHOWN, props.total - props.shown)} older
      </button>
    </p>
  )
}
