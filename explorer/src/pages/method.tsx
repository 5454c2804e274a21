import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { HistorySection } from './history';
import { EXPERIENCE_FIELDS, ExperienceItem, groupExperiences, type ExperienceRecord } from './study';
import { ExtLink, NodeLink, QueryView, Section, SourceLinks, SourceList, StatusBadge, useApp, useFocusHeading, useQuery, useTitle, Dl, type SourceRef } from '../ui';
import type { Features } from '../lib/features';
import {
  ASSESSMENTS, Assessments, BATCHES, BatchLinks, CHARACTERISTICS, CLAIM_FIELDS, CONFIDENCE, ConfidenceBadge, ClaimsTable, Inline, Note, Preconditions, REQUIREMENTS, SRC, Swot,
  type Assessment, type BatchRef, type Characteristic, type ClaimRowView, type ConfidenceView, type Requirement,
} from './shared';
import { GraphExplorer } from '../graph/explorer';
import { GTYPES, STATUSES } from '../graph/model';

const M = 'id kind status name(lang: $lang)';
const CONCEPT = 'id code label(lang: $lang)';

const OUTCOME_REF = 'outcome { id label(lang: $lang) domain }';

/**
 * The claims part of the method query. With the roll-up API (Method.claims(scope: ALL),
 * ClaimEdge.via) one list holds own claims and claims through implementing initiatives; on an
 * older server the implementing initiatives' claims are fetched beside the method's own.
 */
export function methodClaims(f: Features): { claims: string; implementedBy: string } {
  const fields = `${CLAIM_FIELDS} ${f.confidence ? CONFIDENCE : ''} ${OUTCOME_REF}`;
  if (f.claimScope) {
    return {
      claims: `claims(first: 100, scope: ALL) { totalCount edges { via { ${M} } node { ${fields} } } }`,
      implementedBy: `implementedBy { ${M} }`,
    };
  }
  return {
    claims: `claims(first: 100) { totalCount nodes { ${fields} } }`,
    implementedBy: `implementedBy { ${M} claims(first: 100) { totalCount nodes { ${fields} } } }`,
  };
}

export function methodQuery(f: Features): string {
  const c = methodClaims(f);
  return METHOD_QUERY.replace('@CLAIMS@', c.claims).replace('@IMPLEMENTED_BY@', c.implementedBy).replace('@CONFIDENCE@', f.confidence ? CONFIDENCE : '');
}

type ClaimNode = ClaimRowView & { outcome: { id: string; label: string; domain: string } };

/** Own claims first, then claims through implementations, each marked with its initiative. */
export function claimRows(m: MethodRecord): ClaimNode[] {
  if (m.claims.edges) return m.claims.edges.map((e) => ({ ...e.node, via: e.via ? { id: e.via.id, name: e.via.name, kind: e.via.kind } : null }));
  const own = (m.claims.nodes ?? []).map((c) => ({ ...c, via: null }));
  const through = m.implementedBy.flatMap((i) => (i.claims?.nodes ?? []).map((c) => ({ ...c, via: { id: i.id, name: i.name, kind: i.kind } })));
  return [...own, ...through];
}

/** The query text before the claims part is filled in (see methodQuery); @CLAIMS@ and @IMPLEMENTED_BY@ are placeholders. */
export const METHOD_QUERY = `query Method($id: ID!, $lang: Lang!) {
  node(id: $id) {
    __typename
    ... on Method {
      id kind status name(lang: $lang) aliases description(lang: $lang) goal(lang: $lang) approach(lang: $lang)
      duration(lang: $lang) intensity(lang: $lang) scale(lang: $lang) note url startYear endYear
      networkStrategies { ${CONCEPT} }
      gottliebLevel { ${CONCEPT} }
      supportFunctions { ${CONCEPT} }
      socialCapital { ${CONCEPT} }
      regions { ${CONCEPT} }
      targetGroups { id status label(lang: $lang) ageRange }
      organisations { id status name(lang: $lang) url }
      workModels { id status primary basis note sources { ${SRC} } workModel { id code status name(lang: $lang) } }
      actors { id actorType actor { label(lang: $lang) } role paid training(lang: $lang) description(lang: $lang) status note sources { ${SRC} } }
      ${REQUIREMENTS}
      ${CHARACTERISTICS}
      ${ASSESSMENTS}
      evidenceRatings { id registry level date url status note sources { ${SRC} } }
      @CLAIMS@
      @CONFIDENCE@
      implements { ${M} }
      @IMPLEMENTED_BY@
      similarTo { ${M} }
      experiences { ${EXPERIENCE_FIELDS} }
      sources { ${SRC} }
      ${BATCHES}
    }
  }
}`;

