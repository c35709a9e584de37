import { describe, expect, it } from 'vitest';
import { openingViewport } from './opening-viewport.ts';

describe('openingViewport', () => {
  it('centres a diagram that fits, without enlarging it past 100%', () => {
    expect(openingViewport({ x: 0, y: 0, width: 400, height: 200 }, { width: 800, height: 600 })).toEqual({
      x: 200,
      y: 200,
      zoom: 1,
    });
  });

  it('shrinks a diagram to fit while the zoom stays readable', () => {
    const v = openingViewport({ x: 100, y: 0, width: 1504, height: 200 }, { width: 1000, height: 600 });
    expect(v.zoom).toBeCloseTo(952 / 1504);
    // Fitted exactly: the left edge sits on the padding.
    expect(v.x + 100 * v.zoom).toBeCloseTo(24);
  });

  it('opens a wide diagram at the smallest readable zoom, from its start on the left', () => {
    const v = openingViewport({ x: -75, y: 40, width: 2600, height: 400 }, { width: 800, height: 700 });
    expect(v.zoom).toBe(0.6);
    expect(v.x + -75 * 0.6).toBeCloseTo(24);
    // The height fits at that zoom: centred vertically.
    expect(v.y + 40 * 0.6 + (400 * 0.6) / 2).toBeCloseTo(350);
  });
});
