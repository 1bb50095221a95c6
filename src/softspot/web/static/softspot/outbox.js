// The outbox: finished session records wait here until the server has them.
//
// A record is put in the outbox before it is sent, and removed only when the
// server answers 200 or 201 (it stores each `key` once, so sending twice is
// harmless). What any other answer means (outcomeOf):
//
// - "retry": the network failed, or the server could not answer now (5xx, 429
//   too many requests, 408 timeout): the record waits for the next try (the
//   `online` event, the next page load, a timer);
// - "refused": the server said no to this record (400 with the fields at fault,
//   403, 409, 413, ...): sending the same bytes again gets the same answer, so it
//   is NOT sent again by itself. It stays on this phone with the server's
//   messages (`item.refused`), for the person to see, save a copy of, or try
//   again (`retry(key)`, e.g. after signing in again).

export const DELIVERED = new Set([200, 201]);
const TRY_AGAIN_LATER = new Set([408, 429]);

/** "delivered", "retry" or "refused", for an HTTP status (0: no answer, the network failed). */
export function outcomeOf(status) {
  if (DELIVERED.has(status)) return "delivered";
  if (status === 0 || TRY_AGAIN_LATER.has(status) || status >= 500) return "retry";
  return "refused";
}

/** The server's field messages from a refusal body `{"errors": [{field, message}]}` (docs/contracts.md). */
export function fieldErrors(body) {
  const found = body && Array.isArray(body.errors) ? body.errors : [];
  return found
    .filter((e) => e && typeof e.message === "string")
    .slice(0, 20)
    .map((e) => ({ field: typeof e.field === "string" ? e.field.slice(0, 200) : "", message: e.message.slice(0, 500) }));
}


export class Outbox {
  /**
   * @param store  {all(): Promise<item[]>, put(item): Promise, remove(key): Promise}
   * @param send   async (item) => HTTP status (throws when the network fails)
   */
  constructor(store, send, { onChange = () => {}, now = () => Date.now() } = {}) {
    this.store = store;
    this.send = send;
    this.onChange = onChange;
    this.now = now;
    this.flushing = null;
  }

  /** Keep a record to send: `csrf` is the page's token, for a sender that cannot read the cookie. */
  async add({ key, url, body, csrf = "" }) {
    const item = { key, url, body, csrf, added: this.now(), attempts: 0, last_error: null, refused: null };
    await this.store.put(item);
    this.onChange(await this.pending());
    return item;
  }

  /** True while the record with this key waits here. */
  async has(key) {
    return (await this.store.all()).some((item) => item.key === key);
  }

  async pending() {
    return (await this.store.all()).length;
  }

  /** The records the server refused, waiting here for the person (newest last). */
  async refused() {
    return (await this.store.all()).filter((item) => item.refused).sort((a, b) => a.added - b.added);
  }

  /** Send a refused record again, once (the person asked: e.g. after signing in again). */
  async retry(key) {
    const item = (await this.store.all()).find((i) => i.key === key);
    if (item && item.refused) await this.store.put({ ...item, refused: null });
    return this.flush();
  }

  /** Send everything waiting; one flush at a time (a second call joins the first). */
  flush() {
    if (!this.flushing) {
      this.flushing = this.flushOnce().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  /** One pass: `sent` (the server has them), `kept` (waiting to be sent again), `refused` (waiting for the person). */
  async flushOnce() {
    const items = await this.store.all();
    const result = { sent: [], kept: [], refused: [] };
    for (const item of items) {
      if (item.refused) {
        result.refused.push(item.key); // never resent by itself
        continue;
      }
      let answer = { status: 0, errors: [] };
      let error = null;
      try {
        const got = await this.send(item);
        answer = typeof got === "number" ? { status: got, errors: [] } : { status: got.status, errors: got.errors || [] };
      } catch (exc) {
        error = `network: ${exc && exc.message ? exc.message : exc}`;
      }
      const outcome = error ? "retry" : outcomeOf(answer.status);
      if (outcome === "delivered") {
        await this.store.remove(item.key);
        result.sent.push(item.key);
        continue;
      }
      const kept = { ...item, attempts: item.attempts + 1, last_error: error || `HTTP ${answer.status}` };
      if (outcome === "refused") {
        kept.refused = { status: answer.status, errors: fieldErrors(answer), at: this.now() };
        result.refused.push(item.key);
      } else result.kept.push(item.key);
      await this.store.put(kept);
    }
    this.onChange(result.kept.length + result.refused.length);
    return result;
  }
}

/** The CSRF token: the cookie when readable (always current), else the one the page was given. */
export function csrfToken(cookie, fallback) {
  const m = /(?:^|;\s*)csrftoken=([^;]+)/.exec(cookie || "");
  return m ? decodeURIComponent(m[1]) : fallback;
}

/** Posts a record; answers {status, errors}: the server's field messages when it refused it. */
export function fetchSender(fetchImpl, tokenFn) {
  return async (item) => {
    const response = await fetchImpl(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": tokenFn(item) },
      body: JSON.stringify(item.body),
    });
    let errors = [];
    if (outcomeOf(response.status) === "refused") {
      try {
        errors = fieldErrors(await response.json());
      } catch {
        errors = []; // not JSON (a proxy's page): the status says enough
      }
    }
    return { status: response.status, errors };
  };
}

/** A store in memory (tests) or over localStorage-like `storage` when IndexedDB is missing. */
export function memoryStore(storage = null, name = "softspot:outbox") {
  let items = new Map();
  const load = () => {
    if (!storage) return;
    try {
      items = new Map((JSON.parse(storage.getItem(name)) || []).map((i) => [i.key, i]));
    } catch {
      items = new Map();
    }
  };
  const save = () => storage && storage.setItem(name, JSON.stringify([...items.values()]));
  return {
    async all() {
      load();
      return [...items.values()];
    },
    async put(item) {
      load();
      items.set(item.key, item);
      save();
    },
    async remove(key) {
      load();
      items.delete(key);
      save();
    },
  };
}

const DB = "softspot";
const STORE = "outbox";

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** The IndexedDB outbox (also read by the service worker). */
export async function idbStore(indexedDB = globalThis.indexedDB) {
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: "key" });
  const db = await request(open);
  const run = (mode, fn) => {
    const tx = db.transaction(STORE, mode);
    const out = request(fn(tx.objectStore(STORE)));
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve(out);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  };
  return {
    all: () => run("readonly", (s) => s.getAll()),
    put: (item) => run("readwrite", (s) => s.put(item)),
    remove: (key) => run("readwrite", (s) => s.delete(key)),
  };
}
