import { useEffect, useState } from 'preact/hooks';
import { HistorySection } from './history';
import { gql, type ApiError } from '../lib/api';
import { navigate, withQuery } from '../lib/router';
import { ENUM_AXIS_VALUES } from '../lib/matrix';
import { Dl, DirectionBadge, ErrorBox, ExtLink, Loading, NodeLink, PartialWarning, QueryView, Section, StatusBadge, useApp, useFocusHeading, useQuery, useTitle } from '../ui';
import { BATCHES, BatchLinks, useNoteText, type BatchRef } from './shared';

const SOURCE_TYPES = ENUM_AXIS_VALUES.SOURCE_TYPE!.codes;

export const SOURCES_QUERY = `query Sources($filter: SourceFilter, $after: String) {
  sources(filter: $filter, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id type status title year container authors { name } url }
  }
  batches { id description loadedAt }
}`;

interface SourceItem {
  id: string;
  type: string;
  status: string;
  title: string;
  year?: number | null;
  container?: string | null;
  authors: { name: string }[];
  url?: string | null;
}

export function authorList(authors: { name: string }[], max = 3): string {
  if (authors.length <= max) return authors.map((a) => a.name).join('; ');
  return authors.slice(0, max).map((a) => a.name).join('; ') + ' et al.';
}

