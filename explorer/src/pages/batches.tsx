import { formatNumber } from '../lib/i18n';
import { QueryView, Scroll, useApp, useQuery, useTitle } from '../ui';
import { useReadable } from './shared';

export const BATCHES_QUERY = `query Batches {
  batches {
    id description loadedBy loadedAt quadCount
    files { name sha256 }
    counts { type count }
    sources(first: 200) { totalCount nodes { id title year } }
  }
}`;

interface Batch {
  id: string;
  description?: string | null;
  loadedBy?: string | null;
  loadedAt: string;
  quadCount: number;
  files: { name: string; sha256: string }[];
  counts: { type: string; count: number }[];
  sources: { totalCount: number; nodes: { id: string; title: string; year?: number | null }[] };
}

const slug = (id: string) => id.replace(/^kring:batch\//, '');

export function BatchesPage() {
  const { t, route, href, nodeHref, lang } = useApp();
  const readable = useReadable();
  useTitle(t('batches.title'));
  const state = useQuery<{ batches: Batch[] }>(BATCHES_QUERY);
  const open = route.query.open;
  return (
    <>
      <h1>{t('batches.title')}</h1>
      <p class="lead">{t('batches.intro')}</p>
      <QueryView state={state} pick={(d) => d.batches}>
        {(batches) =>
          batches.length === 0 ? (
            <p>{t('batches.empty')}</p>
          ) : (
            <ol class="batches" data-testid="batches">
              {batches.map((b) => (
                <li key={b.id} id={b.id.replace(/[^a-z0-9-]/gi, '-')} data-id={b.id}>
                  <details open={open === b.id || batches.length === 1}>
                    <summary>
                      <h2 class="h3 inline">{slug(b.id)}</h2>{' '}
                      <span class="muted">
                        — {t('batches.loadedAt')} {b.loadedAt.replace('T', ' ').slice(0, 16)}
                        {b.loadedBy ? ` ${t('batches.loadedBy')} ${b.loadedBy}` : ''} · {t('batches.quads', { n: formatNumber(lang, b.quadCount) })}
                      </span>
                    </summary>
                    {b.description && <p>{readable(b.description)}</p>}
                    <p class="small">
                      <code>{b.id}</code>
                    </p>
                    <h3 class="h4">{t('batches.files')}</h3>
                    <ul class="plain small">
                      {b.files.map((f) => (
                        <li key={f.name}>
                          {f.name} <code class="hash">sha256 {f.sha256.slice(0, 16)}…</code>
                        </li>
                      ))}
                    </ul>
                    <h3 class="h4">{t('batches.counts')}</h3>
                    <Scroll label={t('batches.counts')}>
                      <table class="data compact">
                        <thead>
                          <tr>
                            <th scope="col">{t('f.type')}</th>
                            <th scope="col">#</th>
                          </tr>
                        </thead>
                        <tbody>
                          {b.counts.map((c) => (
                            <tr key={c.type}>
                              <th scope="row">{t(`type.${c.type}`)}</th>
                              <td>{c.count}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </Scroll>
                    <h3 class="h4">
                      {t('batches.sources')} ({b.sources.totalCount})
                    </h3>
                    <ul class="plain small">
                      {b.sources.nodes.slice(0, 20).map((s) => (
                        <li key={s.id}>
                          <a href={nodeHref(s.id)}>{s.title}</a>
                          {s.year ? ` (${s.year})` : ''}
                        </li>
                      ))}
                    </ul>
                    <p>
                      <a href={href('/sources', { batch: b.id })}>
                        {t('nav.sources')}: {slug(b.id)}
                      </a>
                    </p>
                  </details>
                </li>
              ))}
            </ol>
          )
        }
      </QueryView>
    </>
  );
}
