import { useEffect, useRef, useState } from 'preact/hooks';
import { gql } from '../lib/api';
import { listParam, navigate, withQuery } from '../lib/router';
import { ErrorBox, Loading, NodeLink, PartialWarning, Scroll, StatusBadge, useApp, useQuery, useTitle } from '../ui';

export const MAX_COMPARE = 5;

/**
 * The comparison as the API computes it: Comparison.rows are the very values of Comparison.csv
 * and of /compare.csv, so the page and the download agree.
 */
export const COMPARE_QUERY = `query Compare($ids: [ID!]!, $lang: Lang!) {
  compare(ids: $ids, lang: $lang) {
    items { id kind status name(lang: $lang) }
    rows { property label(lang: $lang) values }
  }
}`;

/** The type-ahead's suggestions: methods and initiatives only, from full-text search. */
export const COMPARE_SEARCH_QUERY = `query CompareSearch($text: String!, $lang: Lang) {
  search(text: $text, lang: $lang, types: [METHOD, INITIATIVE], first: 8) {
    nodes { __typename ... on Method { id kind status name(lang: $lang) } }
  }
}`;

interface Item {
  id: string;
  kind: string;
  status: string;
  name: string;
}
interface Comparison {
  items: Item[];
  rows: { property: string; label: string; values: string[] }[];
}

/** Parses and cleans the ids parameter: unique, at most five. */
export function compareIds(v: string | undefined): string[] {
  return [...new Set(listParam(v))].slice(0, MAX_COMPARE);
}

/** The next active suggestion for a key press (wrapping around), or null when the key is not for the list. */
export function moveActive(key: string, active: number, count: number): number | null {
  if (count === 0) return null;
  if (key === 'ArrowDown') return active < count - 1 ? active + 1 : 0;
  if (key === 'ArrowUp') return active > 0 ? active - 1 : count - 1;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/** A combobox (ARIA 1.2 list autocomplete) over full-text search of methods and initiatives. */
function MethodTypeahead({ exclude, disabled, onPick }: { exclude: string[]; disabled: boolean; onPick: (m: Item) => void }) {
  const { t, L } = useApp();
  const [text, setText] = useState('');
  const [hits, setHits] = useState<Item[] | null>(null);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const seq = useRef(0);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) {
      setHits(null);
      return;
    }
    const n = ++seq.current;
    // Wait for a pause in typing before asking the server.
    const timer = setTimeout(() => {
      gql<{ search: { nodes: ({ __typename: string } & Partial<Item>)[] } }>(COMPARE_SEARCH_QUERY, { text: q, lang: L }).then((r) => {
        if (n !== seq.current) return;
        const list = (r.data?.search.nodes ?? []).filter((x): x is { __typename: string } & Item => x.__typename === 'Method' && !!x.id);
        setHits(list);
        setActive(list.length ? 0 : -1);
        setOpen(true);
      });
    }, 150);
    return () => clearTimeout(timer);
  }, [text, L]);

  const shown = (hits ?? []).filter((h) => !exclude.includes(h.id));
  const pick = (m: Item) => {
    onPick(m);
    setText('');
    setHits(null);
    setOpen(false);
    setActive(-1);
  };
  const expanded = open && hits !== null;

  return (
    <div class="typeahead">
      <label for="compare-search">{t('cmp.search')}</label>
      <input
        id="compare-search"
        type="text"
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls="compare-options"
        aria-activedescendant={expanded && active >= 0 && active < shown.length ? `compare-opt-${active}` : undefined}
        aria-describedby="compare-help"
        value={text}
        disabled={disabled}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onFocus={() => hits && setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setOpen(false);
            return;
          }
          if (e.key === 'Enter') {
            e.preventDefault();
            if (expanded && active >= 0 && shown[active]) pick(shown[active]);
            return;
          }
          const next = moveActive(e.key, active, shown.length);
          if (next !== null) {
            e.preventDefault();
            setOpen(true);
            setActive(next);
          }
        }}
      />
      <ul id="compare-options" role="listbox" aria-label={t('cmp.search')} class="typeahead-list" hidden={!expanded}>
        {shown.map((m, i) => (
          <li
            key={m.id}
            id={`compare-opt-${i}`}
            role="option"
            aria-selected={i === active}
            data-id={m.id}
            class={i === active ? 'active' : undefined}
            onMouseDown={(e) => {
              e.preventDefault(); // keep focus in the input
              pick(m);
            }}
            onMouseEnter={() => setActive(i)}
          >
            {m.name} <span class="muted">({t(`kind.${m.kind}`)})</span> {m.status === 'CANDIDATE' && <StatusBadge status={m.status} />}
          </li>
        ))}
        {shown.length === 0 && (
          <li role="option" aria-disabled="true" aria-selected={false} class="muted">
            {t('cmp.noMatch')}
          </li>
        )}
      </ul>
      <p id="compare-help" class="small muted">
        {t('cmp.searchHelp')}
      </p>
      <p class="visually-hidden" role="status" aria-live="polite">
        {expanded ? t('cmp.suggestions', { n: shown.length }) : ''}
      </p>
    </div>
  );
}

