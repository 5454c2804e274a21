import { useEffect, useState } from 'preact/hooks';
import { gql, hasQueryField, type ApiError } from '../lib/api';
import { listParam, navigate, withQuery } from '../lib/router';
import { applyFacets, dedupe, facet, matches, snippet, typeOfNode, type Hit } from '../lib/search';
import { ErrorBox, Loading, PartialWarning, StatusBadge, useApp, useTitle } from '../ui';
import { SearchBox } from './home';

// Fallback (until the server has `search`): methods and sources filtered by the server, work
// models and outcomes filtered here.
export const FALLBACK_QUERY = `query SearchFallback($q: String!, $lang: Lang!) {
  methods(filter: {text: $q}, first: 100) { nodes { __typename id kind status name(lang: $lang) description(lang: $lang) } }
  sources(filter: {text: $q}, first: 100) { nodes { __typename id status title year container } }
  workModels(first: 50) { nodes { __typename id code status name(lang: $lang) description(lang: $lang) } }
  outcomes(first: 500) { nodes { __typename id status label(lang: $lang) measure(lang: $lang) } }
}`;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

interface TypeRef {
  name: string | null;
  kind: string;
  ofType?: TypeRef | null;
}
const named = (t: TypeRef | null | undefined): string | null => (t ? (t.name ?? named(t.ofType)) : null);
const TYPE_REF = 'name kind ofType { name kind ofType { name kind ofType { name kind } } }';

const HIT_FIELDS: Record<string, string> = {
  Method: 'id kind status name(lang: $lang) description(lang: $lang)',
  WorkModel: 'id code status name(lang: $lang) description(lang: $lang)',
  Source: 'id status title year container',
  Outcome: 'id status label(lang: $lang) measure(lang: $lang)',
  TargetGroup: 'id status label(lang: $lang)',
  Organisation: 'id status name(lang: $lang)',
  Precondition: 'id status label(lang: $lang)',
  Concept: 'id code label(lang: $lang)',
  Author: 'id name',
};

let serverQuery: Promise<{ query: string; wrapped: string | null; list: string } | null> | null = null;

/**
 * Builds a query for the server's `search` field from its introspected shape (a connection whose
 * `nodes` or `edges` hold either nodes or hits wrapping a node). Null when there is no such field
 * or its shape is not understood.
 */
async function serverSearchQuery() {
  if (!serverQuery) {
    serverQuery = (async () => {
      if (!(await hasQueryField('search'))) return null;
      const q = await gql<Any>(`query SearchShape { __type(name: "Query") { fields { name args { name } type { ${TYPE_REF} } } } }`);
      const field = q.data?.__type?.fields?.find((f: Any) => f.name === 'search');
      const conn = named(field?.type);
      if (!field || !conn) return null;
      const args: string[] = field.args.map((a: Any) => a.name);
      const c = await gql<Any>(`query SearchConn($n: String!) { __type(name: $n) { fields { name type { ${TYPE_REF} } } } }`, { n: conn });
      const cf: Any[] = c.data?.__type?.fields ?? [];
      const list = cf.find((f) => f.name === 'nodes') ?? cf.find((f) => f.name === 'hits') ?? cf.find((f) => f.name === 'edges');
      if (!list) return null;
      const itemType = named(list.type);
      const it = await gql<Any>(`query SearchItem($n: String!) { __type(name: $n) { kind fields { name } possibleTypes { name } } }`, { n: itemType });
      const item = it.data?.__type;
      if (!item) return null;
      let wrapped: string | null = null;
      let target = item;
      const itemFields: string[] = (item.fields ?? []).map((f: Any) => f.name);
      if (item.kind === 'OBJECT' && itemFields.includes('node')) {
        wrapped = 'node';
        target = null;
      }
      const possible: string[] = target?.possibleTypes?.map((p: Any) => p.name) ?? Object.keys(HIT_FIELDS);
      const frags = Object.entries(HIT_FIELDS)
        .filter(([ty]) => possible.includes(ty))
        .map(([ty, f]) => `... on ${ty} { ${f} }`)
        .join(' ');
      const extra = wrapped ? ['snippet', 'score'].filter((x) => itemFields.includes(x)).join(' ') : '';
      const sel = wrapped ? `node { __typename ${frags} } ${extra}` : `__typename ${frags}`;
      const total = cf.some((f) => f.name === 'totalCount') ? 'totalCount' : '';
      const params = ['$q: String!', '$lang: Lang!'];
      const callArgs = ['text: $q'];
      if (args.includes('lang')) callArgs.push('lang: $lang');
      if (args.includes('first')) callArgs.push('first: 100');
      const query = `query Search(${params.join(', ')}) { search(${callArgs.join(', ')}) { ${total} ${list.name} { ${sel} } } }`;
      return { query, wrapped, list: list.name };
    })();
  }
  return serverQuery;
}

function toHit(n: Any, q: string, snip?: string | null): Hit | null {
  if (!n?.id) return null;
  const type = typeOfNode(n);
  const title = n.name ?? n.title ?? n.label ?? n.code ?? n.id;
  const text = n.description ?? n.measure ?? n.container ?? null;
  return { id: n.id, type, title: n.code && n.__typename === 'WorkModel' ? `${n.code} ${title}` : title, status: n.status, snippet: snip ?? snippet(text, q) };
}

