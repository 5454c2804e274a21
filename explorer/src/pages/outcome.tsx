import type { Features } from '../lib/features';
import { HistorySection } from './history';
import { Dl, QueryView, Section, SourceList, StatusBadge, useApp, useFocusHeading, useQuery, useTitle, type SourceRef } from '../ui';
import { BATCHES, BatchLinks, CLAIM_FIELDS, CONFIDENCE, ClaimsTable, SRC, type BatchRef, type ClaimRowView } from './shared';

export const OUTCOME_QUERY = `query Outcome($id: ID!, $lang: Lang!) {
  outcome(id: $id) {
    id status label(lang: $lang) domain measure(lang: $lang) level
    claims(first: 200) { totalCount nodes { ${CLAIM_FIELDS} method { id kind status name(lang: $lang) } } }
    sources { ${SRC} }
    ${BATCHES}
  }
}`;

/** The outcome query, with each claim's confidence where the server has it. */
export function outcomeQuery(f: Features): string {
  return f.confidence ? OUTCOME_QUERY.replace('totalCount nodes { ', `totalCount nodes { ${CONFIDENCE} `) : OUTCOME_QUERY;
}

interface Outcome {
  id: string;
  status: string;
  label: string;
  domain: string;
  measure?: string | null;
  level?: string | null;
  claims: { totalCount: number; nodes: ClaimRowView[] };
  sources: SourceRef[];
  batches: BatchRef[];
}

export function OutcomePage({ id }: { id: string }) {
  const { t, L, label, href } = useApp();
  const state = useQuery<{ outcome: Outcome | null }>(outcomeQuery, { id, lang: L });
  const o = state.data?.outcome;
  useTitle(o?.label);
  const h1 = useFocusHeading(!!o, id);
  return (
    <QueryView page state={state} pick={(d) => d.outcome}>
      {(o) => (
        <article class="record-page" data-id={o.id}>
          <p class="eyebrow">{t('f.outcome')}</p>
          <h1 ref={h1} tabIndex={-1}>
            {o.label}
          </h1>
          <p>
            <StatusBadge status={o.status} long />
          </p>
          <Dl
            items={[
              [t('f.domain'), <a href={href('/matrix', { rows: 'WORK_MODEL', cols: 'OUTCOME_DOMAIN' })}>{label('OutcomeDomain', o.domain)}</a>],
              [t('f.measure'), o.measure],
              [t('f.level'), o.level && label('OutcomeLevel', o.level)],
            ]}
          />
          <Section id="claims" title={t('outcome.claims')} count={o.claims.totalCount}>
            <ClaimsTable claims={o.claims.nodes} show="method" />
          </Section>
          <Section id="sources" title={t('sec.sources')} count={o.sources.length}>
            <SourceList sources={o.sources} />
          </Section>
          <Section id="provenance" title={t('sec.provenance')}>
            <BatchLinks batches={o.batches} />
          </Section>
          <HistorySection id={o.id} />
        </article>
      )}
    </QueryView>
  );
}