/** One value of the comparison table, as the API words it (several values, joined by "; ", as a list). */
function Value({ value }: { value: string }) {
  if (!value) return <span class="muted">—</span>;
  const parts = value.split('; ');
  if (parts.length === 1) return <>{value}</>;
  return (
    <ul class="plain">
      {parts.map((p, i) => (
        <li key={i}>{p}</li>
      ))}
    </ul>
  );
}

export function ComparePage() {
  const { t, L, route } = useApp();
  useTitle(t('compare.title'));
  const ids = compareIds(route.query.ids);
  const data = useQuery<{ compare: Comparison }>(ids.length ? COMPARE_QUERY : null, { ids, lang: L });
  const setIds = (next: string[]) => navigate(withQuery(route, { ids: next.join(',') }), { replace: true });
  const cmp = ids.length ? data.data?.compare : undefined;
  const items = cmp?.items ?? [];

  return (
    <>
      <h1>{t('compare.title')}</h1>
      <p class="lead">{t('compare.intro')}</p>
      <div class="compare-pick">
        <MethodTypeahead exclude={ids} disabled={ids.length >= MAX_COMPARE} onPick={(m) => ids.length < MAX_COMPARE && setIds([...ids, m.id])} />
        {ids.length >= MAX_COMPARE && <p class="muted">{t('compare.max')}</p>}
      </div>
      {ids.length === 0 && <p>{t('compare.empty')}</p>}
      {data.loading && ids.length > 0 && !cmp && <Loading />}
      {!data.loading && data.error && !cmp && <ErrorBox error={data.error} onRetry={data.retry} />}
      {cmp && items.length > 0 && (
        <>
          <PartialWarning error={data.error} />
          <p>
            <a href={`/compare.csv?ids=${ids.map(encodeURIComponent).join(',')}&lang=${L}`} download data-testid="compare-csv">
              {t('compare.csv')}
            </a>
          </p>
          <Scroll label={t('compare.title')}>
            <table class="data compare sticky-first" data-testid="compare">
              <thead>
                <tr>
                  <th scope="col">{t('compare.property')}</th>
                  {items.map((m) => (
                    <th scope="col" key={m.id} data-id={m.id}>
                      <NodeLink id={m.id}>{m.name}</NodeLink>{' '}
                      <button type="button" class="link-button" aria-label={t('compare.remove', { name: m.name })} onClick={() => setIds(ids.filter((x) => x !== m.id))}>
                        ✕
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {cmp.rows.map((r) => (
                  <tr key={r.property} data-property={r.property}>
                    <th scope="row">{r.label}</th>
                    {items.map((m, i) => (
                      <td key={m.id}>
                        <Value value={r.values[i] ?? ''} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        </>
      )}
    </>
  );
}
