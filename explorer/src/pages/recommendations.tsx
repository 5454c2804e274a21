// The recommendations page (/aanbevelingen): every policy recommendation with the strength of the
// evidence under it (PolicyRecommendation.evidence), where it comes from (sources, status) and
// links to the claims and methods it rests on.

import { useEffect } from 'preact/hooks';
import { DirectionBadge, NodeLink, QueryView, SourceLinks, StatusBadge, useApp, useFocusHeading, useQuery, useTitle, type SourceRef } from '../ui';
import { Note, SRC } from './shared';

const M = 'id kind status name(lang: $lang)';

export const RECOMMENDATIONS_QUERY = `query Recommendations($lang: Lang!) {
  recommendations {
    id text(lang: $lang) addressee status note
    sources { ${SRC} }
    concerns {
      __typename id
      ... on Method { kind status name(lang: $lang) }
      ... on WorkModel { code status name(lang: $lang) }
      ... on Precondition { status label(lang: $lang) }
    }
    evidence {
      claimCount sourceCount positive none negative mixed strongestDesign strength
      claims { id direction design status method { ${M} } outcome { id label(lang: $lang) } sources { ${SRC} } }
    }
  }
}`;

interface Concern {
  __typename: string;
  id: string;
  kind?: string;
  code?: string;
  status?: string;
  name?: string;
  label?: string;
}

interface EvidenceClaim {
  id: string;
  direction: string;
  design?: string | null;
  status: string;
  method: { id: string; kind: string; status: string; name: string };
  outcome: { id: string; label: string };
  sources: SourceRef[];
}

export interface Recommendation {
  id: string;
  text: string;
  addressee?: string | null;
  status: string;
  note?: string | null;
  sources: SourceRef[];
  concerns: Concern[];
  evidence: {
    claimCount: number;
    sourceCount: number;
    positive: number;
    none: number;
    negative: number;
    mixed: number;
    strongestDesign?: string | null;
    strength: string;
    claims: EvidenceClaim[];
  };
}

const STRENGTH_ORDER = ['STRONG', 'MODERATE', 'WEAK', 'NONE'];

/** Strongest evidence first, then by text. */
export function sortRecommendations(list: Recommendation[]): Recommendation[] {
  return [...list].sort((a, b) => STRENGTH_ORDER.indexOf(a.evidence.strength) - STRENGTH_ORDER.indexOf(b.evidence.strength) || a.text.localeCompare(b.text));
}

function concernName(c: Concern): string {
  if (c.__typename === 'WorkModel') return `${c.code ?? ''} ${c.name ?? ''}`.trim();
  return c.name ?? c.label ?? c.id;
}

export function StrengthBadge({ strength }: { strength: string }) {
  const { t } = useApp();
  return (
    <span class={`strength strength-${strength.toLowerCase()}`} data-strength={strength} title={t(`rec.strength.${strength}.long`)}>
      {t('rec.strength')}: <strong>{t(`rec.strength.${strength}`)}</strong>
    </span>
  );
}

