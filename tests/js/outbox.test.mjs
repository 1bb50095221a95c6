// The outbox keeps a record until the server answers 200 or 201, whatever happens in between. It tries again
// after a network failure, a 5xx, 408 or 429; a refusal (400 with the fields at fault, 403, 409, ...) is kept
// for the person, with the server's messages, and never resent by itself.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

import { Outbox, csrfToken, fetchSender, fieldErrors, memoryStore, outcomeOf } from "../../src/softspot/web/static/softspot/outbox.js";
import { refusalText } from "../../src/softspot/web/static/softspot/refused.js";

const HERE = dirname(fileURLToPath(import.meta.url));

/** A fake server that stores each key once, and can be switched off or made to answer something else. */
function fakeServer() {
  const server = { up: true, stored: new Map(), posts: 0, answer: null, errors: [] };
  server.send = async (item) => {
    server.posts += 1;
    if (!server.up) throw new TypeError("Failed to fetch");
    if (server.answer) return { status: server.answer, errors: server.errors };
    if (server.stored.has(item.key)) return { status: 200, errors: [] };
    server.stored.set(item.key, item.body);
    return { status: 201, errors: [] };
  };
  return server;
}

const item = (key) => ({ key, url: "/api/records/", body: { key, note: key }, csrf: "t" });

test("a record sent while the server is up leaves the outbox at once", async () => {
  const server = fakeServer();
  const box = new Outbox(memoryStore(), server.send);
  await box.add(item("a"));
  assert.deepEqual(await box.flush(), { sent: ["a"], kept: [], refused: [] });
  assert.equal(await box.pending(), 0);
  assert.deepEqual([...server.stored.keys()], ["a"]);
});

test("a record waits while the server is down and arrives exactly once when it is back", async () => {
  const server = fakeServer();
  server.up = false;
  const box = new Outbox(memoryStore(), server.send);
  await box.add(item("a"));
  for (let i = 0; i < 3; i += 1) assert.deepEqual(await box.flush(), { sent: [], kept: ["a"], refused: [] });
  const [waiting] = await box.store.all();
  assert.equal(waiting.attempts, 3);
  assert.match(waiting.last_error, /network: Failed to fetch/);
  server.up = true;
  assert.deepEqual(await box.flush(), { sent: ["a"], kept: [], refused: [] });
  assert.deepEqual(await box.flush(), { sent: [], kept: [], refused: [] });
  assert.equal(server.stored.size, 1);
});

test("only 200 and 201 count as delivered; the network, 5xx, 408 and 429 are tried again, anything else is refused", () => {
  for (const status of [200, 201]) assert.equal(outcomeOf(status), "delivered", `HTTP ${status}`);
  for (const status of [0, 408, 429, 500, 502, 503, 504, 599]) assert.equal(outcomeOf(status), "retry", `HTTP ${status}`);
  for (const status of [202, 204, 301, 400, 401, 403, 404, 405, 409, 413, 415, 422]) {
    assert.equal(outcomeOf(status), "refused", `HTTP ${status}`);
  }
});

test("a server error or a busy server keeps the record and it is sent again on the next try", async () => {
  for (const status of [500, 502, 503, 429, 408]) {
    const server = fakeServer();
    server.answer = status;
    const box = new Outbox(memoryStore(), server.send);
    await box.add(item("a"));
    assert.deepEqual(await box.flush(), { sent: [], kept: ["a"], refused: [] }, `HTTP ${status}`);
    const [waiting] = await box.store.all();
    assert.equal(waiting.last_error, `HTTP ${status}`);
    assert.equal(waiting.refused, null);
    server.answer = null;
    assert.deepEqual(await box.flush(), { sent: ["a"], kept: [], refused: [] }, `then HTTP 201 (${status})`);
    assert.equal(server.stored.size, 1);
  }
});

test("a record refused with 400 is kept with the server's field messages and not resent in a loop", async () => {
  const server = fakeServer();
  server.answer = 400;
  server.errors = [{ field: "engine.spots.0.index", message: "40000 is above 1000" }];
  const box = new Outbox(memoryStore(), server.send, { now: () => 1234 });
  await box.add(item("a"));
  assert.deepEqual(await box.flush(), { sent: [], kept: [], refused: ["a"] });
  for (let i = 0; i < 5; i += 1) assert.deepEqual(await box.flush(), { sent: [], kept: [], refused: ["a"] });
  assert.equal(server.posts, 1, "asked once, not again by itself");
  assert.equal(await box.pending(), 1, "it stays on this phone");
  const [kept] = await box.refused();
  assert.deepEqual(kept.refused, { status: 400, errors: [{ field: "engine.spots.0.index", message: "40000 is above 1000" }], at: 1234 });
  assert.deepEqual(kept.body, item("a").body, "the record itself is kept whole");
});

test("Try again sends a refused record once more: stored once when the server takes it, kept again when not", async () => {
  const server = fakeServer();
  const box = new Outbox(memoryStore(), server.send);
  await box.add(item("a"));
  await box.add(item("b"));
  server.up = false;
  const first = await box.flush(); // offline first: both wait
  assert.deepEqual(first, { sent: [], kept: ["a", "b"], refused: [] });
  server.up = true;
  server.answer = 403;
  assert.deepEqual(await box.flush(), { sent: [], kept: [], refused: ["a", "b"] });
  server.answer = null; // signed in again
  assert.deepEqual(await box.retry("a"), { sent: ["a"], kept: [], refused: ["b"] });
  assert.deepEqual(await box.retry("a"), { sent: [], kept: [], refused: ["b"] }, "a is gone: nothing to resend");
  server.answer = 400;
  assert.deepEqual(await box.retry("b"), { sent: [], kept: [], refused: ["b"] });
  assert.equal(server.stored.size, 1);
  assert.equal(await box.pending(), 1);
});

