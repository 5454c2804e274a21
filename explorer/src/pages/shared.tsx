// Record sections shared by work-model, method and outcome pages.

import { Fragment } from 'preact';
import { DirectionBadge, NodeLink, Scroll, SourceLinks, StatusBadge, useApp, useFeatures, type SourceRef } from '../ui';
import { userNote } from '../lib/text';
import { STRINGS, translate } from '../lib/i18n';

export const SRC = 'id title year url status';
export const ASSESSMENTS = `assessments { id criterion value stakeholderGroup method(lang: $lang) date text(lang: $lang) status note sources { ${SRC} } }`;
export const CHARACTERISTICS = `characteristics { id kind text(lang: $lang) statedBy status note sources { ${SRC} } }`;
export const REQUIREMENTS = `preconditions { id statedBy status note sources { ${SRC} } precondition { id label(lang: $lang) category level criticalSuccessFactor status } }`;
export const BATCHES = 'batches { id description loadedAt }';

export interface Assessment {
  id: string;
  criterion: string;
  value: string;
  stakeholderGroup: string;
  method?: string | null;
  date?: string | null;
  text?: string | null;
  status: string;
  note?: string | null;
  sources: SourceRef[];
}
export interface Characteristic {
  id: string;
  kind: string;
  text: string;
  statedBy?: string | null;
  status: string;
  note?: string | null;
  sources: SourceRef[];
}
export interface Requirement {
  id: string;
  statedBy?: string | null;
  status: string;
  note?: string | null;
  sources: SourceRef[];
  precondition: { id: string; label: string; category: string; level?: string | null; criticalSuccessFactor: boolean; status: string };
}
export interface BatchRef {
  id: string;
  description?: string | null;
  loadedAt: string;
}

/**
 * A curator note, in the page language only: where the server has `note(lang:)` it already
 * returns null for a note without text in that language; an older server's notes are English
 * and show on English pages only. Internal references ("§6 item 12") are left out.
 */
export function Note({ note }: { note?: string | null }) {
  const { t } = useApp();
  const text = useNoteText(note);
  if (!text) return null;
  return (
    <p class="note">
      <span class="visually-hidden">{t('f.note')}: </span>
      {text}
    </p>
  );
}

/**
 * Replaces vocabulary codes in free text written by curators ("status CANDIDATE", "NEGATIVE
 * records ...") by their labels in the page language; other words stay as they are.
 */
export function useReadable(): (s: string) => string {
  const { lang, concepts } = useApp();
  return (s: string) =>
    s.replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b/g, (m) => {
      if (m.length < 4) return m;
      for (const key of [`status.${m}`, `dir.${m}`]) if (STRINGS[key]) return translate(lang, key);
      for (const scheme of Object.values(concepts)) if (scheme[m]) return scheme[m];
      const k = Object.keys(STRINGS).find((x) => x.startsWith('enum.') && x.endsWith(`.${m}`));
      return k ? translate(lang, k) : m;
    });
}

/** The text of a curator note as the page may show it (see Note), or null. */
export function useNoteText(note?: string | null): string | null {
  const { lang } = useApp();
  const f = useFeatures();
  const readable = useReadable();
  const text = userNote(note);
  if (!text || !f || (!f.noteLang && lang !== 'en')) return null;
  return readable(text);
}

/**
 * Assessments grouped per stakeholder group. Placeholders (value UNKNOWN: the study's judgements
 * are not public) collapse into one sentence instead of table rows.
 */
