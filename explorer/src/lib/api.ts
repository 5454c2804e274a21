// The GraphQL client (@urql/core: small, no dependency on the `graphql` package) and the
// classification of errors into plain-language messages.

import { Client, cacheExchange, fetchExchange, type CombinedError } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import type { Lang } from './router';

export type ErrorKind = 'network' | 'http' | 'graphql';

export interface ApiError {
  kind: ErrorKind;
  /** extensions.code of the first GraphQL error (NOT_FOUND, BAD_USER_INPUT, FORBIDDEN, CONFLICT, INTERNAL). */
  code?: string;
  status?: number;
  message: string;
  /** Every GraphQL error message, for partial results. */
  messages: string[];
}

export interface Result<T> {
  data: T | null;
  error: ApiError | null;
}

let client: Client | null = null;

// Read-your-writes behind a load balancer (several replicas): a write's answer carries the
// store's state after it (header Kring-State); every later request asks for that state or a
// later one (Kring-Min-State), so that the replica answering it waits until it has the write.
let minState = '';

/** Tokens are "SEQ-RANDOM"; the later of two is kept. */
function seqOf(token: string): number {
  const n = Number.parseInt(token.split('-', 1)[0], 10);
  return Number.isFinite(n) ? n : 0;
}

/** Notes the state a write's answer named (its Kring-State header). */
export function noteState(token: string | null | undefined) {
  if (token && (!minState || seqOf(token) >= seqOf(minState))) minState = token;
}

/** The headers that ask for the last written state ({} before any write). */
export function minStateHeaders(): Record<string, string> {
  return minState ? { 'Kring-Min-State': minState } : {};
}

export function getClient(): Client {
  if (!client) {
    client = new Client({
      url: '/graphql',
      // Queries go out as persisted queries: a GET carrying the document's SHA-256 only (the
      // server asks once for the document, then knows it), so that the browser's HTTP cache and
      // the server's response cache can answer them (ETag, 304). Without Web Crypto (a page not
      // served from a secure context) the exchange sends documents as before.
      exchanges: [cacheExchange, persistedExchange({ preferGetForPersistedQueries: 'within-url-limit' }), fetchExchange],
      requestPolicy: 'cache-first',
      preferGetMethod: false,
      fetchOptions: () => ({ headers: minStateHeaders() }),
    });
  }
  return client;
}

/** For tests: replace the client. */
export function setClient(c: Client | null) {
  client = c;
}

interface GqlErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

/** Turns an urql CombinedError (or a plain error list) into an ApiError. */
export function classifyError(err: {
  networkError?: Error | null;
  graphQLErrors?: readonly GqlErrorLike[];
  response?: { status?: number } | null;
}): ApiError {
  const gqlErrors = err.graphQLErrors ?? [];
  const messages = gqlErrors.map((e) => e.message);
  if (gqlErrors.length > 0) {
    const first = gqlErrors[0];
    const code = typeof first.extensions?.code === 'string' ? (first.extensions.code as string) : undefined;
    return { kind: 'graphql', code, message: first.message, messages };
  }
  const status = err.response?.status;
  if (status && status >= 400) {
    return { kind: 'http', status, message: err.networkError?.message ?? `HTTP ${status}`, messages };
  }
  return { kind: 'network', message: err.networkError?.message ?? 'network error', messages };
}

/** The i18n key and variables that describe an error in plain words. */
export function errorMessageKey(e: ApiError): { key: string; vars: Record<string, string | number> } {
  if (e.kind === 'network') return { key: 'err.network', vars: {} };
  if (e.kind === 'http') return { key: 'err.http', vars: { status: e.status ?? 0 } };
  const known = ['NOT_FOUND', 'BAD_USER_INPUT', 'FORBIDDEN', 'CONFLICT', 'INTERNAL'];
  if (e.code && known.includes(e.code)) return { key: `err.${e.code}`, vars: { message: e.message } };
  return { key: 'err.GRAPHQL', vars: { message: e.message } };
}

export const NOT_FOUND: ApiError = { kind: 'graphql', code: 'NOT_FOUND', message: 'not found', messages: [] };

/** Runs a query. Never throws: failures come back as `error`, possibly with partial `data`. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, opts: { fresh?: boolean } = {}): Promise<Result<T>> {
  try {
    const r = await getClient()
      .query(query, variables, opts.fresh ? { requestPolicy: 'network-only' } : undefined)
      .toPromise();
    const error = r.error ? classifyError(r.error as CombinedError) : null;
    return { data: (r.data as T) ?? null, error };
  } catch (e) {
    return { data: null, error: { kind: 'network', message: String(e), messages: [] } };
  }
}

/** The GraphQL enum value of a UI language. */
export function apiLang(lang: Lang): 'NL' | 'EN' {
  return lang === 'en' ? 'EN' : 'NL';
}

// --- Feature detection ------------------------------------------------------------------------

let queryFields: Promise<Set<string>> | null = null;

/** The names of the fields of the Query type (introspection), fetched once. */
export function getQueryFields(): Promise<Set<string>> {
  if (!queryFields) {
    queryFields = gql<{ __type: { fields: { name: string }[] } | null }>(
      `query KringFeatures { __type(name: "Query") { fields { name } } }`,
    ).then((r) => {
      if (!r.data?.__type) {
        queryFields = null; // try again next time
        return new Set<string>();
      }
      return new Set(r.data.__type.fields.map((f) => f.name));
    });
  }
  return queryFields;
}

export async function hasQueryField(name: string): Promise<boolean> {
  return (await getQueryFields()).has(name);
}

/** For tests. */
export function resetFeatures() {
  queryFields = null;
}
