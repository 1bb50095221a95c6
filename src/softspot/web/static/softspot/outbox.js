// The outbox: finished session records wait here until the server has them.
//
// A record is put in the outbox before it is sent, and removed only when the
// server answers 200 or 201 (it stores each `key` once, so sending twice is
// harmless). Anything else - offline, a server error, a refusal - leaves it
// waiting for the next try (the `online` event, the next page load, a timer).

export const DELIVERED = new Set([200, 201]);

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
    const item = { key, url, body, csrf, added: this.now(), attempts: 0, last_error: null };
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

  /** Send everything waiting; one flush at a time (a second call joins the first). */
  flush() {
    if (!this.flushing) {
      this.flushing = this.flushOnce().finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  async flushOnce() {
    const items = await this.store.all();
    const result = { sent: [], kept: [] };
    for (const item of items) {
      let status = 0;
      let error = null;
      try {
        status = await this.send(item);
      } catch (exc) {
        error = `network: ${exc && exc.message ? exc.message : exc}`;
      }
      if (DELIVERED.has(status)) {
        await this.store.remove(item.key);
        result.sent.push(item.key);
      } else {
        await this.store.put({ ...item, attempts: item.attempts + 1, last_error: error || `HTTP ${status}` });
        result.kept.push(item.key);
      }
    }
    this.onChange(result.kept.length);
    return result;
  }
}

/** The CSRF token: the cookie when readable (always current), else the one the page was given. */
export function csrfToken(cookie, fallback) {
  const m = /(?:^|;\s*)csrftoken=([^;]+)/.exec(cookie || "");
  return m ? decodeURIComponent(m[1]) : fallback;
}

export function fetchSender(fetchImpl, tokenFn) {
  return async (item) => {
    const response = await fetchImpl(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": tokenFn(item) },
      body: JSON.stringify(item.body),
    });
    return response.status;
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