export function Assessments({ items: all }: { items: Assessment[] }) {
  const { t, label, href } = useApp();
  if (all.length === 0) return <p class="muted">{t('none')}</p>;
  const items = all.filter((a) => a.value !== 'UNKNOWN');
  const unknown = all.length - items.length;
  const unknownSources = [...new Map(all.filter((a) => a.value === 'UNKNOWN').flatMap((a) => a.sources).map((x) => [x.id, x])).values()];
  const placeholders =
    unknown > 0 ? (
      <p class="unavailable" data-testid="judgements-unavailable">
        {items.length === 0 ? t('judgement.unavailable.long', { n: unknown }) : t('judgement.unavailable')}{' '}
        <a href={href('/over')}>{t('judgement.about')}</a>
        {unknownSources.length > 0 && (
          <span class="small">
            {' '}
            (<SourceLinks sources={unknownSources} />)
          </span>
        )}
      </p>
    ) : null;
  if (items.length === 0) return placeholders;
  const groups = new Map<string, Assessment[]>();
  for (const a of items) groups.set(a.stakeholderGroup, [...(groups.get(a.stakeholderGroup) ?? []), a]);
  return (
    <>
    {placeholders}
    <Scroll label={t('sec.assessments')}>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">{t('f.stakeholder')}</th>
            <th scope="col">{t('f.criterion')}</th>
            <th scope="col">{t('f.value')}</th>
            <th scope="col">{t('f.how')}</th>
            <th scope="col">{t('f.status')}</th>
            <th scope="col">{t('f.sources')}</th>
          </tr>
        </thead>
        <tbody>
          {[...groups.entries()].map(([g, list]) =>
            list.map((a, i) => (
              <tr key={a.id}>
                {i === 0 && (
                  <th scope="rowgroup" rowSpan={list.length}>
                    {label('StakeholderGroup', g)}
                  </th>
                )}
                <td>{label('Criterion', a.criterion)}</td>
                <td>
                  <strong class={`value value-${a.value.toLowerCase()}`}>{label('AssessmentValue', a.value)}</strong>
                  {a.text && <p>{a.text}</p>}
                  <Note note={a.note} />
                </td>
                <td>{[a.method, a.date].filter(Boolean).join(', ')}</td>
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td>
                  <SourceLinks sources={a.sources} />
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </Scroll>
    </>
  );
}

export function Swot({ items }: { items: Characteristic[] }) {
  const { t, label } = useApp();
  if (items.length === 0) return <p class="muted">{t('none')}</p>;
  const kinds = ['STRENGTH', 'WEAKNESS', 'OPPORTUNITY', 'THREAT'];
  return (
    <div class="swot">
      {kinds.map((k) => {
        const list = items.filter((c) => c.kind === k);
        if (list.length === 0) return null;
        return (
          <div key={k} class={`swot-${k.toLowerCase()}`}>
            <h3>{t(`swot.${k}`)}</h3>
            <ul>
              {list.map((c) => (
                <li key={c.id}>
                  {c.text} <StatusBadge status={c.status} />
                  {c.statedBy && (
                    <span class="muted">
                      {' '}
                      ({t('f.statedBy')} {label('StakeholderGroup', c.statedBy)})
                    </span>
                  )}
                  <Note note={c.note} />
                  <div class="small">
                    <SourceLinks sources={c.sources} />
                  </div>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

export function Preconditions({ items }: { items: Requirement[] }) {
  const { t, label } = useApp();
  if (items.length === 0) return <p class="muted">{t('none')}</p>;
  return (
    <ul class="preconditions">
      {items.map((r) => (
        <li key={r.id}>
          <strong>{r.precondition.label}</strong> <StatusBadge status={r.status} />
          {r.precondition.criticalSuccessFactor && <span class="tag tag-csf">{t('f.csf')}</span>}
          <span class="muted">
            {' '}
            — {label('PreconditionCategory', r.precondition.category)}
            {r.precondition.level ? `, ${label('PreconditionLevel', r.precondition.level)}` : ''}
            {r.statedBy ? ` (${t('f.statedBy')} ${label('StakeholderGroup', r.statedBy)})` : ''}
          </span>
          <Note note={r.note} />
          <div class="small">
            <SourceLinks sources={r.sources} />
          </div>
        </li>
      ))}
    </ul>
  );
}

export interface ClaimRowView {
  id: string;
  direction: string;
  design?: string | null;
  sampleSize?: number | null;
  effectSize?: number | null;
  effectMetric?: string | null;
  timeframe?: string | null;
  population?: string | null;
  text?: string | null;
  status: string;
  note?: string | null;
  sources: SourceRef[];
  method?: { id: string; name: string; kind: string };
  outcome?: { id: string; label: string; domain: string };
  /** Set when the claim counts here through an implementing initiative (roll-up). */
  via?: { id: string; name: string; kind?: string } | null;
  confidence?: ConfidenceView | null;
}

export interface ConfidenceView {
  level: string;
  reasons?: string[];
  explanation: string[];
}

/** The confidence fields of a claim (OutcomeClaim.confidence), explained in the page language. */
export const CONFIDENCE = 'confidence { level reasons explanation(lang: $lang) }';

/** A claim's confidence: its level as a word (not only a colour) and the reasons as sentences. */
export function ConfidenceBadge({ c }: { c?: ConfidenceView | null }) {
  const { t } = useApp();
  if (!c) return null;
  const level = t(`conf.${c.level}`);
  return (
    <div class="confidence" data-confidence={c.level}>
      <span class={`conf conf-${c.level.toLowerCase().replace('_', '-')}`}>{t('conf.label', { level })}</span>
      {c.explanation.length > 0 && (
        <details class="small conf-details">
          <summary>{t('conf.why')}</summary>
          <ul class="conf-why">
            {c.explanation.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

export const CLAIM_FIELDS = `id direction design sampleSize effectSize effectMetric timeframe population(lang: $lang) text(lang: $lang) status note sources { ${SRC} }`;

/** A table of outcome claims: the outcome (or method) column, direction, design and sources. */
export function ClaimsTable({ claims, show }: { claims: ClaimRowView[]; show: 'outcome' | 'method' | 'both' }) {
  const { t, label } = useApp();
  if (claims.length === 0) return <p class="muted">{t('method.claimsEmpty')}</p>;
  const showVia = claims.some((c) => !!c.via);
  const showConf = claims.some((c) => !!c.confidence);
  return (
    <Scroll label={t('sec.claims')}>
      <table class="data claims">
        <thead>
          <tr>
            {show !== 'outcome' && <th scope="col">{t('f.method')}</th>}
            {show !== 'method' && <th scope="col">{t('f.outcome')}</th>}
            {showVia && <th scope="col">{t('f.viaLabel')}</th>}
            <th scope="col">{t('f.direction')}</th>
            <th scope="col">{t('f.design')}</th>
            {showConf && <th scope="col">{t('f.confidence')}</th>}
            <th scope="col">{t('f.what')}</th>
            <th scope="col">{t('f.status')}</th>
            <th scope="col">{t('f.sources')}</th>
          </tr>
        </thead>
        <tbody>
          {claims.map((c) => (
            <tr key={`${c.id}|${c.via?.id ?? ''}`} data-claim={c.id} data-via={c.via?.id}>
              {show !== 'outcome' && (
                <td data-label={t('f.method')}>{c.method && <NodeLink id={c.method.id}>{c.method.name}</NodeLink>}</td>
              )}
              {show !== 'method' && (
                <td data-label={t('f.outcome')}>
                  {c.outcome && <NodeLink id={c.outcome.id}>{c.outcome.label}</NodeLink>}
                  {c.outcome && <div class="muted small">{label('OutcomeDomain', c.outcome.domain)}</div>}
                </td>
              )}
              {showVia && (
                <td data-label={t('f.viaLabel')}>
                  {c.via ? (
                    <span class="via">
                      {t('f.via', { name: '' }).trim()} <NodeLink id={c.via.id}>{c.via.name}</NodeLink>
                    </span>
                  ) : (
                    <span class="muted">{t('f.own')}</span>
                  )}
                </td>
              )}
              <td data-label={t('f.direction')}>
                <DirectionBadge direction={c.direction} />
              </td>
              <td data-label={t('f.design')}>
                {c.design ? label('StudyDesign', c.design) : t('unknown')}
                {c.sampleSize ? <div class="small">n = {c.sampleSize}</div> : null}
                {c.effectSize != null ? (
                  <div class="small">
                    {t('f.effect')}: {c.effectSize}
                    {c.effectMetric ? ` (${c.effectMetric})` : ''}
                  </div>
                ) : null}
                {c.timeframe && c.timeframe !== 'UNKNOWN' ? <div class="small">{label('Timeframe', c.timeframe)}</div> : null}
              </td>
              {showConf && (
                <td data-label={t('f.confidence')}>
                  <ConfidenceBadge c={c.confidence} />
                </td>
              )}
              <td data-label={t('f.what')}>
                {c.text}
                {c.population && <div class="small muted">{c.population}</div>}
                <Note note={c.note} />
              </td>
              <td data-label={t('f.status')}>
                <StatusBadge status={c.status} />
              </td>
              <td data-label={t('f.sources')}>
                <SourceLinks sources={c.sources} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

export function BatchLinks({ batches }: { batches?: BatchRef[] | null }) {
  const { t, nodeHref } = useApp();
  if (!batches || batches.length === 0) return <p class="muted">{t('none')}</p>;
  return (
    <ul class="inline-list">
      {batches.map((b) => (
        <li key={b.id}>
          <a href={nodeHref(b.id)} title={b.description ?? undefined}>
            {b.id.replace(/^kring:batch\//, '')}
          </a>{' '}
          <span class="muted small">({b.loadedAt.slice(0, 10)})</span>
        </li>
      ))}
    </ul>
  );
}

/** A comma-separated list of items, each possibly linked. */
export function Inline<T>({ items, render }: { items: T[]; render: (x: T) => preact.ComponentChildren }) {
  return (
    <>
      {items.map((x, i) => (
        <Fragment key={i}>
          {i > 0 && ', '}
          {render(x)}
        </Fragment>
      ))}
    </>
  );
}
