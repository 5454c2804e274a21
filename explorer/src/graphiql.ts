// GraphiQL, bundled from its npm package (no CDN), served by the Go server at /graphiql.
// A separate Vite entry: the explorer never loads this chunk.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';

const DEFAULT_QUERY = `# Kring GraphQL API (POST or GET /graphql)
query WorkModels {
  workModels {
    nodes {
      id
      code
      status
      name(lang: NL)
      methods(first: 5) { totalCount nodes { id name } }
    }
  }
}
`;

type Params = { query: string; variables?: unknown; operationName?: string | null };

async function fetcher(params: Params) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify(params),
  });
  return res.json();
}

const root = document.getElementById('graphiql')!;
root.textContent = '';
createRoot(root).render(createElement(GraphiQL, { fetcher, defaultQuery: DEFAULT_QUERY }));
