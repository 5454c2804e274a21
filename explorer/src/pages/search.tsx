import { useEffect, useState } from 'preact/hooks';
import { gql, hasQueryField, type ApiError } from '../lib/api';
import { listParam, navigate, withQuery } from '../lib/router';
import { applyFacets, dedupe, facet, matches, snippet, typeOfNode, type Hit } from '../lib/search';
import { highlightSegments } from '../lib/text';
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
  // ui-pages (issue 11): recommendations and the other claim-like hits get a readable title
  PolicyRecommendation: 'id status text(lang: $lang)',
  PolicyAction: 'id status adesc: description(lang: $lang)',
  OutcomeClaim: 'id status ctext: text(lang: $lang) method { name(lang: $lang) } outcome { label(lang: $lang) }',
  Characteristic: 'id status text(lang: $lang) subject { __typename ... on Method { name(lang: $lang) } ... on WorkModel { name(lang: $lang) } }',
  Assessment: 'id status atext: text(lang: $lang) subject { __typename ... on Method { name(lang: $lang) } ... on WorkModel { name(lang: $lang) } }',
  Involvement: 'id status actor { label(lang: $lang) } method { name(lang: $lang) }',
  Framework: 'id status name(lang: $lang) description(lang: $lang)',
  FrameworkCategory: 'id label(lang: $lang) description(lang: $lang)',
  // the study's questions, parameters and experiences (issue 12): found, then shown on /over
  ResearchQuestion: 'id status text(lang: $lang)',
  StudyParameter: 'id status label(lang: $lang)',
  Experience: 'id status text(lang: $lang)',
};

// ui-pages (issue 11): the search as the API offers it: ranked hits with highlight fragments
// (escaped HTML with <mark>) and facet counts over all hits.
export const HIGHLIGHT_QUERY = `query SearchHighlights($q: String!, $lang: Lang!, $types: [NodeType!]) {
  search(text: $q, lang: $lang, types: $types, first: 100) {
    totalCount
    facets { types { type count } statuses { status count } }
    edges { highlights { field lang fragments } node { __typename ${Object.entries(HIT_FIELDS).map(([ty, f]) => `... on ${ty} { ${f} }`).join(' ')} } }
  }
}`;

export interface Highlight {
  field: string;
  lang?: string | null;
  fragments: string[];
}

const TITLE_FIELDS = ['name', 'label', 'title', 'text'];

/**
 * The highlights a page in `lang` may show: those in the page language or in no particular
 * language (titles, aliases), the title field apart from the others.
 */
export function pickHighlights(hs: Highlight[] | undefined, lang: 'NL' | 'EN', titleField: string): { title: Highlight | null; rest: Highlight[] } {
  const ok = (hs ?? []).filter((h) => !h.lang || h.lang === lang);
  const title = ok.find((h) => h.field === titleField && h.fragments.length === 1 && !h.fragments[0].startsWith('…') && !h.fragments[0].endsWith('…')) ?? null;
  return { title, rest: ok.filter((h) => h !== title && !(TITLE_FIELDS.includes(h.field) && h.field === titleField)).slice(0, 2) };
}

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
  n = { ...n, text: n.text ?? n.ctext ?? n.atext ?? undefined };
  const context = n.method?.name ?? n.subject?.name ?? n.actor?.label ?? null;
  const title =
    n.name ?? n.title ?? n.label ?? n.adesc ?? n.text ?? (n.actor?.label && n.method?.name ? `${n.method.name}: ${n.actor.label}` : null) ??
    (n.method?.name && n.outcome?.label ? `${n.method.name} → ${n.outcome.label}` : null) ??
    n.code ??
    n.id;
  const text = n.description ?? n.measure ?? n.container ?? (context && context !== title ? context : null);
  return { id: n.id, type, title: n.code && n.__typename === 'WorkModel' ? `${n.code} ${title}` : title, status: n.status, snippet: snip ?? snippet(text, q) };
}

const TITLE_FIELD: Record<string, string> = {
  Source: 'title', Outcome: 'label', TargetGroup: 'label', Precondition: 'label', Concept: 'label', FrameworkCategory: 'label',
  PolicyRecommendation: 'text', OutcomeClaim: 'text', Characteristic: 'text', Assessment: 'text', PolicyAction: 'description',
  ResearchQuestion: 'text', StudyParameter: 'label', Experience: 'text',
};

export interface SHit extends Hit {
  highlights?: Highlight[];
  titleField?: string;
}

export interface Facets {
  types: { type: string; count: number }[];
  statuses: { status: string; count: number }[];
}

interface SearchState {
  hits: SHit[];
  server: boolean;
  error: ApiError | null;
  facets?: Facets;
  total?: number;
}

async function runSearch(q: string, lang: 'NL' | 'EN', types: string[] = []): Promise<SearchState> {
  if (await hasQueryField('search')) {
    const r = await gql<Any>(HIGHLIGHT_QUERY, { q, lang, types: types.length ? types : null });
    const res = r.data?.search;
    if (res?.edges) {
      const hits: SHit[] = res.edges
        .map((e: Any) => {
          const h = toHit(e.node, q, null) as SHit | null;
          if (h) {
            h.highlights = e.highlights;
            h.titleField = TITLE_FIELD[e.node.__typename] ?? 'name';
          }
          return h;
        })
        .filter((h: SHit | null): h is SHit => !!h);
      return { hits: dedupe(hits) as SHit[], server: true, error: r.error, facets: res.facets, total: res.totalCount };
    }
    if (r.error && !r.data) return { hits: [], server: true, error: r.error };
  }
  return runLegacySearch(q, lang);
}

