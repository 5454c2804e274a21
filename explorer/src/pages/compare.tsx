import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { listParam, navigate, withQuery } from '../lib/router';
import { DirectionBadge, ErrorBox, Loading, NodeLink, PartialWarning, Scroll, StatusBadge, useApp, useQuery, useTitle } from '../ui';
import { period } from './method';

export const MAX_COMPARE = 5;

const CONCEPT = 'code label(lang: $lang)';
export const COMPARE_QUERY = `query Compare($ids: [ID!]!, $lang: Lang!) {
  nodes(ids: $ids) {
    __typename id
    ... on Method {
      kind status name(lang: $lang) goal(lang: $lang) approach(lang: $lang) duration(lang: $lang) intensity(lang: $lang) startYear endYear
      workModels { status workModel { id code name(lang: $lang) } }
      targetGroups { id label(lang: $lang) }
      actors { actorType actor { label(lang: $lang) } }
      supportFunctions { ${CONCEPT} }
      regions { ${CONCEPT} }
      evidenceRatings { registry level }
      preconditions { precondition { id label(lang: $lang) } }
      claims(first: 100) { totalCount nodes { id direction design outcome { id label(lang: $lang) } } }
      sources { id }
    }
  }
}`;

const PICK_QUERY = `query ComparePick($lang: Lang!) { methods(first: 500) { nodes { id kind name(lang: $lang) } } }`;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** Parses and cleans the ids parameter: unique, at most five. */
export function compareIds(v: string | undefined): string[] {
  return [...new Set(listParam(v))].slice(0, MAX_COMPARE);
}

export function ComparePage() {
  const { t, L, route, label } = useApp();
  useTitle(t('compare.title'));
  const ids = compareIds(route.query.ids);
  const data = useQuery<{ nodes: (Any | null)[] }>(ids.length ? COMPARE_QUERY : null, { ids, lang: L });
  const pick = useQuery<{ methods: { nodes: { id: string; kind: string; name: string }[] } }>(PICK_QUERY, { lang: L });
  const [choice, setChoice] = useState('');
  const setIds = (next: string[]) => navigate(withQuery(route, { ids: next.join(',') }), { replace: true });
  const methods: Any[] = (data.data?.nodes ?? []).filter((n) => n?.__typename === 'Method');

  const rows: [string, (m: Any) => ComponentChildren][] = [
    [t('f.kind'), (m) => t(`kind.${m.kind}`)],
    [t('f.status'), (m) => <StatusBadge status={m.status} />],
    [t('f.workModels'), (m) => m.workModels.map((a: Any) => <div key={a.workModel.id}><NodeLink id={a.workModel.id}>{a.workModel.code} {a.workModel.name}</NodeLink> <StatusBadge status={a.status} /></div>)],
    [t('f.goal'), (m) => m.goal],
    [t('f.targetGroups'), (m) => m.targetGroups.map((g: Any) => g.label).join(', ')],
    [t('f.approach'), (m) => m.approach],
    [t('f.actors'), (m) => [...new Set(m.actors.map((a: Any) => a.actor?.label ?? label('ActorType', a.actorType)))].join(', ')],
    [t('f.supportFunctions'), (m) => m.supportFunctions.map((c: Any) => c.label).join(', ')],
    [t('f.duration'), (m) => m.duration],
    [t('f.intensity'), (m) => m.intensity],
    [t('f.period'), (m) => period(m)],
    [t('f.regions'), (m) => m.regions.map((c: Any) => c.label).join(', ')],
    [
      t('compare.claims'),
      (m) => (
        <ul class="plain">
          {m.claims.nodes.map((c: Any) => (
            <li key={c.id}>
              <NodeLink id={c.outcome.id}>{c.outcome.label}</NodeLink>: <DirectionBadge direction={c.direction} />
              {c.design && <span class="muted small"> ({label('StudyDesign', c.design)})</span>}
            </li>
          ))}
        </ul>
      ),
    ],
    [t('f.evidenceLevel'), (m) => m.evidenceRatings.map((r: Any) => `${label('EvidenceLevel', r.level)} (${label('Registry', r.registry)})`).join('; ')],
    [t('sec.preconditions'), (m) => m.preconditions.map((r: Any) => r.precondition.label).join('; ')],
    [t('f.sources'), (m) => m.sources.length],
  ];

  const options = (pick.data?.methods.nodes ?? []).filter((m) => !ids.includes(m.id));
  return (
    <>
      <h1>{t('compare.title')}</h1>
      <p class="lead">{t('compare.intro')}</p>
      <form
        class="compare-pick"
        onSubmit={(e) => {
          e.preventDefault();
          if (choice && ids.length < MAX_COMPARE) setIds([...ids, choice]);
          setChoice('');
        }}
      >
        <label for="compare-add">{t('compare.pick')}</label>
        <div class="row">
          <select id="compare-add" value={choice} onChange={(e) => setChoice((e.target as HTMLSelectElement).value)} disabled={ids.length >= MAX_COMPARE}>
            <option value="">—</option>
            {options.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({t(`kind.${m.kind}`)})
              </option>
            ))}
          </select>
          <button type="submit" disabled={ids.length >= MAX_COMPARE || !choice}>
            {t('compare.add')}
          </button>
        </div>
        {ids.length >= MAX_COMPARE && <p class="muted">{t('compare.max')}</p>}
      </form>
      {ids.length === 0 && <p>{t('compare.empty')}</p>}
      {data.loading && ids.length > 0 && <Loading />}
      {!data.loading && data.error && methods.length === 0 && <ErrorBox error={data.error} onRetry={data.retry} />}
      {methods.length > 0 && (
        <>
          <PartialWarning error={data.error} />
          <p>
            <a href={`/compare.csv?ids=${ids.map(encodeURIComponent).join(',')}&lang=${L}`} download data-testid="compare-csv">
              {t('compare.csv')}
            </a>
          </p>
          <Scroll label={t('compare.title')}>
            <table class="data compare" data-testid="compare">
              <thead>
                <tr>
                  <th scope="col">{t('compare.property')}</th>
                  {methods.map((m) => (
                    <th scope="col" key={m.id}>
                      <NodeLink id={m.id}>{m.name}</NodeLink>{' '}
                      <button type="button" class="link-button" aria-label={t('compare.remove', { name: m.name })} onClick={() => setIds(ids.filter((x) => x !== m.id))}>
                        ✕
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map(([name, f]) => (
                  <tr key={name}>
                    <th scope="row">{name}</th>
                    {methods.map((m) => (
                      <td key={m.id}>{f(m)}</td>
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
