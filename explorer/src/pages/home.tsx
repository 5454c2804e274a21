import { useState } from 'preact/hooks';
import { navigate } from '../lib/router';
import { formatNumber } from '../lib/i18n';
import { StatusBadge, QueryView, useApp, useQuery, useTitle } from '../ui';
import { StudyStatus } from './about';

export const HOME_QUERY = `query Home($lang: Lang!) {
  workModels(first: 50) {
    totalCount
    nodes {
      id code status name(lang: $lang) description(lang: $lang) cluster(lang: $lang)
      methodCount: methods(filter: {kind: METHOD}, first: 1) { totalCount }
      initiativeCount: methods(filter: {kind: INITIATIVE}, first: 1) { totalCount }
      sources { id }
    }
  }
}`;

interface WM {
  id: string;
  code: string;
  status: string;
  name: string;
  description?: string | null;
  cluster?: string | null;
  methodCount: { totalCount: number };
  initiativeCount: { totalCount: number };
  sources: { id: string }[];
}

export function SearchBox({ initial = '', id = 'q' }: { initial?: string; id?: string }) {
  const { t, href, lang } = useApp();
  const [q, setQ] = useState(initial);
  return (
    <form
      role="search"
      class="search-box"
      action="/search"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(href('/search', { q: q.trim() }));
      }}
    >
      <label for={id}>{t('home.search.label')}</label>
      <div class="row">
        <input id={id} name="q" type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} autoComplete="off" />
        {lang === 'en' && <input type="hidden" name="lang" value="en" />}
        <button type="submit">{t('home.search.button')}</button>
      </div>
    </form>
  );
}

function excerpt(s: string | null | undefined, n = 220): string {
  if (!s) return '';
  return s.length > n ? s.slice(0, n).replace(/\s+\S*$/, '') + '…' : s;
}

export function HomePage() {
  const { t, L, lang, nodeHref } = useApp();
  useTitle(null);
  const state = useQuery<{ workModels: { totalCount: number; nodes: WM[] } }>(HOME_QUERY, { lang: L });
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p class="lead">{t('home.intro')}</p>
      <StudyStatus />
      <SearchBox />
      <QueryView state={state} pick={(d) => d.workModels}>
        {(wms) =>
          wms.nodes.length === 0 ? (
            <p>{t('home.empty')}</p>
          ) : (
            <ul class="cards" data-testid="workmodels">
              {wms.nodes.map((w) => (
                <li key={w.id} class={`card status-${w.status.toLowerCase()}`} data-id={w.id}>
                  <p class="card-code">{w.code}</p>
                  <h2>
                    <a href={nodeHref(w.id)}>{w.name}</a>
                  </h2>
                  <p>
                    <StatusBadge status={w.status} long />
                  </p>
                  {w.cluster && <p class="muted">{w.cluster}</p>}
                  {w.description && <p>{excerpt(w.description)}</p>}
                  <p class="counts" aria-label={t('home.counts')}>
                    <span>{t('home.methods', { n: w.methodCount.totalCount === 1 ? 1 : formatNumber(lang, w.methodCount.totalCount) })}</span>
                    <span>{t('home.initiatives', { n: w.initiativeCount.totalCount === 1 ? 1 : formatNumber(lang, w.initiativeCount.totalCount) })}</span>
                    <span>{t('home.sources', { n: w.sources.length === 1 ? 1 : formatNumber(lang, w.sources.length) })}</span>
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </>
  );
}
