import { useFocusHeading, QueryView, Section, SourceLinks, SourceList, StatusBadge, useApp, useQuery, useTitle, type SourceRef } from '../ui';
import { HistorySection } from './history';
import { ASSESSMENTS, Assessments, BATCHES, BatchLinks, CHARACTERISTICS, Note, Preconditions, REQUIREMENTS, SRC, Swot, type Assessment, type BatchRef, type Characteristic, type Requirement } from './shared';

export const WORKMODEL_QUERY = `query WorkModel($id: ID!, $lang: Lang!) {
  workModel(id: $id) {
    id code status name(lang: $lang) description(lang: $lang) cluster(lang: $lang) note
    sources { ${SRC} }
    assignments { id status primary basis note sources { ${SRC} } method { id kind status name(lang: $lang) } }
    ${CHARACTERISTICS}
    ${REQUIREMENTS}
    ${ASSESSMENTS}
    ${BATCHES}
  }
}`;

interface Assignment {
  id: string;
  status: string;
  primary: boolean;
  basis: string;
  note?: string | null;
  sources: SourceRef[];
  method: { id: string; kind: string; status: string; name: string };
}
interface WM {
  id: string;
  code: string;
  status: string;
  name: string;
  description?: string | null;
  cluster?: string | null;
  note?: string | null;
  sources: SourceRef[];
  assignments: Assignment[];
  characteristics: Characteristic[];
  preconditions: Requirement[];
  assessments: Assessment[];
  batches: BatchRef[];
}

function AssignmentList({ items }: { items: Assignment[] }) {
  const { t, nodeHref } = useApp();
  return (
    <ul class="method-list">
      {items.map((a) => (
        <li key={a.id} data-id={a.method.id}>
          <a href={nodeHref(a.method.id)}>{a.method.name}</a> <StatusBadge status={a.status} />
          <span class="muted small">
            {' '}
            {t(`wm.basis.${a.basis}`)}
            {a.primary ? `, ${t('wm.primary')}` : ''}
          </span>
          <Note note={a.note} />
          <div class="small">
            <SourceLinks sources={a.sources} />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function WorkModelPage({ id }: { id: string }) {
  const { t, L, href } = useApp();
  const state = useQuery<{ workModel: WM | null }>(WORKMODEL_QUERY, { id, lang: L });
  const wm = state.data?.workModel;
  useTitle(wm ? `${wm.code} ${wm.name}` : null);
  const h1 = useFocusHeading(!!wm, id);
  return (
    <QueryView page state={state} pick={(d) => d.workModel}>
      {(wm) => {
        const methods = wm.assignments.filter((a) => a.method.kind !== 'INITIATIVE');
        const initiatives = wm.assignments.filter((a) => a.method.kind === 'INITIATIVE');
        return (
          <article class="record-page" data-id={wm.id}>
            <p class="eyebrow">
              {t('sec.workmodels')} · {wm.code}
            </p>
            <h1 ref={h1} tabIndex={-1}>
              {wm.name}
            </h1>
            <p>
              <StatusBadge status={wm.status} long />
            </p>
            {wm.cluster && (
              <p class="muted">
                {t('wm.cluster')}: {wm.cluster}
              </p>
            )}
            {wm.description && <p class="lead">{wm.description}</p>}
            <Note note={wm.note} />
            <p class="actions">
              <a href={href('/matrix', { rows: 'WORK_MODEL', cols: 'OUTCOME_DOMAIN' })}>{t('wm.openMatrix')}</a>
              <a href={href('/graph', { focus: wm.id })}>{t('wm.openGraph')}</a>
            </p>
            <Section id="methods" title={t('wm.methods')} count={wm.assignments.length}>
              {wm.assignments.length === 0 && <p class="muted">{t('wm.noMethods')}</p>}
              {methods.length > 0 && (
                <>
                  <h3>{t('kind.METHOD')}</h3>
                  <AssignmentList items={methods} />
                </>
              )}
              {initiatives.length > 0 && (
                <>
                  <h3>{t('kind.INITIATIVE')}</h3>
                  <AssignmentList items={initiatives} />
                </>
              )}
            </Section>
            <Section id="assessments" title={t('sec.assessments')}>
              <Assessments items={wm.assessments} />
            </Section>
            <Section id="swot" title={t('sec.swot')}>
              <Swot items={wm.characteristics} />
            </Section>
            <Section id="preconditions" title={t('sec.preconditions')}>
              <Preconditions items={wm.preconditions} />
            </Section>
            <Section id="sources" title={t('sec.sources')} count={wm.sources.length}>
              <SourceList sources={wm.sources} />
            </Section>
            <Section id="provenance" title={t('sec.provenance')}>
              <BatchLinks batches={wm.batches} />
            </Section>
            <HistorySection id={wm.id} />
          </article>
        );
      }}
    </QueryView>
  );
}