export function SourcesPage() {
  const { t, route, label, nodeHref } = useApp();
  useTitle(t('sources.title'));
  const q = route.query;
  const [text, setText] = useState(q.text ?? '');
  const [state, setState] = useState<{ loading: boolean; items: SourceItem[]; total: number; next: string | null; batches: BatchRef[]; error: ApiError | null }>({
    loading: true, items: [], total: 0, next: null, batches: [], error: null,
  });
  const filter: Record<string, unknown> = {};
  if (q.text) filter.text = q.text;
  if (q.type && SOURCE_TYPES.includes(q.type)) filter.type = [q.type];
  if (q.batch) filter.batch = q.batch;
  const fkey = JSON.stringify(filter);

  const load = async (after: string | null) => {
    setState((s) => ({ ...s, loading: true }));
    const r = await gql<{ sources: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: SourceItem[] }; batches: BatchRef[] }>(
      SOURCES_QUERY,
      { filter: Object.keys(filter).length ? filter : null, after },
    );
    setState((s) => ({
      loading: false,
      items: after ? [...s.items, ...(r.data?.sources.nodes ?? [])] : (r.data?.sources.nodes ?? []),
      total: r.data?.sources.totalCount ?? 0,
      next: r.data?.sources.pageInfo.hasNextPage ? r.data.sources.pageInfo.endCursor : null,
      batches: r.data?.batches ?? s.batches,
      error: r.error,
    }));
  };
  useEffect(() => {
    void load(null);
  }, [fkey]);

  const go = (changes: Record<string, string | undefined>) => navigate(withQuery(route, changes), { replace: true });

  return (
    <>
      <h1>{t('sources.title')}</h1>
      <p class="lead">{t('sources.intro')}</p>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ text: text.trim() });
        }}
      >
        <div class="field">
          <label for="src-text">{t('sources.filter.text')}</label>
          <div class="row">
            <input id="src-text" type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
            <button type="submit">{t('search.button')}</button>
          </div>
        </div>
        <div class="field">
          <label for="src-type">{t('sources.filter.type')}</label>
          <select id="src-type" value={q.type ?? ''} onChange={(e) => go({ type: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('matrix.any')}</option>
            {SOURCE_TYPES.map((s) => (
              <option key={s} value={s}>
                {label('SourceType', s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="src-batch">{t('sources.filter.batch')}</label>
          <select id="src-batch" value={q.batch ?? ''} onChange={(e) => go({ batch: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('matrix.any')}</option>
            {state.batches.map((b) => (
              <option key={b.id} value={b.id}>
                {b.id.replace(/^kring:batch\//, '')}
              </option>
            ))}
          </select>
        </div>
      </form>
      {state.error && state.items.length === 0 && !state.loading && <ErrorBox error={state.error} onRetry={() => void load(null)} />}
      {state.items.length > 0 && <PartialWarning error={state.error} />}
      {!state.error || state.items.length > 0 ? (
        <>
          <p aria-live="polite">{state.loading && state.items.length === 0 ? '' : t('sources.count', { n: state.total })}</p>
          <ul class="source-items" data-testid="sources">
            {state.items.map((s) => (
              <li key={s.id} data-id={s.id}>
                <a href={nodeHref(s.id)}>{s.title}</a> {s.status !== 'CONFIRMED' && <StatusBadge status={s.status} />}
                <div class="small muted">
                  {[authorList(s.authors), s.year, s.container, label('SourceType', s.type)].filter(Boolean).join(' · ')}
                </div>
              </li>
            ))}
          </ul>
          {state.loading && <Loading />}
          {state.next && !state.loading && (
            <button type="button" onClick={() => void load(state.next)}>
              {t('sources.more')}
            </button>
          )}
        </>
      ) : null}
    </>
  );
}

const NAMED = '__typename id ... on Method { name(lang: $lang) } ... on WorkModel { code name(lang: $lang) }';
export const SOURCE_QUERY = `query Source($id: ID!, $lang: Lang!) {
  source(id: $id) {
    id type status title year container volume issue pages publisher doi isbn url language peerReviewed note
    authors { id name }
    citedBy {
      __typename id status
      ... on Assignment { method { id name(lang: $lang) } workModel { id code name(lang: $lang) } basis }
      ... on Involvement { method { id name(lang: $lang) } actorType actor { label(lang: $lang) } }
      ... on Requirement { subject { ${NAMED} } precondition { id label(lang: $lang) } }
      ... on Characteristic { subject { ${NAMED} } kind ctext: text(lang: $lang) }
      ... on Assessment { subject { ${NAMED} } criterion value stakeholderGroup }
      ... on OutcomeClaim { method { id name(lang: $lang) } outcome { id label(lang: $lang) } direction design }
      ... on EvidenceRating { method { id name(lang: $lang) } registry level }
      ... on PolicyRecommendation { rtext: text(lang: $lang) }
      ... on PolicyAction { year adesc: description(lang: $lang) }
      ... on Experience { perspective etext: text(lang: $lang) }
    }
    ${BATCHES}
  }
}`;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

function Subject({ s }: { s: Any }) {
  if (!s) return null;
  return <NodeLink id={s.id}>{s.code ? `${s.code} ${s.name}` : (s.name ?? s.id)}</NodeLink>;
}

function CitedBy({ c }: { c: Any }) {
  const { t, label } = useApp();
  switch (c.__typename) {
    case 'Assignment':
      return (
        <>
          <NodeLink id={c.method.id}>{c.method.name}</NodeLink> → <NodeLink id={c.workModel.id}>{c.workModel.code} {c.workModel.name}</NodeLink>
        </>
      );
    case 'Involvement':
      return (
        <>
          <NodeLink id={c.method.id}>{c.method.name}</NodeLink>: {c.actor?.label ?? label('ActorType', c.actorType)}
        </>
      );
    case 'Requirement':
      return (
        <>
          <Subject s={c.subject} />: {c.precondition.label}
        </>
      );
    case 'Characteristic':
      return (
        <>
          <Subject s={c.subject} />: {t(`swot.${c.kind}`)} — {c.ctext}
        </>
      );
    case 'Assessment':
      return (
        <>
          <Subject s={c.subject} />: {label('Criterion', c.criterion)} = {label('AssessmentValue', c.value)} ({label('StakeholderGroup', c.stakeholderGroup)})
        </>
      );
    case 'OutcomeClaim':
      return (
        <>
          <NodeLink id={c.method.id}>{c.method.name}</NodeLink> → <NodeLink id={c.outcome.id}>{c.outcome.label}</NodeLink>: <DirectionBadge direction={c.direction} />
          {c.design && <span class="muted small"> ({label('StudyDesign', c.design)})</span>}
        </>
      );
    case 'EvidenceRating':
      return (
        <>
          <NodeLink id={c.method.id}>{c.method.name}</NodeLink>: {label('EvidenceLevel', c.level)} ({label('Registry', c.registry)})
        </>
      );
    case 'PolicyRecommendation':
      return <>{c.rtext}</>;
    case 'PolicyAction':
      return (
        <>
          {c.year ? `${c.year}: ` : ''}
          {c.adesc}
        </>
      );
    case 'Experience':
      return (
        <>
          <NodeLink id={c.id}>{label('Perspective', c.perspective)}</NodeLink>: {c.etext}
        </>
      );
    default:
      return <>{c.id}</>;
  }
}

export function SourcePage({ id }: { id: string }) {
  const { t, L } = useApp();
  const state = useQuery<{ source: Any }>(SOURCE_QUERY, { id, lang: L });
  const s = state.data?.source;
  useTitle(s?.title);
  const h1 = useFocusHeading(!!s, id);
  return (
    <QueryView page state={state} pick={(d) => d.source}>
      {(s: Any) => {
        const groups = new Map<string, Any[]>();
        for (const c of s.citedBy ?? []) groups.set(c.__typename, [...(groups.get(c.__typename) ?? []), c]);
        return (
          <article class="record-page" data-id={s.id}>
            <p class="eyebrow">{t('type.SOURCE')}</p>
            <h1 ref={h1} tabIndex={-1}>
              {s.title}
            </h1>
            <p>
              <StatusBadge status={s.status} long />
            </p>
            <SourceRecord s={s} />
            {s.url && (
              <p>
                <ExtLink href={s.url}>{t('source.open')}</ExtLink>
              </p>
            )}
            <Section id="citedby" title={t('source.citedBy')} count={(s.citedBy ?? []).length}>
              {groups.size === 0 && <p class="muted">{t('none')}</p>}
              {[...groups.entries()].map(([ty, list]) => (
                <div key={ty}>
                  <h3>{t(`claimType.${ty}`)}</h3>
                  <ul class="plain" data-testid={`cited-${ty}`}>
                    {list.map((c) => (
                      <li key={c.id}>
                        <CitedBy c={c} /> <StatusBadge status={c.status} />
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </Section>
            <Section id="provenance" title={t('sec.provenance')}>
              <BatchLinks batches={s.batches} />
            </Section>
            <HistorySection id={s.id} />
          </article>
        );
      }}
    </QueryView>
  );
}

function SourceRecord({ s }: { s: Any }) {
  const { t, label, lang } = useApp();
  const note = useNoteText(s.note);
  const where = [s.container, s.volume && `${s.volume}${s.issue ? `(${s.issue})` : ''}`, s.pages].filter(Boolean).join(', ');
  return (
    <Dl
      items={[
        [t('f.authors'), s.authors.length > 0 && s.authors.map((a: Any) => a.name).join('; ')],
        [t('f.year'), s.year],
        [t('f.container'), where],
        [t('f.publisher'), s.publisher],
        [t('f.type'), label('SourceType', s.type)],
        [t('f.doi'), s.doi && <ExtLink href={`https://doi.org/${s.doi}`}>{s.doi}</ExtLink>],
        ['ISBN', s.isbn],
        [t('f.language'), s.language && languageName(lang, s.language)],
        [t('f.peerReviewed'), s.peerReviewed == null ? null : s.peerReviewed ? t('yes') : t('no')],
        [t('f.note'), note],
      ]}
    />
  );
}


/** A language code (`nl`, `en`) as a name in the page language; the code when unknown. */
export function languageName(lang: 'nl' | 'en', code: string): string {
  try {
    return new Intl.DisplayNames([lang === 'nl' ? 'nl-BE' : 'en-GB'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
