// "Wat is er veranderd": what was added, changed and removed between two releases, or between a
// release and now (Query.releaseDiff), per node type.
import { formatNumber, translate } from '../lib/i18n';
import type { Lang, Query } from '../lib/router';
import { navigate, withQuery } from '../lib/router';
import { QueryView, useApp, useQuery, useTitle } from '../ui';

export const RELEASES_QUERY = `query Releases { releases { name note createdBy createdAt quads } }`;

export const DIFF_QUERY = `query ReleaseDiff($from: String!, $to: String, $lang: Lang!) {
  releaseDiff(from: $from, to: $to) {
    from to
    added { type count items(first: 100) { id type label(lang: $lang) fields } }
    changed { type count items(first: 100) { id type label(lang: $lang) fields } }
    removed { type count items(first: 100) { id type label(lang: $lang) fields } }
  }
}`;

export interface Release {
  name: string;
  note: string;
  createdBy: string;
  createdAt: string;
  quads: number;
}

export interface ChangeItem {
  id: string;
  type: string;
  label: string;
  fields: string[];
}

export interface TypeChange {
  type: string;
  count: number;
  items: ChangeItem[];
}

export interface ReleaseDiff {
  from: string;
  to: string | null;
  added: TypeChange[];
  changed: TypeChange[];
  removed: TypeChange[];
}

/** The value of the "to" choice that stands for the live content. */
export const NOW = 'nu';

/**
 * The pair of states to compare from the page's query: `from` (a release; by default the newest)
 * and `to` (a release, or now). Unknown names are kept, so that the API can say NOT_FOUND.
 */
export function pickPair(releases: Release[], q: Query): { from: string | null; to: string | null } {
  const from = q.from || (releases.length ? releases[releases.length - 1].name : null);
  const to = q.to && q.to !== NOW ? q.to : null;
  return { from, to };
}

/** The label of a field name in the page language; fields without one are "another field". */
export function fieldLabel(lang: Lang, field: string): string {
  if (field === 'type') return translate(lang, 'f.type');
  const key = `f.${field}`;
  const s = translate(lang, key);
  return s === key ? translate(lang, 'changes.otherField') : s;
}

/** The fields of a changed item as readable text (duplicates merged, in the page language). */
export function fieldsText(lang: Lang, fields: string[]): string {
  return [...new Set(fields.map((f) => fieldLabel(lang, f)))].join(', ');
}

/** The total number of nodes of a section. */
export function total(cs: TypeChange[]): number {
  return cs.reduce((n, c) => n + c.count, 0);
}

function Section({ kind, changes, linkable }: { kind: 'added' | 'changed' | 'removed'; changes: TypeChange[]; linkable: boolean }) {
  const { t, lang, nodeHref } = useApp();
  const n = total(changes);
  return (
    <section data-testid={`changes-${kind}`} data-count={n}>
      <h2>
        {t(`changes.${kind}`)} <span class="muted">({formatNumber(lang, n)})</span>
      </h2>
      {changes.length === 0 ? (
        <p>{t('changes.none')}</p>
      ) : (
        <ul class="plain">
          {changes.map((c) => (
            <li key={c.type} data-type={c.type}>
              <details open={changes.length === 1}>
                <summary>
                  {t(`type.${c.type}`)}: {formatNumber(lang, c.count)}
                </summary>
                <ul class="small">
                  {c.items.map((it) => (
                    <li key={it.id} data-id={it.id}>
                      {linkable ? <a href={nodeHref(it.id)}>{it.label}</a> : it.label}
                      {it.fields.length > 0 && <span class="muted"> — {fieldsText(lang, it.fields)}</span>}
                    </li>
                  ))}
                  {c.count > c.items.length && <li class="muted">{t('changes.more', { n: formatNumber(lang, c.count - c.items.length) })}</li>}
                </ul>
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Diff({ from, to }: { from: string; to: string | null }) {
  const { L } = useApp();
  const state = useQuery<{ releaseDiff: ReleaseDiff }>(DIFF_QUERY, { from, to, lang: L });
  return (
    <QueryView state={state} pick={(d) => d.releaseDiff}>
      {(d) => (
        <div data-testid="changes" data-from={d.from} data-to={d.to ?? NOW}>
          {/* Items that exist now have a page; removed ones (and the content of an older release) do not. */}
          <Section kind="added" changes={d.added} linkable={d.to === null} />
          <Section kind="changed" changes={d.changed} linkable={d.to === null} />
          <Section kind="removed" changes={d.removed} linkable={false} />
        </div>
      )}
    </QueryView>
  );
}

export function ChangesPage() {
  const { t, route, lang } = useApp();
  useTitle(t('changes.title'));
  const state = useQuery<{ releases: Release[] }>(RELEASES_QUERY);
  const go = (changes: Record<string, string | undefined>) => navigate(withQuery(route, changes));
  return (
    <>
      <h1>{t('changes.title')}</h1>
      <p class="lead">{t('changes.intro')}</p>
      <QueryView state={state} pick={(d) => d.releases}>
        {(releases) => {
          if (releases.length === 0) return <p data-testid="changes-empty">{t('changes.noReleases')}</p>;
          const { from, to } = pickPair(releases, route.query);
          return (
            <>
              <form class="filters" onSubmit={(e) => e.preventDefault()}>
                <div class="field">
                  <label for="changes-from">{t('changes.from')}</label>
                  <select id="changes-from" value={from ?? ''} onChange={(e) => go({ from: (e.target as HTMLSelectElement).value })}>
                    {releases.map((r) => (
                      <option key={r.name} value={r.name}>
                        {r.name}
                      </option>
                    ))}
                  </select>
                </div>
                <div class="field">
                  <label for="changes-to">{t('changes.to')}</label>
                  <select id="changes-to" value={to ?? NOW} onChange={(e) => go({ to: (e.target as HTMLSelectElement).value })}>
                    <option value={NOW}>{t('changes.now')}</option>
                    {releases.map((r) => (
                      <option key={r.name} value={r.name}>
                        {r.name}
                      </option>
                    ))}
                  </select>
                </div>
              </form>
              <ul class="plain small" data-testid="releases">
                {releases.map((r) => (
                  <li key={r.name}>
                    <strong>{r.name}</strong> — {t('changes.madeOn', { date: r.createdAt.replace('T', ' ').slice(0, 16), who: r.createdBy })} ·{' '}
                    {t('batches.quads', { n: formatNumber(lang, r.quads) })}
                    {r.note ? ` · ${r.note}` : ''}
                  </li>
                ))}
              </ul>
              {from && <Diff from={from} to={to} />}
            </>
          );
        }}
      </QueryView>
    </>
  );
}
