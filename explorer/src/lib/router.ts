// A tiny history-API router. All state that a person may want to share lives in the URL:
// the path names the page, the query string holds its parameters (including `lang=en`).

import { pathToId } from './ids';

export type Lang = 'nl' | 'en';

export type RouteName =
  | 'home'
  | 'workmodel'
  | 'method'
  | 'initiative'
  | 'outcome'
  | 'matrix'
  | 'catalogue'
  | 'graph'
  | 'search'
  | 'compare'
  | 'sources'
  | 'source'
  | 'batches'
  // ui-pages (issue 11)
  | 'about'
  | 'recommendations'
  // upload (issue 13)
  | 'upload'
  | 'notfound';

export type Query = Record<string, string>;

export interface Route {
  name: RouteName;
  /** The node id for detail pages (`kring:method/...`). */
  id?: string;
  path: string;
  query: Query;
  lang: Lang;
}

const STATIC: Record<string, RouteName> = {
  '/': 'home',
  '/matrix': 'matrix',
  '/catalogus': 'catalogue',
  '/graph': 'graph',
  '/search': 'search',
  '/compare': 'compare',
  '/sources': 'sources',
  '/batches': 'batches',
  // ui-pages (issue 11): Dutch paths, English aliases
  '/over': 'about',
  '/about': 'about',
  '/aanbevelingen': 'recommendations',
  '/recommendations': 'recommendations',
  // upload (issue 13): the curator's upload page; Dutch alias
  '/upload': 'upload',
  '/opladen': 'upload',
};

export function parseQuery(search: string): Query {
  const q: Query = {};
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  params.forEach((v, k) => {
    if (!(k in q)) q[k] = v;
  });
  return q;
}

export function langOf(q: Query): Lang {
  return q.lang?.toLowerCase() === 'en' ? 'en' : 'nl';
}

/** Parses a location (pathname + search) into a route. */
export function parseLocation(pathname: string, search = ''): Route {
  let path = pathname || '/';
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const query = parseQuery(search);
  const lang = langOf(query);
  const name = STATIC[path];
  if (name) return { name, path, query, lang };
  const id = pathToId(path);
  if (id) {
    const kind = path.split('/')[1] as RouteName;
    return { name: kind, id, path, query, lang };
  }
  return { name: 'notfound', path, query, lang };
}

/**
 * Builds a URL from a path and query parameters. Empty values are dropped; `lang` is kept only
 * when it is not the default (nl), and always comes last so that URLs stay stable.
 */
export function buildUrl(path: string, query: Query = {}, lang?: Lang): string {
  const [p, existing] = path.split('?', 2);
  const merged: Query = { ...(existing ? parseQuery(existing) : {}), ...query };
  const l = lang ?? (merged.lang ? langOf(merged) : 'nl');
  delete merged.lang;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, v);
  }
  if (l === 'en') params.set('lang', 'en');
  const s = params.toString();
  return s ? `${p}?${s}` : p;
}

/** The current route's URL with some query parameters changed (undefined or '' removes one). */
export function withQuery(route: Route, changes: Record<string, string | undefined>): string {
  const q: Query = { ...route.query };
  const lang: Lang = 'lang' in changes ? (changes.lang === 'en' ? 'en' : 'nl') : route.lang;
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') delete q[k];
    else q[k] = v;
  }
  return buildUrl(route.path, q, lang);
}

/** Splits a comma-separated list parameter. */
export function listParam(v: string | undefined): string[] {
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

// --- Browser binding -------------------------------------------------------------------------

type Listener = (r: Route) => void;
const listeners = new Set<Listener>();

export function currentRoute(): Route {
  return parseLocation(location.pathname, location.search);
}

export function onRouteChange(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit() {
  const r = currentRoute();
  listeners.forEach((fn) => fn(r));
}

/** Navigates to a same-origin URL with the history API. */
export function navigate(url: string, opts: { replace?: boolean } = {}) {
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  if (!opts.replace) window.scrollTo(0, 0);
  emit();
}

/** Intercepts clicks on same-origin links so that they route without a page load. */
export function installLinkInterception(root: Document = document) {
  window.addEventListener('popstate', emit);
  root.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
    const href = a.getAttribute('href');
    if (!href || href.startsWith('#')) return;
    const url = new URL(href, location.href);
    if (url.origin !== location.origin) return;
    if (url.pathname === '/graphiql' || url.pathname.startsWith('/graphql')) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
}
