// The cytoscape renderer. This module is only ever loaded with a dynamic import(), so cytoscape
// stays out of the first page's JavaScript.

import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import fcose from 'cytoscape-fcose';

cytoscape.use(fcose);
import type { ElementDef } from './model';

export interface GraphView {
  update(elements: ElementDef[], focus?: string): void;
  select(id: string | null): void;
  destroy(): void;
}

const COLOURS: Record<string, string> = {
  work_model: '#eef3fb',
  method: '#1f5fa8',
  initiative: '#0b7a4b',
  outcome: '#8a4b00',
  target_group: '#6a3d9a',
  organisation: '#4d4d4d',
  precondition: '#a4243b',
  source: '#5c6b7a',
  other: '#333333',
};

const style: cytoscape.StylesheetJson = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      'font-size': 11,
      color: '#1a1a1a',
      'text-wrap': 'wrap',
      'text-max-width': '110px',
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.85,
      'text-background-padding': '1px',
      'background-color': '#555',
      width: 22,
      height: 22,
      'border-width': 2,
      'border-color': '#ffffff',
    },
  },
  ...Object.entries(COLOURS).map(([cls, colour]) => ({ selector: `node.${cls}`, style: { 'background-color': colour } })),
  { selector: 'node.method', style: { shape: 'round-rectangle' } },
  { selector: 'node.initiative', style: { shape: 'ellipse' } },
  { selector: 'node.outcome', style: { shape: 'diamond' } },
  { selector: 'node.precondition', style: { shape: 'triangle' } },
  { selector: 'node.source', style: { shape: 'rectangle', width: 14, height: 18 } },
  { selector: 'node.target_group', style: { shape: 'hexagon' } },
  {
    selector: 'node.work_model',
    style: { shape: 'round-rectangle', 'border-color': '#1f5fa8', 'border-width': 2, 'font-weight': 'bold', 'font-size': 13 },
  },
  {
    selector: ':parent',
    style: { 'text-valign': 'top', 'text-halign': 'center', 'text-margin-y': -4, padding: '16px', 'background-opacity': 1 },
  },
  { selector: 'node.candidate', style: { 'border-style': 'dashed', 'border-color': '#8a5300', 'border-width': 3 } },
  { selector: 'node.inferred', style: { 'border-style': 'dotted', 'border-color': '#333333', 'border-width': 2 } },
  { selector: 'node.focus', style: { 'border-color': '#000000', 'border-width': 4 } },
  { selector: 'node:selected', style: { 'overlay-color': '#ffbf47', 'overlay-opacity': 0.45, 'overlay-padding': 6 } },
  {
    selector: 'edge',
    style: {
      width: 1.5,
      'line-color': '#8a96a3',
      'target-arrow-color': '#8a96a3',
      'target-arrow-shape': 'triangle',
      'curve-style': 'bezier',
      'arrow-scale': 0.8,
    },
  },
  { selector: 'edge.candidate', style: { 'line-style': 'dashed' } },
  { selector: 'edge.inferred', style: { 'line-style': 'dotted' } },
  { selector: 'edge.claims', style: { 'line-color': '#b36b00', 'target-arrow-color': '#b36b00' } },
  { selector: 'edge.cites', style: { 'line-color': '#c5ccd3', 'target-arrow-color': '#c5ccd3', width: 1 } },
];

// fcose: a force-directed layout built for compound graphs (work models hold their methods):
// a spectral start (randomize: true, as fcose recommends for a graph without positions), then
// force-directed refinement with compound gravity; no animation.
const LAYOUT = {
  name: 'fcose',
  quality: 'default',
  animate: false,
  randomize: true,
  padding: 24,
  nodeDimensionsIncludeLabels: true,
  packComponents: true,
  nodeRepulsion: () => 9000,
  idealEdgeLength: () => 90,
  edgeElasticity: () => 0.45,
  nestingFactor: 0.1,
  gravity: 0.25,
  gravityCompound: 1.2,
  gravityRangeCompound: 1.5,
  numIter: 2500,
  tile: true,
  tilingPaddingVertical: 12,
  tilingPaddingHorizontal: 12,
  uniformNodeDimensions: false,
} as unknown as cytoscape.LayoutOptions;

export function mountGraph(container: HTMLElement, elements: ElementDef[], onTap: (id: string) => void, focus?: string): GraphView {
  const cy: Core = cytoscape({
    container,
    elements: elements as ElementDefinition[],
    style,
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 3,
    layout: LAYOUT,
  });
  cy.on('tap', 'node', (e) => onTap(e.target.id()));
  const layout = () => {
    cy.layout(LAYOUT).run();
  };
  return {
    update(next, f) {
      focus = f ?? focus;
      const want = new Set(next.map((e) => e.data.id as string));
      cy.batch(() => {
        cy.elements().forEach((el) => {
          if (!want.has(el.id())) el.remove();
        });
        // Nodes first (parents before children), then edges.
        const nodes = next.filter((e) => e.group === 'nodes');
        const ordered = [...nodes.filter((n) => !n.data.parent), ...nodes.filter((n) => n.data.parent)];
        for (const e of [...ordered, ...next.filter((x) => x.group === 'edges')]) {
          const id = e.data.id as string;
          const existing = cy.getElementById(id);
          if (existing.nonempty()) {
            if (e.group === 'nodes' && (existing.data('parent') ?? undefined) !== (e.data.parent ?? undefined)) {
              existing.move({ parent: e.data.parent ?? null });
            }
            existing.data(e.data);
            existing.classes(e.classes ?? '');
          } else {
            cy.add(e as ElementDefinition);
          }
        }
      });
      layout();
    },
    select(id) {
      cy.$(':selected').unselect();
      if (id) cy.$id(id).select();
    },
    destroy() {
      cy.destroy();
    },
  };
}
