import { describe, expect, it } from 'vitest';
import { compareIds, moveActive } from './compare';

describe('compare type-ahead keys', () => {
  it('moves through the suggestions, wrapping around', () => {
    expect(moveActive('ArrowDown', -1, 3)).toBe(0);
    expect(moveActive('ArrowDown', 2, 3)).toBe(0);
    expect(moveActive('ArrowUp', 0, 3)).toBe(2);
    expect(moveActive('End', 0, 3)).toBe(2);
    expect(moveActive('Home', 2, 3)).toBe(0);
    expect(moveActive('a', 1, 3)).toBeNull();
    expect(moveActive('ArrowDown', -1, 0)).toBeNull();
  });
  it('keeps at most five distinct ids', () => {
    expect(compareIds('a,b,a,c,d,e,f')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
