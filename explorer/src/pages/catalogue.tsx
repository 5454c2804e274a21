// The intervention catalogue (/catalogus): every method and initiative in one list, as the
// databanks of Movisie and NJi offer, filterable, sortable, shareable by URL and downloadable.

import { useEffect, useState } from 'preact/hooks';
import { gql, type ApiError } from '../lib/api';
import { navigate, withQuery } from '../lib/router';
import {
  CONFIDENCE_MIN, KINDS, ORDER_FIELDS, STATUSES, catalogueOrder, catalogueQuery, catalogueState, catalogueWhere, defaultDesc, hasFilters, activeFilters,
  type CatalogueState, type OrderField,
} from '../lib/catalogue';
import { downloadText } from '../lib/matrix';
import { ErrorBox, Loading, NodeLink, PartialWarning, Scroll, StatusBadge, useApp, useQuery, useTitle } from '../ui';
import { ConfidenceBadge } from './matrix';

const SCHEMES = ['ActorType', 'Region', 'OutcomeDomain', 'EvidenceLevel'] as const;

export const CATALOGUE_OPTIONS_QUERY = `query CatalogueOptions($lang: Lang!) {
  workModels(first: 50) { nodes { id code status name(lang: $lang) } }
  targetGroups { id label(lang: $lang) }
${SCHEMES.map((s) => `  ${s}: concepts(scheme: "${s}") { code label(lang: $lang) }`).join('\n')}
}`;

export const CATALOGUE_QUERY = `query Catalogue($where: MethodWhere, $orderBy: [MethodOrder!], $after: String, $lang: Lang!) {
  findMethods(where: $where, orderBy: $orderBy, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id kind status name(lang: $lang)
      workModels { status workModel { id code name(lang: $lang) } }
      targetGroups { id label(lang: $lang) }
      actors { actorType actor { label(lang: $lang) } }
      regions { code label(lang: $lang) }
      evidenceRatings { registry level }
      claimCount(scope: ALL)
      confidence { level }
    }
  }
}`;

export const CATALOGUE_CSV_QUERY = `query CatalogueCsv($where: MethodWhere, $orderBy: [MethodOrder!], $lang: Lang!) {
  catalogueCsv(where: $where, orderBy: $orderBy, lang: $lang)
}`;

interface Row {
  id: string;
  kind: string;
  status: string;
  name: string;
  workModels: { status: string; workModel: { id: string; code: string; name: string } }[];
  targetGroups: { id: string; label: string }[];
  actors: { actorType: string; actor: { label: string } | null }[];
  regions: { code: string; label: string }[];
  evidenceRatings: { registry: string; level: string }[];
  claimCount: number;
  confidence: { level: string } | null;
}

type Options = {
  workModels: { nodes: { id: string; code: string; status: string; name: string }[] };
  targetGroups: { id: string; label: string }[];
} & Record<(typeof SCHEMES)[number], { code: string; label: string }[] | null>;