function RecommendationItem({ r, focused }: { r: Recommendation; focused: boolean }) {
  const { t, label, href } = useApp();
  const methods = r.concerns.filter((c) => c.__typename === 'Method');
  const others = r.concerns.filter((c) => c.__typename !== 'Method');
  const slug = r.id.replace(/^kring:recommendation\//, '');
  const e = r.evidence;
  return (
    <li id={`rec-${slug}`} class={`recommendation${focused ? ' focused' : ''}`} data-id={r.id} data-strength={e.strength}>
      <h2 class="h3">{r.text}</h2>
      <p>
        <StrengthBadge strength={e.strength} /> <StatusBadge status={r.status} />
      </p>
      <p class="small">{t(`rec.strength.${e.strength}.long`)}</p>
      <dl class="record">
        {r.addressee && (
          <div>
            <dt>{t('rec.addressee')}</dt>
            <dd>{label('Addressee', r.addressee)}</dd>
          </div>
        )}
        <div>
          <dt>{t('rec.from')}</dt>
          <dd>
            {r.sources.length > 0 ? <SourceLinks sources={r.sources} /> : t('unknown')}
            <Note note={r.note} />
          </dd>
        </div>
        {r.concerns.length > 0 && (
          <div>
            <dt>{t('rec.concerns')}</dt>
            <dd>
              <ul class="plain">
                {methods.map((c) => (
                  <li key={c.id}>
                    <NodeLink id={c.id}>{concernName(c)}</NodeLink> <span class="muted small">({t(`kind.${c.kind ?? 'METHOD'}`)})</span>{' '}
                    <StatusBadge status={c.status} /> ·{' '}
                    <a href={`${href(`/${c.kind === 'INITIATIVE' ? 'initiative' : 'method'}/${encodeURIComponent(c.id.replace(/^kring:[a-z]+\//, ''))}`)}#outcomes`} data-evidence-link="">
                      {t('rec.methodEvidence', { name: concernName(c) })}
                    </a>
                  </li>
                ))}
                {others.map((c) => (
                  <li key={c.id}>
                    <NodeLink id={c.id}>{concernName(c)}</NodeLink> <span class="muted small">({t(`type.${c.__typename === 'WorkModel' ? 'WORK_MODEL' : 'PRECONDITION'}`)})</span>{' '}
                    <StatusBadge status={c.status} />
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
        <div>
          <dt>{t('rec.evidence')}</dt>
          <dd>
            {e.claimCount === 0 ? (
              <span class="muted">{t('rec.noClaims')}</span>
            ) : (
              <>
                <p class="small">{t('rec.evidenceSummary', { claims: e.claimCount, sources: e.sourceCount })}</p>
                <ul class="plain">
                  {e.claims.map((c) => (
                    <li key={c.id} data-claim={c.id}>
                      <DirectionBadge direction={c.direction} />: <NodeLink id={c.method.id}>{c.method.name}</NodeLink> → <NodeLink id={c.outcome.id}>{c.outcome.label}</NodeLink>{' '}
                      <span class="muted small">({c.design ? label('StudyDesign', c.design) : t('unknown')})</span> <StatusBadge status={c.status} />
                      <div class="small">
                        <SourceLinks sources={c.sources} />
                      </div>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </dd>
        </div>
      </dl>
    </li>
  );
}

export function RecommendationsPage() {
  const { t, L, route, href } = useApp();
  useTitle(t('rec.title'));
  const state = useQuery<{ recommendations: Recommendation[] }>(RECOMMENDATIONS_QUERY, { lang: L });
  const h1 = useFocusHeading(!!state.data, 'recs');
  const focus = route.query.focus;
  useEffect(() => {
    if (!focus || !state.data) return;
    document.getElementById(`rec-${focus.replace(/^kring:recommendation\//, '')}`)?.scrollIntoView({ block: 'start' });
  }, [focus, state.data]);
  return (
    <>
      <h1 ref={h1} tabIndex={-1}>
        {t('rec.title')}
      </h1>
      <p class="lead">{t('rec.intro')}</p>
      <p class="info" role="note" data-testid="rec-not-study">
        {t('rec.notStudy')} <a href={href('/over')}>{t('home.study.more')}</a>
      </p>
      <QueryView state={state} pick={(d) => d.recommendations}>
        {(list) =>
          list.length === 0 ? (
            <p>{t('rec.empty')}</p>
          ) : (
            <>
              <p class="muted">{t('rec.count', { n: list.length })}</p>
              <ul class="recommendations plain" data-testid="recommendations">
                {sortRecommendations(list).map((r) => (
                  <RecommendationItem key={r.id} r={r} focused={r.id === focus} />
                ))}
              </ul>
            </>
          )
        }
      </QueryView>
    </>
  );
}