interface Concept {
  id: string;
  code: string;
  label: string;
}
interface MethodRef {
  id: string;
  kind: string;
  status: string;
  name: string;
}
export interface MethodRecord {
  experiences?: ExperienceRecord[];
  __typename: string;
  id: string;
  kind: string;
  status: string;
  name: string;
  aliases: string[];
  description?: string | null;
  goal?: string | null;
  approach?: string | null;
  duration?: string | null;
  intensity?: string | null;
  scale?: string | null;
  note?: string | null;
  url?: string | null;
  startYear?: number | null;
  endYear?: number | null;
  networkStrategies: Concept[];
  gottliebLevel?: Concept | null;
  supportFunctions: Concept[];
  socialCapital: Concept[];
  regions: Concept[];
  targetGroups: { id: string; status: string; label: string; ageRange?: string | null }[];
  organisations: { id: string; status: string; name: string; url?: string | null }[];
  workModels: { id: string; status: string; primary: boolean; basis: string; note?: string | null; sources: SourceRef[]; workModel: { id: string; code: string; status: string; name: string } }[];
  actors: { id: string; actorType: string; actor?: { label: string } | null; role?: string | null; paid?: boolean | null; training?: string | null; description?: string | null; status: string; note?: string | null; sources: SourceRef[] }[];
  preconditions: Requirement[];
  characteristics: Characteristic[];
  assessments: Assessment[];
  evidenceRatings: { id: string; registry: string; level: string; date?: string | null; url?: string | null; status: string; note?: string | null; sources: SourceRef[] }[];
  /** Best confidence among its claims (scope ALL), where the API rates claims. */
  confidence?: ConfidenceView | null;
  claims: { totalCount: number; nodes?: ClaimNode[]; edges?: { via?: MethodRef | null; node: ClaimNode }[] };
  implements: MethodRef[];
  implementedBy: (MethodRef & { claims?: { totalCount: number; nodes: ClaimNode[] } })[];
  similarTo: MethodRef[];
  sources: SourceRef[];
  batches: BatchRef[];
}

export function period(m: { startYear?: number | null; endYear?: number | null }): string | null {
  if (!m.startYear && !m.endYear) return null;
  return `${m.startYear ?? '?'}–${m.endYear ?? ''}`;
}

/** The neighbourhood graph, loaded only when the section scrolls into view (or at once where IntersectionObserver is missing). */
function LazyNeighbourhood({ id }: { id: string }) {
  const { t, href } = useApp();
  const ref = useRef<HTMLDivElement>(null);
  const [show, setShow] = useState(false);
  useEffect(() => {
    if (!ref.current || typeof IntersectionObserver === 'undefined') {
      setShow(true);
      return;
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setShow(true);
        io.disconnect();
      }
    }, { rootMargin: '200px' });
    io.observe(ref.current);
    return () => io.disconnect();
  }, []);
  const filter = useMemo(() => ({ types: new Set<string>(GTYPES), statuses: new Set<string>(STATUSES) }), []);
  return (
    <div ref={ref}>
      <p>
        <a href={href('/graph', { focus: id })}>{t('method.openGraph')}</a>
      </p>
      {show ? <GraphExplorer focus={id} filter={filter} compact /> : <p class="muted">{t('method.graphLoading')}</p>}
    </div>
  );
}

