import { describe, expect, it } from 'vitest';
import {
  PALETTE, axisKeys, cellColours, cellKey, cellValue, colourStep, computeMatrix, contrast, countGaps, decodeCell, encodeCell, fromTable, indexCells, isAxis,
  legendSteps, textColourOn, type ClaimRow,
} from './matrix';

const WM1 = 'kring:workmodel/persoonlijke-competentieversterking';
const WM2 = 'kring:workmodel/persoonlijke-vriend';
const WM3 = 'kring:workmodel/persoonlijk-netwerk';

function claim(id: string, wms: string[], domain: string, direction: ClaimRow['direction'], design: ClaimRow['design'], sources: string[], extra: Partial<ClaimRow['method']> = {}): ClaimRow {
  return {
    id,
    direction,
    design,
    method: { id: `kring:method/${id}-m`, name: `M ${id}`, workModels: wms.map((w) => ({ workModel: { id: w } })), ...extra },
    outcome: { id: `kring:outcome/${domain.toLowerCase()}`, label: domain.toLowerCase(), domain },
    sources: sources.map((s) => ({ id: `kring:source/${s}`, type: s.startsWith('a') ? 'ACADEMIC_ANGLO' : 'GREY_BE' })),
  };
}

const claims: ClaimRow[] = [
  claim('c1', [WM2], 'WELLBEING_QOL', 'POSITIVE', 'PRE_POST', ['a1', 'g1']),
  claim('c2', [WM2], 'WELLBEING_QOL', 'NONE', 'RCT', ['a1']),
  claim('c3', [WM2], 'FINANCIAL_DEBT', 'NONE', 'PRE_POST', ['g2']),
  claim('c4', [WM2, WM3], 'LONELINESS_ISOLATION', 'MIXED', null, ['g3'], { actors: [{ actorType: 'VOLUNTEER' }, { actorType: 'VOLUNTEER' }] }),
  claim('c5', [], 'HOUSING', 'NEGATIVE', 'QUALITATIVE', ['g4']),
];
const rows = [WM1, WM2, WM3].map((k) => ({ key: k, label: k.split('/')[1] }));
const cols = ['WELLBEING_QOL', 'FINANCIAL_DEBT', 'LONELINESS_ISOLATION', 'HOUSING'].map((k) => ({ key: k, label: k }));

describe('client-side matrix (WORK_MODEL × OUTCOME_DOMAIN)', () => {
  const m = computeMatrix(claims, 'WORK_MODEL', 'OUTCOME_DOMAIN', rows, cols);
  const idx = indexCells(m);

  it('counts claims, distinct sources and directions per cell', () => {
    const c = idx.get(cellKey(WM2, 'WELLBEING_QOL'))!;
    expect(c).toMatchObject({ claimCount: 2, sourceCount: 2, positive: 1, none: 1, negative: 0, mixed: 0, strongestDesign: 'RCT' });
    expect(c.claimIds).toEqual(['c1', 'c2']);
  });
  it('puts a claim of a method in two work models in both rows', () => {
    expect(idx.get(cellKey(WM2, 'LONELINESS_ISOLATION'))?.mixed).toBe(1);
    expect(idx.get(cellKey(WM3, 'LONELINESS_ISOLATION'))?.claimCount).toBe(1);
    expect(idx.get(cellKey(WM3, 'LONELINESS_ISOLATION'))?.strongestDesign).toBeNull();
  });
  it('leaves out claims without a value on an axis, and counts gaps', () => {
    expect(m.cells.some((c) => c.column === 'HOUSING')).toBe(false);
    expect(m.rows.map((r) => r.key)).toEqual([WM1, WM2, WM3]);
    expect(m.cells).toHaveLength(4);
    expect(m.gaps).toBe(3 * 4 - 4);
    expect(countGaps(m)).toBe(m.gaps);
  });
  it('appends axis values found in the data but missing from the given lists', () => {
    const m2 = computeMatrix(claims, 'WORK_MODEL', 'OUTCOME_DOMAIN', [], [], (_a, k) => `L:${k}`);
    expect(m2.rows.map((r) => r.key)).toEqual([WM2, WM3]);
    expect(m2.columns.map((c) => c.label)).toEqual(['L:WELLBEING_QOL', 'L:FINANCIAL_DEBT', 'L:LONELINESS_ISOLATION']);
    expect(m2.gaps).toBe(2 * 3 - 4);
  });
  it('supports other axes and counts a claim once per cell', () => {
    expect(axisKeys('ACTOR_TYPE', claims[3])).toEqual(['VOLUNTEER']);
    expect(axisKeys('SOURCE_TYPE', claims[0]).sort()).toEqual(['ACADEMIC_ANGLO', 'GREY_BE']);
    const m3 = computeMatrix(claims, 'SOURCE_TYPE', 'OUTCOME_DOMAIN');
    const c = indexCells(m3).get(cellKey('ACADEMIC_ANGLO', 'WELLBEING_QOL'))!;
    expect(c.claimCount).toBe(2);
    expect(c.sourceCount).toBe(2); // a1 and g1 (all sources of the claims in the cell)
    expect(axisKeys('METHOD', claims[0])).toEqual(['kring:method/c1-m']);
    expect(axisKeys('OUTCOME', claims[0])).toEqual(['kring:outcome/wellbeing_qol']);
    expect(axisKeys('REGION', claims[0])).toEqual([]);
  });
  it('encodes the selected cell for the URL', () => {
    expect(decodeCell(encodeCell(WM2, 'HOUSING'))).toEqual({ row: WM2, column: 'HOUSING' });
    expect(decodeCell('nonsense')).toBeNull();
    expect(decodeCell(undefined)).toBeNull();
    expect(isAxis('WORK_MODEL')).toBe(true);
    expect(isAxis('NOPE')).toBe(false);
  });
});