test("the person is told why, in the server's words, and what to do", () => {
  const bad = refusalText({ status: 400, errors: [{ field: "engine.spots.0.index", message: "40000 is above 1000" }, { field: "", message: "the body could not be read" }] });
  assert.match(bad.why, /refused this record \(HTTP 400\)/);
  assert.deepEqual(bad.lines, ["engine.spots.0.index: 40000 is above 1000", "the body could not be read"]);
  assert.match(bad.todo, /stays on this phone and is not sent again by itself/);
  assert.match(bad.todo, /softspot import FILE/);
  assert.match(refusalText({ status: 403, errors: [] }).todo, /Sign in again .* then press Try again/);
  assert.match(refusalText({ status: 409, errors: [] }).why, /another account/);
});

test("only the server's field messages are kept, and not more than 20 of them", () => {
  assert.deepEqual(fieldErrors(null), []);
  assert.deepEqual(fieldErrors({ errors: "no" }), []);
  assert.deepEqual(fieldErrors({ errors: [{ field: "note", message: "too long" }, { nope: 1 }, null] }), [{ field: "note", message: "too long" }]);
  assert.equal(fieldErrors({ errors: Array.from({ length: 50 }, () => ({ field: "x", message: "y" })) }).length, 20);
});

test("the service worker follows the same rule as the page (it sends the outbox when the page is gone)", () => {
  const code = readFileSync(join(HERE, "..", "..", "src", "softspot", "web", "static", "softspot", "sw.js"), "utf8");
  const self = { addEventListener() {}, location: { origin: "http://x" } };
  const context = vm.createContext({ self, URL, Set, Date });
  vm.runInContext(code, context);
  for (let status = 0; status < 600; status += 1) assert.equal(context.outcomeOf(status), outcomeOf(status), `HTTP ${status}`);
});

test("a record the server already has (answer 200 to a repeat) is removed", async () => {
  const server = fakeServer();
  server.stored.set("a", {});
  const box = new Outbox(memoryStore(), server.send);
  await box.add(item("a"));
  assert.deepEqual(await box.flush(), { sent: ["a"], kept: [], refused: [] });
  assert.equal(server.stored.size, 1);
});

test("flushes that overlap (online event, timer, page load) send each record once", async () => {
  const server = fakeServer();
  const box = new Outbox(memoryStore(), server.send);
  await box.add(item("a"));
  await box.add(item("b"));
  const [one, two, three] = await Promise.all([box.flush(), box.flush(), box.flush()]);
  assert.equal(one, two);
  assert.equal(two, three);
  assert.equal(server.posts, 2);
});

test("adding the same key twice (a double tap on Save) keeps one record", async () => {
  const box = new Outbox(memoryStore(), fakeServer().send);
  await box.add(item("a"));
  await box.add(item("a"));
  assert.equal(await box.pending(), 1);
});

test("a storage-backed outbox survives a reload", async () => {
  const data = new Map();
  const storage = { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v) };
  await new Outbox(memoryStore(storage), fakeServer().send).add(item("a"));
  const reloaded = new Outbox(memoryStore(storage), fakeServer().send);
  assert.equal(await reloaded.pending(), 1);
  assert.deepEqual((await reloaded.flush()).sent, ["a"]);
  assert.equal(await new Outbox(memoryStore(storage), fakeServer().send).pending(), 0);
});

test("the CSRF token comes from the cookie when there is one, else from the page", () => {
  assert.equal(csrfToken("a=1; csrftoken=abc%3D; b=2", "page"), "abc=");
  assert.equal(csrfToken("csrftoken=xyz", "page"), "xyz");
  assert.equal(csrfToken("a=1", "page"), "page");
  assert.equal(csrfToken("", "page"), "page");
});

test("the sender posts JSON with the CSRF header and returns the status", async () => {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    return { status: 201 };
  };
  const send = fetchSender(fetchImpl, (it) => `token-${it.csrf}`);
  assert.deepEqual(await send(item("a")), { status: 201, errors: [] });
  assert.equal(calls[0].url, "/api/records/");
  assert.equal(calls[0].init.method, "POST");
  assert.equal(calls[0].init.headers["X-CSRFToken"], "token-t");
  assert.deepEqual(JSON.parse(calls[0].init.body), { key: "a", note: "a" });
});

test("the sender reads the field messages of a refusal, and copes with a body that is not JSON", async () => {
  const answer = (status, body) => async () => ({ status, json: async () => (typeof body === "string" ? JSON.parse(body) : body) });
  const token = () => "t";
  const refused = await fetchSender(answer(400, { errors: [{ field: "after.left", message: "11 is above 10" }] }), token)(item("a"));
  assert.deepEqual(refused, { status: 400, errors: [{ field: "after.left", message: "11 is above 10" }] });
  assert.deepEqual(await fetchSender(answer(403, "<html>"), token)(item("a")), { status: 403, errors: [] });
  assert.deepEqual(await fetchSender(answer(503, { errors: [{ field: "", message: "read-only" }] }), token)(item("a")), { status: 503, errors: [] });
});
