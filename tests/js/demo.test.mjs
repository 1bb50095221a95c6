// The demonstration's motion (demo-motion.js): where the giver is at any moment between two frames.
import assert from "node:assert/strict";
import { test } from "node:test";

import { framePose } from "../../src/softspot/web/static/softspot/demo-motion.js";

const MOVE = 900;
const kneel = { pose: "kneel", leg: "left", x: 70, y: 256, turn: -90 };
const spot1 = { pose: "sit", leg: "left", x: 122, y: 245.3, turn: 90 };
const lifted = { ...spot1, lift: 1 };
const spot2 = { ...spot1, y: 256, lift: 1 };
const sat2 = { ...spot1, y: 256 };
const otherLeg = { pose: "kneel", leg: "right", x: 230, y: 256, turn: 90 };

test("the first frame is where it says, settled from the start", () => {
  const p = framePose([kneel], 0, 0, MOVE);
  assert.deepEqual(p, { pose: "kneel", x: 70, y: 256, turn: -90, lift: 0, opacity: 1, settled: true });
});

test("a frame takes the giver from the last place to its own, then stays there", () => {
  const frames = [kneel, spot1];
  const start = framePose(frames, 1, 0, MOVE);
  assert.deepEqual([start.x, start.y, start.pose, start.settled], [70, 256, "kneel", false]);
  const half = framePose(frames, 1, MOVE / 2, MOVE);
  assert.equal(half.pose, "sit", "the pose changes half-way");
  assert.ok(half.x > 70 && half.x < 122);
  assert.equal(half.lift, 1, "off the floor while moving onto the leg");
  for (const at of [MOVE, MOVE * 3]) {
    const there = framePose(frames, 1, at, MOVE);
    assert.deepEqual([there.x, there.y, there.lift, there.settled], [122, 245.3, 0, true]);
    assert.equal(((there.turn % 360) + 360) % 360, 90);
  }
});

test("lift, move an inch toward the knee, sit: lifted all the way along, down only on the new spot", () => {
  const frames = [spot1, lifted, spot2, sat2];
  assert.equal(framePose(frames, 1, MOVE, MOVE).lift, 1);
  for (const at of [0, MOVE / 4, MOVE / 2, MOVE]) {
    const p = framePose(frames, 2, at, MOVE);
    assert.equal(p.lift, 1, `moving, ${at} ms`);
    assert.ok(p.y >= 245.3 && p.y <= 256, "only toward the knee");
  }
  const down = framePose(frames, 3, MOVE, MOVE);
  assert.deepEqual([down.y, down.lift], [256, 0]);
});

test("changing legs fades out and in at the new place: never drawn over the receiver", () => {
  const frames = [sat2, otherLeg];
  const xs = [];
  for (let at = 0; at <= MOVE; at += MOVE / 10) {
    const p = framePose(frames, 1, at, MOVE);
    xs.push(p.x);
    assert.ok(p.x === 122 || p.x === 230, `never in between (${p.x})`);
    if (at > 0 && at < MOVE) assert.ok(p.opacity < 1);
  }
  assert.equal(framePose(frames, 1, MOVE / 2 - 1, MOVE).opacity < 0.01, true);
  assert.equal(framePose(frames, 1, MOVE, MOVE).opacity, 1);
});

test("palpating sweeps the hands along the thigh once in place, and only then", () => {
  const frames = [kneel, { ...kneel, sweep: 44 }];
  assert.equal(framePose(frames, 1, MOVE / 2, MOVE).y, 256);
  const ys = [1, 2, 3, 4, 5].map((k) => framePose(frames, 1, MOVE + k * 400, MOVE).y);
  assert.ok(Math.max(...ys) > 256 + 30 && Math.min(...ys) < 256 - 30, ys.join(", "));
  assert.ok(ys.every((y) => Math.abs(y - 256) <= 44));
});