describe('colour scale', () => {
  it('values: sources or strongest design', () => {
    const c = { row: 'r', column: 'c', claimCount: 2, sourceCount: 3, positive: 2, none: 0, negative: 0, mixed: 0, strongestDesign: 'RCT' as const };
    expect(cellValue(c, 'sources')).toBe(3);
    expect(cellValue(c, 'evidence')).toBe(5);
    expect(cellValue(undefined, 'sources')).toBe(0);
    expect(cellValue({ ...c, strongestDesign: null }, 'evidence')).toBe(0);
  });
  it('maps values to five steps; empty cells have no colour', () => {
    expect(colourStep(0, 10)).toBe(-1);
    expect(colourStep(1, 10)).toBe(0);
    expect(colourStep(10, 10)).toBe(4);
    expect(colourStep(5, 10)).toBe(2);
    expect(colourStep(20, 10)).toBe(4);
    expect(colourStep(1, 1)).toBe(4);
    expect(cellColours(0, 5)).toBeNull();
  });
  it('text on every step contrasts at least 4.5:1', () => {
    for (const bg of PALETTE) {
      const fg = textColourOn(bg);
      expect(contrast(bg, fg)).toBeGreaterThanOrEqual(4.5);
    }
    expect(textColourOn('#ffffff')).toBe('#000000');
    expect(textColourOn('#000000')).toBe('#ffffff');
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 0);
  });
  it('legend groups values by step', () => {
    expect(legendSteps(10)).toEqual([
      { step: 0, from: 1, to: 2 },
      { step: 1, from: 3, to: 4 },
      { step: 2, from: 5, to: 6 },
      { step: 3, from: 7, to: 8 },
      { step: 4, from: 9, to: 10 },
    ]);
    expect(legendSteps(2)).toEqual([
      { step: 2, from: 1, to: 1 },
      { step: 4, from: 2, to: 2 },
    ]);
    expect(legendSteps(0)).toEqual([]);
  });
});

describe('fromTable', () => {
  it('turns the server table into cells, entry by entry', () => {
    const m = fromTable({
      rows: [{ key: WM1, label: 'wm1' }, { key: WM2, label: 'wm2' }],
      columns: [{ key: 'LONELINESS_ISOLATION', label: 'l' }, { key: 'PERCEIVED_SUPPORT', label: 's' }],
      gaps: 2,
      table: {
        row: [0, 1], column: [1, 0], claimCount: [1, 3], sourceCount: [1, 2], positive: [1, 2], none: [0, 0], negative: [0, 0], mixed: [0, 1],
        strongestDesign: ['RCT', null], highestEvidenceLevel: [null, 'GOED_ONDERBOUWD'],
      },
    });
    expect(m.gaps).toBe(2);
    expect(m.cells).toEqual([
      { row: WM1, column: 'PERCEIVED_SUPPORT', claimCount: 1, sourceCount: 1, positive: 1, none: 0, negative: 0, mixed: 0, strongestDesign: 'RCT', highestEvidenceLevel: null },
      { row: WM2, column: 'LONELINESS_ISOLATION', claimCount: 3, sourceCount: 2, positive: 2, none: 0, negative: 0, mixed: 1, strongestDesign: null, highestEvidenceLevel: 'GOED_ONDERBOUWD' },
    ]);
  });
});
