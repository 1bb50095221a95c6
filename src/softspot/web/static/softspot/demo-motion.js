// Where the giver is at a moment of the demonstration (pure; tested in tests/js/demo.test.mjs).
// Each frame says where the giver ends up; the first `moveMs` of a frame take the giver there from the
// frame before: sliding, lifted off the leg on the way when moving along it, faded out and in when
// changing legs (the giver gets up and walks round; the drawing does not step over the receiver).

const smooth = (p) => p * p * (3 - 2 * p);
const lerp = (a, b, t) => a + (b - a) * t;

/** The shorter way round from `a` to `b` degrees. */
function turnBetween(a, b, t) {
  const d = ((((b - a) % 360) + 540) % 360) - 180;
  return a + d * t;
}

/**
 * @param frames  [{pose, leg, x, y, turn, lift, sweep}, ...]
 * @param index   the frame shown
 * @param elapsed ms into it
 * @returns {pose, x, y, turn, lift, opacity, settled}
 */
export function framePose(frames, index, elapsed, moveMs) {
  const to = frames[index];
  const from = index > 0 ? frames[index - 1] : to;
  const p = index === 0 ? 1 : Math.min(1, Math.max(0, elapsed / moveMs)); // the first frame is where it starts
  const t = smooth(p);
  const changesLeg = to.leg !== from.leg;
  let x;
  let y;
  let turn;
  let opacity = 1;
  if (changesLeg && p < 1) {
    const there = p >= 0.5;
    ({ x, y, turn } = there ? to : from);
    opacity = Math.abs(1 - 2 * p);
  } else {
    x = lerp(from.x, to.x, t);
    y = lerp(from.y, to.y, t);
    turn = turnBetween(from.turn, to.turn, t);
  }
  let lift = lerp(from.lift || 0, to.lift || 0, t);
  const moves = from.x !== to.x || from.y !== to.y || from.pose !== to.pose;
  if (moves && !changesLeg && p < 1) lift = Math.max(lift, Math.sin(Math.PI * p)); // up, along, down
  // Palpating: the giver's hands sweep along the thigh (up and down the picture), then settle.
  if (p >= 1 && to.sweep) y += to.sweep * Math.sin((2 * Math.PI * (elapsed - moveMs)) / 2400);
  return { pose: p < 0.5 ? from.pose : to.pose, x, y, turn, lift: Math.min(1, lift), opacity, settled: p >= 1 };
}