function Select({ id, text, value, options, onPick }: { id: string; text: string; value?: string; options: [string, string][]; onPick: (v: string | undefined) => void }) {
  const { t } = useApp();
  return (
    <div class="field">
      <label for={id}>{text}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onPick((e.target as HTMLSelectElement).value || undefined)}>
        <option value="">{t('matrix.any')}</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CataloguePage() {
  const { t, L, route, label } = useApp();
  useTitle(t('cat.title'));
  const s = catalogueState(route.query);
  const where = catalogueWhere(s);
  const orderBy = catalogueOrder(s, L);
  const opts = useQuery<Options>(CATALOGUE_OPTIONS_QUERY, { lang: L });
  const [text, setText] = useState(s.text ?? '');
  // `for`: the where and orderBy the list was loaded for (so that a stale list is never taken as current).
  const [list, setList] = useState<{ rows: Row[]; total: number; next: string | null; loading: boolean; error: ApiError | null; for: string }>({ rows: [], total: 0, next: null, loading: true, error: null, for: '' });
  const [csvError, setCsvError] = useState<ApiError | null>(null);
  // Filters start open on wide screens and folded on phones (they fill a phone's first screen).
  const [filtersOpen, setFiltersOpen] = useState(() => typeof matchMedia === 'undefined' || !matchMedia('(max-width: 40rem)').matches);
  const key = JSON.stringify([where, orderBy]);

  const load = (after: string | null, live: () => boolean = () => true) => {
    setList((l) => ({ ...l, loading: true }));
    gql<{ findMethods: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Row[] } }>(CATALOGUE_QUERY, { where, orderBy, after, lang: L }).then((r) => {
      if (!live()) return;
      const fm = r.data?.findMethods;
      setList((l) => ({
        rows: fm ? [...(after ? l.rows : []), ...fm.nodes] : after ? l.rows : [],
        total: fm?.totalCount ?? 0,
        next: fm?.pageInfo.hasNextPage ? fm.pageInfo.endCursor : null,
        loading: false,
        error: r.error,
        for: key,
      }));
    });
  };
  useEffect(() => {
    let live = true;
    load(null, () => live);
    return () => {
      live = false;
    };
  }, [key]);

  const go = (changes: Partial<CatalogueState>) => navigate(withQuery(route, catalogueQuery({ ...s, ...changes })), { replace: true });
  const o = opts.data;
  const codes = (scheme: (typeof SCHEMES)[number]): [string, string][] => (o?.[scheme] ?? []).map((c) => [c.code, c.label || label(scheme, c.code)]);

  const downloadCsv = async () => {
    setCsvError(null);
    const r = await gql<{ catalogueCsv: string }>(CATALOGUE_CSV_QUERY, { where, orderBy, lang: L });
    if (r.data?.catalogueCsv == null) return setCsvError(r.error ?? { kind: 'graphql', message: 'no data', messages: [] });
    downloadText(`kring-catalogus-${L.toLowerCase()}.csv`, '\uFEFF' + r.data.catalogueCsv, 'text/csv;charset=utf-8');
  };

  return (
    <>
      <h1>{t('cat.title')}</h1>
      <p class="lead">{t('cat.intro')}</p>
      <details class="filter-box" open={filtersOpen} onToggle={(e) => setFiltersOpen((e.target as HTMLDetailsElement).open)}>
        <summary>
          {t('cat.filters')}
          {hasFilters(s) ? ` (${t('cat.active', { n: activeFilters(s) })})` : ''}
        </summary>
      <form
        class="catalogue-filters"
        role="search"
        aria-label={t('cat.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          go({ text: text.trim() || undefined });
        }}
      >
        <div class="field text-field">
          <label for="cat-q">{t('cat.text')}</label>
          <span class="row">
            <input id="cat-q" type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
            <button type="submit">{t('search.button')}</button>
          </span>
        </div>
        <Select id="cat-kind" text={t('cat.kind')} value={s.kind} options={KINDS.map((k) => [k, t(`kind.${k}`)])} onPick={(v) => go({ kind: v as CatalogueState['kind'] })} />
        <Select id="cat-wm" text={t('f.workModels')} value={s.workModel}
          options={(o?.workModels.nodes ?? []).map((w) => [w.id, `${w.code} ${w.name}${w.status === 'CANDIDATE' ? ` (${t('status.CANDIDATE')})` : ''}`])}
          onPick={(v) => go({ workModel: v })} />
        <Select id="cat-actor" text={t('f.actors')} value={s.actorType} options={codes('ActorType')} onPick={(v) => go({ actorType: v })} />
        <Select id="cat-tg" text={t('f.targetGroups')} value={s.targetGroup}
          options={(o?.targetGroups ?? []).map((g) => [g.id, g.label] as [string, string]).sort((a, b) => a[1].localeCompare(b[1]))}
          onPick={(v) => go({ targetGroup: v })} />
        <Select id="cat-region" text={t('f.regions')} value={s.region} options={codes('Region')} onPick={(v) => go({ region: v })} />
        <Select id="cat-domain" text={t('cat.domain')} value={s.outcomeDomain} options={codes('OutcomeDomain')} onPick={(v) => go({ outcomeDomain: v })} />
        <Select id="cat-level" text={t('cat.minLevel')} value={s.minEvidenceLevel} options={codes('EvidenceLevel')} onPick={(v) => go({ minEvidenceLevel: v })} />
        <Select id="cat-conf" text={t('cat.minConfidence')} value={s.minConfidence} options={CONFIDENCE_MIN.map((c) => [c, t(`conf.${c}`)])} onPick={(v) => go({ minConfidence: v })} />
        <fieldset class="field">
          <legend>{t('f.status')}</legend>
          {STATUSES.map((st) => (
            <label class="check" key={st}>
              <input
                type="checkbox"
                name="cat-status"
                value={st}
                checked={s.status.includes(st)}
                onChange={(e) => go({ status: (e.target as HTMLInputElement).checked ? [...s.status, st] : s.status.filter((x) => x !== st) })}
              />{' '}
              {t(`status.${st}`)}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="cat-sort">{t('cat.sort')}</label>
          <select id="cat-sort" value={s.sort} onChange={(e) => {
            const by = (e.target as HTMLSelectElement).value as OrderField;
            go({ sort: by, desc: defaultDesc(by) });
          }}>
            {ORDER_FIELDS.map((f) => (
              <option key={f} value={f}>
                {t(`cat.by.${f}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="cat-dir">{t('cat.order')}</label>
          <select id="cat-dir" value={s.desc ? 'desc' : 'asc'} onChange={(e) => go({ desc: (e.target as HTMLSelectElement).value === 'desc' })}>
            <option value="asc">{t('cat.asc')}</option>
            <option value="desc">{t('cat.desc')}</option>
          </select>
        </div>
      </form>
      </details>
      <p class="catalogue-actions">
        {hasFilters(s) && (
          <a href={withQuery(route, Object.fromEntries(Object.keys(catalogueQuery(s)).map((k) => [k, undefined])))} data-testid="cat-clear" onClick={() => setText('')}>
            {t('cat.clear')}
          </a>
        )}{' '}
        <button type="button" onClick={downloadCsv} data-testid="catalogue-csv">
          {t('cat.csv')}
        </button>
      </p>
      <p class="small muted">{t('cat.share')}</p>
      {csvError && <ErrorBox error={csvError} />}
      {opts.error && <PartialWarning error={opts.error} />}
      {list.loading && list.rows.length === 0 && <Loading />}
      {!list.loading && list.error && list.rows.length === 0 && <ErrorBox error={list.error} onRetry={() => load(null)} />}
      {!(list.loading && list.rows.length === 0) && !(list.error && list.rows.length === 0) && (
        <>
          <p role="status" data-testid="cat-count" data-current={String(!list.loading && list.for === key)}>
            <strong>{t('cat.count', { n: list.total })}</strong>
          </p>
          {list.error && <PartialWarning error={list.error} />}
          {list.rows.length === 0 ? (
            <p>{t('cat.empty')}</p>
          ) : (
            <Scroll label={t('cat.caption')}>
              <table class="data catalogue sticky-first" data-testid="catalogue">
                <caption class="visually-hidden">{t('cat.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('f.name')}</th>
                    <th scope="col">{t('mx.confidence')}</th>
                    <th scope="col">{t('cat.claims')}</th>
                    <th scope="col">{t('f.evidenceLevel')}</th>
                    <th scope="col">{t('f.workModels')}</th>
                    <th scope="col">{t('f.targetGroups')}</th>
                    <th scope="col">{t('f.actors')}</th>
                    <th scope="col">{t('f.regions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.rows.map((m) => (
                    <tr key={m.id} data-id={m.id} data-kind={m.kind}>
                      <th scope="row">
                        <NodeLink id={m.id}>{m.name}</NodeLink>
                        <div class="small">
                          <span class="muted">{t(`kind.${m.kind}`)}</span> {m.status !== 'CONFIRMED' && <StatusBadge status={m.status} />}
                        </div>
                      </th>
                      <td>
                        <ConfidenceBadge level={m.confidence?.level} />
                      </td>
                      <td class="num" data-testid="claim-count">{m.claimCount}</td>
                      <td>{m.evidenceRatings.map((r) => `${label('EvidenceLevel', r.level)} (${label('Registry', r.registry)})`).join('; ')}</td>
                      <td>
                        {m.workModels.map((a) => (
                          <div key={a.workModel.id}>
                            <NodeLink id={a.workModel.id}>{a.workModel.code}</NodeLink> {a.status !== 'CONFIRMED' && <StatusBadge status={a.status} />}
                          </div>
                        ))}
                      </td>
                      <td>{m.targetGroups.map((g) => g.label).join('; ')}</td>
                      <td>{[...new Set(m.actors.map((a) => a.actor?.label ?? label('ActorType', a.actorType)))].join(', ')}</td>
                      <td>{m.regions.map((r) => r.label).join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          )}
          {list.next && (
            <p>
              <button type="button" onClick={() => load(list.next)} disabled={list.loading}>
                {t('cat.more')}
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}
