// Record keys are version-4 UUIDs, also where crypto.randomUUID is missing (plain http on the home network).
import assert from "node:assert/strict";
import { test } from "node:test";

import { isKey, newKey, uuidFromBytes } from "../../src/softspot/web/static/softspot/keys.js";

test("a key from crypto.randomUUID is a version-4 UUID", () => {
  assert.ok(isKey(newKey()));
});

test("without randomUUID (an insecure context) the key is built from random bytes", () => {
  const insecure = { getRandomValues: (a) => globalThis.crypto.getRandomValues(a) };
  const keys = new Set(Array.from({ length: 200 }, () => newKey(insecure)));
  assert.equal(keys.size, 200);
  for (const key of keys) assert.ok(isKey(key), key);
});

test("version and variant bits are set whatever the bytes", () => {
  assert.equal(uuidFromBytes(new Uint8Array(16).fill(255)), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  assert.equal(uuidFromBytes(new Uint8Array(16)), "00000000-0000-4000-8000-000000000000");
});

test("things that are not keys are refused", () => {
  for (const bad of ["", "abc", null, 42, "ffffffff-ffff-1fff-bfff-ffffffffffff", "FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF"]) {
    assert.equal(isKey(bad), false, String(bad));
  }
});
