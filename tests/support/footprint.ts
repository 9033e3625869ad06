/**
 * One footprint, the consent button's rule (the H5 element and the DSL component alike): measured
 * in each state a user meets, the component's width, its button's box and a neighbour's place never
 * change, and waiting and done push nothing down.
 */
export interface FootprintBox {
  state: string;
  /** The component's own box. */
  width: number;
  height: number;
  /** The inner `<button>`'s box. */
  button: { width: number; height: number };
  /** Where the neighbour beside it starts: it moves when the component's width changes. */
  next: number;
}

/** The states `boxes` were measured in: idle, pending, denied, authorized, then two errors. */
export const FOOTPRINT_STATES = ['idle', 'pending', 'denied', 'authorized', 'error', 'error'];

export function expectOneFootprint(boxes: FootprintBox[], viewportWidth: number): void {
  expect(boxes.map((b) => b.state)).toEqual(FOOTPRINT_STATES);
  const [idle] = boxes as [FootprintBox];
  for (const box of boxes) {
    // Whole pixels: sub-pixel text shaping is not a reflow.
    expect([box.state, Math.round(box.width), Math.round(box.button.width), Math.round(box.button.height), box.next]).toEqual([
      box.state,
      Math.round(idle.width),
      Math.round(idle.button.width),
      Math.round(idle.button.height),
      idle.next,
    ]);
  }
  // The status line is kept when empty: waiting and done push nothing down.
  for (const box of [boxes[1]!, boxes[3]!]) expect([box.state, Math.round(box.height)]).toEqual([box.state, Math.round(idle.height)]);
  // The button is a real touch target, and the component stays on the phone's screen.
  expect(idle.button.height).toBeGreaterThanOrEqual(44);
  expect(idle.width).toBeLessThanOrEqual(viewportWidth);
}