async function runLegacySearch(q: string, lang: 'NL' | 'EN'): Promise<SearchState> {
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

/** A highlight fragment: only the server's <mark> becomes markup; everything else is text. */
export function HighlightText({ html }: { html: string }) {
  return (
    <>
      {highlightSegments(html).map((seg, i) => (seg.mark ? <mark key={i}>{seg.text}</mark> : seg.text))}
    </>
  );
}

function HitView({ h }: { h: SHit }) {
  const { t, L, nodeHref } = useApp();
  const { title, rest } = pickHighlights(h.highlights, L, h.titleField ?? 'name');
  return (
    <li data-type={h.type} data-id={h.id}>
      <a href={nodeHref(h.id)}>{title && h.type !== 'WORK_MODEL' ? <HighlightText html={title.fragments[0]} /> : h.title}</a> <span class="tag">{t(`type.${h.type}`)}</span>{' '}
      <StatusBadge status={h.status} />
      {rest.length > 0 ? (
        rest.map((hl) => (
          <p key={hl.field + (hl.lang ?? '')} class="small hl" data-field={hl.field}>
            <span class="muted">{t('search.highlightIn', { field: t(`search.field.${hl.field}`) === `search.field.${hl.field}` ? t('search.field.other') : t(`search.field.${hl.field}`) })}: </span>
            {hl.fragments.slice(0, 2).map((f, i) => (
              <span key={i}>
                {i > 0 && ' '}
                <HighlightText html={f} />
              </span>
            ))}
          </p>
        ))
      ) : h.snippet && !h.highlights ? (
        <p class="small">{h.snippet}</p>
      ) : null}
    </li>
  );
}

export function SearchPage() {
  const { t, L, route } = useApp();
  const q = (route.query.q ?? '').trim();
  useTitle(q ? `${t('search.title')}: ${q}` : t('search.title'));
  const types = listParam(route.query.types);
  const statuses = listParam(route.query.status);
  const [state, setState] = useState<SearchState & { loading: boolean }>({ loading: false, hits: [], server: false, error: null });
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    if (!q) return setState({ loading: false, hits: [], server: false, error: null });
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    runSearch(q, L, types).then((r) => live && setState({ loading: false, ...r }));
    return () => {
      live = false;
    };
  }, [q, L, retry, route.query.types]);

  // With the server's facets the type filter is applied by the server (its type counts ignore
  // it); the status filter is applied here.
  const serverFacets = state.facets;
  const shown = serverFacets ? applyFacets(state.hits, [], statuses) : applyFacets(state.hits, types, statuses);
  const typeFacet: [string, number][] = serverFacets ? serverFacets.types.map((x) => [x.type, x.count]) : facet(state.hits, (h) => h.type);
  const statusFacet: [string, number][] = serverFacets ? serverFacets.statuses.map((x) => [x.status, x.count]) : facet(state.hits, (h) => h.status);
  const toggle = (key: 'types' | 'status', current: string[], value: string, on: boolean) => {
    const next = on ? [...current, value] : current.filter((x) => x !== value);
    navigate(withQuery(route, { [key]: next.join(',') }), { replace: true });
  };
  const count = serverFacets && statuses.length === 0 ? (state.total ?? shown.length) : shown.length;

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
          {(state.hits.length > 0 || types.length > 0) && (
            <aside class="facets" aria-labelledby="facets-h" data-testid="facets">
              <h2 id="facets-h" class="h3">
                {t('search.facets')}
              </h2>
              <fieldset>
                <legend>{serverFacets ? t('search.facet.serverTypes') : t('search.facet.type')}</legend>
                {typeFacet.map(([ty, n]) => (
                  <label key={ty} class="check" data-facet-type={ty}>
                    <input type="checkbox" checked={types.includes(ty)} onChange={(e) => toggle('types', types, ty, (e.target as HTMLInputElement).checked)} />{' '}
                    {t(`type.${ty}`)} <span class="facet-count">({n})</span>
                  </label>
                ))}
              </fieldset>
              <fieldset>
                <legend>{t('search.facet.status')}</legend>
                {statusFacet.map(([s, n]) => (
                  <label key={s} class="check" data-facet-status={s}>
                    <input type="checkbox" checked={statuses.includes(s)} onChange={(e) => toggle('status', statuses, s, (e.target as HTMLInputElement).checked)} />{' '}
                    {t(`status.${s}`)} <span class="facet-count">({n})</span>
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
              {shown.length > 0 ? t('search.results', { n: count, q }) : t('search.none', { q })}
            </h2>
            <ul class="hits" data-testid="hits">
              {shown.map((h) => (
                <HitView key={h.id} h={h} />
              ))}
            </ul>
          </section>
        </div>
      )}
    </>
  );
}