export function MethodPage({ id }: { id: string }) {
  const { t, L, label, href } = useApp();
  const state = useQuery<{ node: MethodRecord | null }>(methodQuery, { id, lang: L });
  const m = state.data?.node?.__typename === 'Method' ? state.data.node : null;
  useTitle(m?.name);
  const h1 = useFocusHeading(!!m, id);
  return (
    <QueryView page state={state} pick={(d) => (d.node?.__typename === 'Method' ? d.node : null)}>
      {(m) => (
        <article class="record-page" data-id={m.id} data-kind={m.kind}>
          <p class="eyebrow">{t(`kind.${m.kind}`)}</p>
          <h1 ref={h1} tabIndex={-1}>
            {m.name}
          </h1>
          <p>
            <StatusBadge status={m.status} long />
          </p>
          {m.description && <p class="lead">{m.description}</p>}
          <Note note={m.note} />
          <p class="actions">
            <a href={href('/compare', { ids: m.id })}>{t('method.addCompare')}</a>
          </p>

          <Section id="record" title={t('sec.record')}>
            <Dl
              items={[
                [t('f.aliases'), m.aliases.length > 0 && m.aliases.join(', ')],
                [t('f.goal'), m.goal],
                [
                  t('f.targetGroups'),
                  m.targetGroups.length > 0 && (
                    <Inline items={m.targetGroups} render={(g) => <span>{g.label}{g.ageRange ? ` (${g.ageRange})` : ''}</span>} />
                  ),
                ],
                [t('f.approach'), m.approach],
                [t('f.duration'), m.duration],
                [t('f.intensity'), m.intensity],
                [t('f.scale'), m.scale],
                [t('f.period'), period(m)],
                [
                  t('f.workModels'),
                  m.workModels.length > 0 && (
                    <ul class="plain">
                      {m.workModels.map((a) => (
                        <li key={a.id}>
                          <NodeLink id={a.workModel.id}>
                            {a.workModel.code} {a.workModel.name}
                          </NodeLink>{' '}
                          <StatusBadge status={a.status} />{' '}
                          <span class="muted small">
                            {t(`wm.basis.${a.basis}`)}
                            {a.primary ? `, ${t('wm.primary')}` : ''}
                          </span>
                          <div class="small">
                            <SourceLinks sources={a.sources} />
                          </div>
                        </li>
                      ))}
                    </ul>
                  ),
                ],
                [t('f.organisations'), m.organisations.length > 0 && <Inline items={m.organisations} render={(o) => (o.url ? <ExtLink href={o.url}>{o.name}</ExtLink> : o.name)} />],
                [t('f.regions'), m.regions.length > 0 && <Inline items={m.regions} render={(c) => c.label} />],
                [t('f.supportFunctions'), m.supportFunctions.length > 0 && <Inline items={m.supportFunctions} render={(c) => c.label} />],
                [t('f.networkStrategies'), m.networkStrategies.length > 0 && <Inline items={m.networkStrategies} render={(c) => c.label} />],
                [t('f.socialCapital'), m.socialCapital.length > 0 && <Inline items={m.socialCapital} render={(c) => c.label} />],
                [t('f.gottlieb'), m.gottliebLevel?.label],
                [t('method.bestConfidence'), m.confidence && <ConfidenceBadge c={m.confidence} />],
                [t('f.implements'), m.implements.length > 0 && <Inline items={m.implements} render={(x) => <NodeLink id={x.id}>{x.name}</NodeLink>} />],
                [t('f.implementedBy'), m.implementedBy.length > 0 && <Inline items={m.implementedBy} render={(x) => <NodeLink id={x.id}>{x.name}</NodeLink>} />],
                [t('f.similarTo'), m.similarTo.length > 0 && <Inline items={m.similarTo} render={(x) => <NodeLink id={x.id}>{x.name}</NodeLink>} />],
                [t('f.url'), m.url && <ExtLink href={m.url}>{m.url}</ExtLink>],
              ]}
            />
          </Section>

          <Section id="actors" title={t('sec.actors')} count={m.actors.length}>
            {m.actors.length === 0 ? (
              <p class="muted">{t('none')}</p>
            ) : (
              <ul class="plain">
                {m.actors.map((a) => (
                  <li key={a.id}>
                    <strong>{a.actor?.label ?? label('ActorType', a.actorType)}</strong>
                    {a.role && `, ${t('f.role')}: ${label('ActorRole', a.role)}`}
                    {a.paid != null && `, ${a.paid ? t('f.paid') : t('f.unpaid')}`} <StatusBadge status={a.status} />
                    {a.training && (
                      <div>
                        {t('f.training')}: {a.training}
                      </div>
                    )}
                    {a.description && <div>{a.description}</div>}
                    <Note note={a.note} />
                    <div class="small">
                      <SourceLinks sources={a.sources} />
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <OutcomesSection m={m} />

          <Section id="evidence" title={t('sec.evidence')}>
            {m.evidenceRatings.length === 0 ? (
              <p class="muted">{t('none')}</p>
            ) : (
              <ul class="plain">
                {m.evidenceRatings.map((r) => (
                  <li key={r.id}>
                    <strong>{label('EvidenceLevel', r.level)}</strong> — {label('Registry', r.registry)}
                    {r.date && ` (${r.date})`} <StatusBadge status={r.status} />
                    {r.url && (
                      <>
                        {' '}
                        <ExtLink href={r.url}>{t('f.registry')}</ExtLink>
                      </>
                    )}
                    <Note note={r.note} />
                    <div class="small">
                      <SourceLinks sources={r.sources} />
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section id="preconditions" title={t('sec.preconditions')}>
            <Preconditions items={m.preconditions} />
          </Section>
          <Section id="swot" title={t('sec.swot')}>
            <Swot items={m.characteristics} />
          </Section>
          <Section id="assessments" title={t('sec.assessments')}>
            <Assessments items={m.assessments} />
          </Section>
          <ExperiencesSection list={m.experiences ?? []} />
          <Section id="sources" title={t('sec.sources')} count={m.sources.length}>
            <SourceList sources={m.sources} />
          </Section>
          <Section id="provenance" title={t('sec.provenance')}>
            <BatchLinks batches={m.batches} />
          </Section>
          <HistorySection id={m.id} />
          <Section id="graph" title={t('sec.graph')}>
            <LazyNeighbourhood id={m.id} />
          </Section>
        </article>
      )}
    </QueryView>
  );
}

/** Published experiences with this method or initiative (research question 5), per perspective. */
function ExperiencesSection({ list }: { list: ExperienceRecord[] }) {
  const { t, label } = useApp();
  return (
    <Section id="experiences" title={t('sec.experiences')} count={list.length}>
      {list.length === 0 ? (
        <p class="muted">{t('method.exp.none')}</p>
      ) : (
        groupExperiences(list)
          .filter(([, es]) => es.length > 0)
          .map(([p, es]) => (
            <section key={p} data-perspective={p} aria-label={label('Perspective', p)}>
              <h3>{t(`study.perspective.${p}`)}</h3>
              <ul class="plain">
                {es.map((e) => (
                  <ExperienceItem key={e.id} e={e} />
                ))}
              </ul>
            </section>
          ))
      )}
    </Section>
  );
}

function OutcomesSection({ m }: { m: MethodRecord }) {
  const { t } = useApp();
  const rows = claimRows(m);
  const via = rows.filter((r) => r.via).length;
  const own = rows.length - via;
  return (
    <Section id="outcomes" title={t('sec.outcomes')} count={rows.length}>
      {rows.length > 0 && (
        <p class="small">
          {via > 0 || m.implementedBy.length > 0 ? `${t('method.claims.intro')} ` : ''}
          <span data-testid="claims-own">{t('method.claims.own', { n: own })}</span>
          {' · '}
          <span data-testid="claims-via">{t('method.claims.viaCount', { n: via })}</span>
        </p>
      )}
      <ClaimsTable claims={rows} show="outcome" />
    </Section>
  );
}
