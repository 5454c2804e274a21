import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import { loadConcepts, type Concepts } from './lib/concepts';
import { currentRoute, installLinkInterception, onRouteChange, withQuery, type Lang, type Route } from './lib/router';
import { translate } from './lib/i18n';
import { Ctx } from './ui';
import { HomePage } from './pages/home';
import { WorkModelPage } from './pages/workmodel';
import { MethodPage } from './pages/method';
import { OutcomePage } from './pages/outcome';
import { MatrixPage } from './pages/matrix';
import { CataloguePage } from './pages/catalogue';
import { GraphPage } from './pages/graph';
import { SearchPage } from './pages/search';
import { ComparePage } from './pages/compare';
import { SourcesPage, SourcePage } from './pages/sources';
import { BatchesPage } from './pages/batches';
import { NotFoundPage } from './pages/notfound';
// ui-pages (issue 11)
import { AboutPage } from './pages/about';
import { RecommendationsPage } from './pages/recommendations';
// upload (issue 13): loaded on its own page only (curators need it; readers do not)
import { Loading } from './ui';
import type { ComponentType } from 'preact';

function UploadPage() {
  const [Page, setPage] = useState<ComponentType | null>(null);
  useEffect(() => {
    let live = true;
    import('./pages/upload').then((m) => live && setPage(() => m.UploadPage));
    return () => {
      live = false;
    };
  }, []);
  return Page ? <Page /> : <Loading />;
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'home':
      return <HomePage />;
    case 'workmodel':
      return <WorkModelPage id={route.id!} />;
    case 'method':
    case 'initiative':
      return <MethodPage id={route.id!} />;
    case 'outcome':
      return <OutcomePage id={route.id!} />;
    case 'matrix':
      return <MatrixPage />;
    case 'catalogue':
      return <CataloguePage />;
    case 'graph':
      return <GraphPage />;
    case 'search':
      return <SearchPage />;
    case 'compare':
      return <ComparePage />;
    case 'sources':
      return <SourcesPage />;
    case 'source':
      return <SourcePage id={route.id!} />;
    case 'batches':
      return <BatchesPage />;
    // ui-pages (issue 11)
    case 'about':
      return <AboutPage />;
    case 'recommendations':
      return <RecommendationsPage />;
    // upload (issue 13)
    case 'upload':
      return <UploadPage />;
    default:
      return <NotFoundPage />;
  }
}

const NAV: [string, string][] = [
  ['/', 'nav.home'],
  ['/search', 'nav.search'],
  ['/catalogus', 'nav.catalogue'],
  ['/matrix', 'nav.matrix'],
  ['/graph', 'nav.graph'],
  ['/compare', 'nav.compare'],
  ['/sources', 'nav.sources'],
  ['/batches', 'nav.batches'],
  // ui-pages (issue 11)
  ['/aanbevelingen', 'nav.recommendations'],
  ['/over', 'nav.about'],
  // upload (issue 13)
  ['/upload', 'nav.upload'],
];

function App() {
  const [route, setRoute] = useState<Route>(currentRoute());
  const [concepts, setConcepts] = useState<Concepts>({});
  const lang = route.lang;
  const t = (k: string) => translate(lang, k);

  useEffect(
    () =>
      onRouteChange((r) => {
        document.body.dataset.navigated = '1';
        setRoute(r);
      }),
    [],
  );
  useEffect(() => {
    document.documentElement.lang = lang === 'en' ? 'en' : 'nl-BE';
    let live = true;
    loadConcepts(lang).then((c) => live && setConcepts(c));
    return () => {
      live = false;
    };
  }, [lang]);

  const other: Lang = lang === 'nl' ? 'en' : 'nl';
  const langUrl = withQuery(route, { lang: other === 'en' ? 'en' : undefined });
  const section =
    route.name === 'workmodel' ? '/' : route.name === 'source' ? '/sources' : route.name === 'about' ? '/over' : route.name === 'recommendations' ? '/aanbevelingen' : route.name === 'upload' ? '/upload' : route.path;

  return (
    <Ctx.Provider value={{ route, lang, concepts }}>
      <a class="skip" href="#main">
        {t('skip')}
      </a>
      <header class="site-header">
        <div class="bar">
          <a class="brand" href={lang === 'en' ? '/?lang=en' : '/'}>
            <span class="logo" aria-hidden="true">◎</span> {t('app.name')}
          </a>
          <a class="lang" href={langUrl} hrefLang={other === 'en' ? 'en' : 'nl-BE'} lang={other === 'en' ? 'en' : 'nl-BE'} aria-label={t('lang.switch.label')}>
            {t('lang.switch')}
          </a>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul>
            {NAV.map(([p, k]) => (
              <li key={p}>
                <a href={p + (lang === 'en' ? '?lang=en' : '')} aria-current={section === p ? 'page' : undefined}>
                  {t(k)}
                </a>
              </li>
            ))}
            <li>
              <a href="/graphiql">{t('nav.graphiql')}</a>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} key={route.name + (route.id ?? '')} />
      </main>
      <footer class="site-footer">
        <p>{t('footer.text')}</p>
        <p>
          <a href={'/over' + (lang === 'en' ? '?lang=en' : '') + '#export'} data-testid="footer-export">
            {t('footer.export')}
          </a>
        </p>
        <p class="muted">{t('app.tagline')}</p>
      </footer>
    </Ctx.Provider>
  );
}

installLinkInterception();
render(<App />, document.getElementById('app')!);
