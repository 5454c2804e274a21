// Which fields the server offers (introspection, fetched once), so that the pages can use the
// issue-11 API (roll-up, confidence, note(lang)) where it exists and stay usable where it does not.

import { gql } from './api';

export interface Features {
  /** Method.claims(scope:) and ClaimEdge.via: claims through implementing initiatives. */
  claimScope: boolean;
  /** OutcomeClaim.confidence. */
  confidence: boolean;
  /** note(lang:) without fallback (null when the note has no text in that language). */
  noteLang: boolean;
  /** SearchEdge.highlights and SearchResults.facets. */
  searchHighlights: boolean;
}

export const FEATURES_QUERY = `query KringTypeFeatures {
  claimEdge: __type(name: "ClaimEdge") { fields { name } }
  claim: __type(name: "OutcomeClaim") { fields { name args { name } } }
  searchEdge: __type(name: "SearchEdge") { fields { name } }
}`;

type F = { fields: { name: string; args?: { name: string }[] }[] | null } | null;

export function toFeatures(d: { claimEdge: F; claim: F; searchEdge: F } | null): Features {
  const has = (t: F, f: string) => !!t?.fields?.some((x) => x.name === f);
  const note = d?.claim?.fields?.find((x) => x.name === 'note');
  return {
    claimScope: has(d?.claimEdge ?? null, 'via'),
    confidence: has(d?.claim ?? null, 'confidence'),
    noteLang: !!note?.args?.some((a) => a.name === 'lang'),
    searchHighlights: has(d?.searchEdge ?? null, 'highlights'),
  };
}

let cached: Promise<Features> | null = null;

export function getFeatures(): Promise<Features> {
  if (!cached) {
    cached = gql<{ claimEdge: F; claim: F; searchEdge: F }>(FEATURES_QUERY).then((r) => {
      if (!r.data) cached = null;
      return toFeatures(r.data);
    });
  }
  return cached;
}

/** The full feature set (the API as agreed in issue 11), for tests. */
export const ALL_FEATURES: Features = { claimScope: true, confidence: true, noteLang: true, searchHighlights: true };
export const NO_FEATURES: Features = { claimScope: false, confidence: false, noteLang: false, searchHighlights: false };
