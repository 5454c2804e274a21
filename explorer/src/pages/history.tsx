// The history of an item ("Geschiedenis"): the batches that state it, its edits (old → new,
// with the reason) and reverts, newest first; on method and outcome pages also the edits of
// the claims and work-model assignments shown there. Its own query, so that a page's main
// query stays as it is.

import { QueryView, Section, useApp, useQuery } from '../ui';

export interface HistoryEntry {
  id: string;
  kind: 'LOAD' | 'EDIT' | 'REVERT' | 'ROLLBACK' | 'RELEASE';
  at: string;
  actor?: string | null;
  reason?: string | null;
  field?: string | null;
  lang?: string | null;
  old: string[];
  new: string[];
  revertedBy?: string | null;
}

const H = 'history { id kind at actor reason field lang old new revertedBy }';

export const HISTORY_QUERY = `query History($id: ID!, $lang: Lang!) {
  node(id: $id) {
    __typename
    ... on Method { ${H} workModels { id workModel { name(lang: $lang) } ${H} } claims(first: 200) { nodes { id outcome { label(lang: $lang) } ${H} } } }
    ... on Outcome { ${H} claims(first: 200) { nodes { id method { name(lang: $lang) } ${H} } } }
    ... on OutcomeClaim { ${H} }
    ... on Source { ${H} }
    ... on WorkModel { ${H} }
    ... on Assignment { ${H} }
  }
}`;

type Part = { id: string; history: HistoryEntry[]; outcome?: { label: string } | null; method?: { name: string } | null; workModel?: { name: string } | null };
interface HistoryNode {
  __typename: string;
  history?: HistoryEntry[];
  workModels?: Part[];
  claims?: { nodes: Part[] };
}

/** One line of the history, with the part of the page it is about ("" for the item itself). */
export interface HistoryRow {
  entry: HistoryEntry;
  about: string;
  aboutKind: '' | 'claim' | 'assignment';
}

/** The item's entries and its parts' edits and reverts (their loads are the item's), newest first. */
export function historyRows(n: HistoryNode | null | undefined): HistoryRow[] {
  if (!n) return [];
  const rows: HistoryRow[] = (n.history ?? []).map((entry) => ({ entry, about: '', aboutKind: '' }));
  const parts: [Part, HistoryRow['aboutKind'], string][] = [
    ...(n.workModels ?? []).map((p): [Part, HistoryRow['aboutKind'], string] => [p, 'assignment', p.workModel?.name ?? '']),
    ...(n.claims?.nodes ?? []).map((p): [Part, HistoryRow['aboutKind'], string] => [p, 'claim', p.outcome?.label ?? p.method?.name ?? '']),
  ];
  for (const [p, kind, about] of parts) {
    for (const entry of p.history) if (entry.kind === 'EDIT' || entry.kind === 'REVERT') rows.push({ entry, about, aboutKind: kind });
  }
  return rows.sort((a, b) => (a.entry.at === b.entry.at ? seq(b.entry.id) - seq(a.entry.id) : a.entry.at < b.entry.at ? 1 : -1));
}

function seq(id: string): number {
  const m = /-(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}

/** i18n key of a field's name. */
const FIELD_KEYS: Record<string, string> = {
  direction: 'f.direction', design: 'f.design', n: 'f.sampleSize', timeframe: 'f.timeframe', population: 'f.population', text: 'f.text',
  status: 'f.status', note: 'f.note', title: 'f.title', year: 'f.year', container: 'f.container', publisher: 'f.publisher', doi: 'f.doi',
  language: 'f.language', peerReviewed: 'f.peerReviewed', type: 'f.type', name: 'f.name', url: 'f.url', measure: 'f.measure', level: 'f.level',
  label: 'hist.f.label', description: 'hist.f.description', basis: 'hist.f.basis', primary: 'hist.f.primary', effectSize: 'hist.f.effectSize',
  aliases: 'f.aliases', goal: 'f.goal', approach: 'f.approach', duration: 'f.duration', intensity: 'f.intensity', scale: 'f.scale',
  startYear: 'hist.f.startYear', endYear: 'hist.f.endYear', tags: 'hist.f.tags', ageRange: 'hist.f.ageRange',
  effectMetric: 'hist.f.effectMetric', locator: 'hist.f.locator', volume: 'hist.f.volume', issue: 'hist.f.issue', pages: 'hist.f.pages', isbn: 'hist.f.isbn',
};

export function fieldKey(field: string | null | undefined): string {
  return (field && FIELD_KEYS[field]) || 'hist.f.other';
}

/** A value as the page shows it: vocabulary codes as labels, yes/no for true/false, the rest as stored. */
export function valueText(
  field: string | null | undefined,
  v: string,
  t: (k: string) => string,
  label: (scheme: string, code: string) => string,
): string {
  switch (field) {
    case 'direction':
      return t(`dir.${v}`);
    case 'status':
      return t(`status.${v}`);
    case 'basis':
      return t(`wm.basis.${v}`);
    case 'design':
      return label('StudyDesign', v);
    case 'timeframe':
      return label('Timeframe', v);
    case 'type':
      return label('SourceType', v);
    case 'level':
      return label('OutcomeLevel', v);
    case 'primary':
    case 'peerReviewed':
      return t(v === 'true' ? 'hist.yes' : 'hist.no');
  }
  return v;
}

export function HistorySection({ id }: { id: string }) {
  const { t, L } = useApp();
  const state = useQuery<{ node: HistoryNode | null }>(HISTORY_QUERY, { id, lang: L });
  return (
    <Section id="history" title={t('hist.title')}>
      <QueryView state={state} pick={(d) => d.node}>
        {(n) => <HistoryList rows={historyRows(n)} />}
      </QueryView>
    </Section>
  );
}

export function HistoryList({ rows }: { rows: HistoryRow[] }) {
  const { t, label, nodeHref } = useApp();
  if (rows.length === 0) return <p class="muted">{t('none')}</p>;
  const values = (r: HistoryRow, vs: string[]) => (vs.length === 0 ? t('hist.empty') : vs.map((v) => valueText(r.entry.field, v, t, label)).join(', '));
  return (
    <ol class="plain history" data-testid="history">
      {rows.map((r) => {
        const e = r.entry;
        const field = t(fieldKey(e.field)) + (e.lang ? ` (${t(`hist.lang.${e.lang}`)})` : '');
        return (
          <li key={e.id + r.about} data-kind={e.kind}>
            <span class="muted small">{e.at.replace('T', ' ').slice(0, 16)}</span>{' '}
            {e.kind === 'LOAD' ? (
              <>
                {t('hist.LOAD')} <a href={nodeHref(e.id)}>{e.id.replace(/^kring:batch\//, '')}</a>
              </>
            ) : (
              <>
                <strong>{t(`hist.${e.kind}`)}</strong>
                {r.about && ` — ${t(`hist.about.${r.aboutKind}`)} ${r.about}`}: {field}: {values(r, e.old)} → {values(r, e.new)}
                {e.revertedBy && <span class="muted"> ({t('hist.reverted')})</span>}
              </>
            )}
            {e.actor && <span class="muted small"> · {t('hist.by', { actor: e.actor })}</span>}
            {e.kind !== 'LOAD' && e.reason && (
              <div class="small">
                {t('hist.reason')}: {e.reason}
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