async function runSearch(q: string, lang: 'NL' | 'EN'): Promise<{ hits: Hit[]; server: boolean; error: ApiError | null }> {
  const sq = await serverSearchQuery().catch(() => null);
  if (sq) {
    const r = await gql<Any>(sq.query, { q, lang });
    const list = r.data?.search?.[sq.list];
    if (Array.isArray(list)) {
      const hits = list
        .map((x: Any) => (sq.wrapped ? toHit(x?.node, q, x?.snippet) : toHit(x, q)))
        .filter((h: Hit | null): h is Hit => !!h);
      return { hits: dedupe(hits), server: true, error: r.error };
    }
    // Shape not as expected: fall back.
  }
  const r = await gql<Any>(FALLBACK_QUERY, { q, lang });
  if (!r.data) return { hits: [], server: false, error: r.error };
  const hits: Hit[] = [];
  for (const w of r.data.workModels?.nodes ?? []) if (matches(q, w.name, w.description, w.code)) hits.push(toHit(w, q)!);
  for (const m of r.data.methods?.nodes ?? []) hits.push(toHit(m, q)!);
  for (const o of r.data.outcomes?.nodes ?? []) if (matches(q, o.label, o.measure)) hits.push(toHit(o, q)!);
  for (const s of r.data.sources?.nodes ?? []) hits.push(toHit(s, q)!);
  return { hits: dedupe(hits.filter(Boolean)), server: false, error: r.error };
}

export function SearchPage() {
  const { t, L, route, nodeHref } = useApp();
  const q = (route.query.q ?? '').trim();
  useTitle(q ? `${t('search.title')}: ${q}` : t('search.title'));
  const types = listParam(route.query.types);
  const statuses = listParam(route.query.status);
  const [state, setState] = useState<{ loading: boolean; hits: Hit[]; server: boolean; error: ApiError | null }>({ loading: false, hits: [], server: false, error: null });
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    if (!q) return setState({ loading: false, hits: [], server: false, error: null });
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    runSearch(q, L).then((r) => live && setState({ loading: false, ...r }));
    return () => {
      live = false;
    };
  }, [q, L, retry]);

  const shown = applyFacets(state.hits, types, statuses);
  const toggle = (key: 'types' | 'status', current: string[], value: string, on: boolean) => {
    const next = on ? [...current, value] : current.filter((x) => x !== value);
    navigate(withQuery(route, { [key]: next.join(',') }), { replace: true });
  };

  return (
    <>
      <h1>{t('search.title')}</h1>
      <SearchBox initial={q} key={q} id="search-q" />
      {!q && <p>{t('search.prompt')}</p>}
      {q && state.loading && <Loading />}
      {q && !state.loading && state.error && state.hits.length === 0 && <ErrorBox error={state.error} onRetry={() => setRetry((n) => n + 1)} />}
      {q && !state.loading && (state.hits.length > 0 || !state.error) && (
        <div class="search-layout">
          {!state.server && (
            <p class="info" role="note">
              {t('search.fallback')}
            </p>
          )}
          <PartialWarning error={state.hits.length > 0 ? state.error : null} />
          {state.hits.length > 0 && (
            <aside class="facets" aria-labelledby="facets-h">
              <h2 id="facets-h" class="h3">
                {t('search.facets')}
              </h2>
              <fieldset>
                <legend>{t('search.facet.type')}</legend>
                {facet(state.hits, (h) => h.type).map(([ty, n]) => (
                  <label key={ty} class="check">
                    <input type="checkbox" checked={types.includes(ty)} onChange={(e) => toggle('types', types, ty, (e.target as HTMLInputElement).checked)} />{' '}
                    {t(`type.${ty}`)} ({n})
                  </label>
                ))}
              </fieldset>
              <fieldset>
                <legend>{t('search.facet.status')}</legend>
                {facet(state.hits, (h) => h.status).map(([s, n]) => (
                  <label key={s} class="check">
                    <input type="checkbox" checked={statuses.includes(s)} onChange={(e) => toggle('status', statuses, s, (e.target as HTMLInputElement).checked)} />{' '}
                    {t(`status.${s}`)} ({n})
                  </label>
                ))}
              </fieldset>
              {(types.length > 0 || statuses.length > 0) && (
                <button type="button" onClick={() => navigate(withQuery(route, { types: undefined, status: undefined }), { replace: true })}>
                  {t('search.clear')}
                </button>
              )}
            </aside>
          )}
          <section aria-labelledby="results-h" class="results">
            <h2 id="results-h" class="h3" aria-live="polite">
              {shown.length > 0 ? t('search.results', { n: shown.length, q }) : t('search.none', { q })}
            </h2>
            <ul class="hits" data-testid="hits">
              {shown.map((h) => (
                <li key={h.id} data-type={h.type} data-id={h.id}>
                  <a href={nodeHref(h.id)}>{h.title}</a> <span class="tag">{t(`type.${h.type}`)}</span> <StatusBadge status={h.status} />
                  {h.snippet && <p class="small">{h.snippet}</p>}
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}
    </>
  );
}
