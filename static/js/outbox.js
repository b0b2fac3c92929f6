// The field app's outbox (issue 17): cases, visits and notes recorded on the phone are kept in
// IndexedDB (idb) with a UUID made here, then sent one record and one photo at a time to
// cases:outbox_send, which stores each UUID once. Sending starts when the app opens, when the
// connection returns, from "Kirim sekarang", and again after a back-off; nothing is dropped
// after N tries. A Web Lock keeps two tabs from sending at once (the server's UUID makes even
// that harmless). Photos are made small here first (1600 px, JPEG 0.8, orientation applied,
// metadata dropped by the canvas). Also: the service worker and its "Versi baru tersedia",
// persistent storage, "simpan ke berkas", and logging out clears the phone's data.
/* global idb */
(function () {
  "use strict";
  var script = document.currentScript;
  var cfg = script ? script.dataset : {};
  var stringsNode = document.getElementById("outbox-strings");
  var T = stringsNode ? JSON.parse(stringsNode.textContent) : {};
  var DB_NAME = "psm-field";
  var STORE = "items";
  var MAX_SIDE = 1600;
  var QUALITY = 0.8;
  var BACKOFF_BASE_MS = 1000;
  var BACKOFF_MAX_MS = 5 * 60 * 1000;
  var REQUEST_TIMEOUT_MS = 60 * 1000;
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("psm-outbox") : null;
  var timer = null;
  var dbPromise = null;

  function fmt(text, vars) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return vars && key in vars ? vars[key] : "";
    });
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var leaving = false; // set by clearLocal: nothing may open (and so re-create) the store again
  function db() {
    if (leaving) return new Promise(function () {}); // a send in flight waits for the logout
    if (!dbPromise) {
      dbPromise = idb.openDB(DB_NAME, 1, {
        upgrade: function (d) {
          d.createObjectStore(STORE, { keyPath: "uuid" }).createIndex("createdAt", "createdAt");
        },
        blocking: function () { dbPromise.then(function (d) { d.close(); }); dbPromise = null; },
      });
    }
    return dbPromise;
  }

  async function allItems() {
    var d = await db();
    var items = await d.getAllFromIndex(STORE, "createdAt");
    return items.filter(function (item) { return String(item.owner) === String(cfg.user); });
  }

  async function getItem(id) { return (await db()).get(STORE, id); }

  async function putItem(item) {
    await (await db()).put(STORE, item);
    changed();
  }

  function changed() {
    if (channel) channel.postMessage("changed");
    refreshViews();
  }

  function unsent(items) {
    return items.filter(function (item) { return item.state !== "terkirim"; });
  }

  // --- photos ---------------------------------------------------------------------------

  async function shrink(file) {
    var keep = { blob: file, name: file.name || "file", type: file.type, originalSize: file.size };
    if (!/^image\//.test(file.type) || file.type === "image/gif") return keep;
    try {
      var bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var w = Math.max(1, Math.round(bitmap.width * scale));
      var h = Math.max(1, Math.round(bitmap.height * scale));
      var canvas;
      if (typeof OffscreenCanvas !== "undefined") canvas = new OffscreenCanvas(w, h);
      else { canvas = document.createElement("canvas"); canvas.width = w; canvas.height = h; }
      canvas.getContext("2d").drawImage(bitmap, 0, 0, w, h);
      bitmap.close();
      var blob = canvas.convertToBlob
        ? await canvas.convertToBlob({ type: "image/jpeg", quality: QUALITY })
        : await new Promise(function (ok) { canvas.toBlob(ok, "image/jpeg", QUALITY); });
      var name = (file.name || "foto").replace(/\.[^.]*$/, "") + ".jpg";
      return { blob: blob, name: name, type: "image/jpeg", originalSize: file.size };
    } catch (err) {
      return keep; // the server still checks and re-encodes it
    }
  }

  // Photos are shrunk as soon as they are chosen, so "Kirim" does not wait for it.
  var early = typeof WeakMap !== "undefined" ? new WeakMap() : null;

  function shrinking(file) {
    if (!early) return shrink(file);
    if (!early.has(file)) early.set(file, shrink(file));
    return early.get(file);
  }

  function watchPhotos() {
    document.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "file" || !input.closest("[data-outbox-form]")) return;
      Array.prototype.forEach.call(input.files || [], function (file) { shrinking(file); });
    });
  }

  // --- forms -> items -------------------------------------------------------------------

  var SKIPPED = { csrfmiddlewaretoken: 1, idempotency_key: 1, q: 1 };

  async function itemFromForm(form, kind, previous) {
    var fields = [];
    var files = [];
    new FormData(form).forEach(function (value, name) {
      if (SKIPPED[name]) return;
      if (value instanceof File) { if (value.size) files.push(value); return; }
      fields.push([name, value]);
    });
    var shrunk = [];
    for (var i = 0; i < files.length; i++) {
      var small = Object.assign({}, await shrinking(files[i]));
      small.uuid = uuid4();
      small.sent = false;
      small.size = small.blob.size;
      shrunk.push(small);
    }
    var now = new Date().toISOString();
    var item = previous || { uuid: uuid4(), createdAt: now, recordedAt: now, files: [] };
    if (previous && previous.conflict) item.uuid = uuid4(); // its UUID is taken on the server
    item.kind = kind;
    item.owner = cfg.user;
    item.fields = fields;
    item.files = (item.files || []).filter(function (f) { return !f.sent; }).concat(shrunk);
    item.state = "menunggu";
    item.reason = "";
    item.errors = null;
    item.conflict = false;
    item.tries = 0;
    item.nextAt = 0;
    return item;
  }

  function field(item, name) {
    for (var i = 0; i < item.fields.length; i++) if (item.fields[i][0] === name) return item.fields[i][1];
    return "";
  }

  function summary(item) {
    var text = field(item, "name") || field(item, "findings") || field(item, "note") || field(item, "description");
    return text.length > 80 ? text.slice(0, 77) + "…" : text;
  }

  function fillForm(form, item) {
    item.fields.forEach(function (pair) {
      form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === pair[1];
        else if (el.type !== "file") el.value = pair[1];
      });
    });
    var pending = item.files.filter(function (f) { return !f.sent; }).length;
    if (pending) say(form, fmt(T.photos, { n: pending }), "info");
    showErrors(form, item);
  }

  function showErrors(form, item) {
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    form.querySelectorAll("[data-outbox-error]").forEach(function (el) { el.remove(); });
    if (!item.errors) return;
    Object.keys(item.errors).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (!input || input.type === "hidden") return;
      input.classList.add("is-invalid");
      var note = document.createElement("div");
      note.className = "invalid-feedback d-block";
      note.dataset.outboxError = name;
      note.textContent = item.errors[name].join(" ");
      input.insertAdjacentElement("afterend", note);
    });
  }

  function say(form, text, tone, link) {
    var box = form.querySelector("[data-outbox-status]");
    if (!box) {
      box = document.createElement("div");
      box.dataset.outboxStatus = "";
      box.setAttribute("role", "status");
      form.insertBefore(box, form.firstChild);
    }
    box.className = "alert alert-" + tone;
    box.textContent = text + " ";
    if (link) {
      var a = document.createElement("a");
      a.href = cfg.outbox;
      a.textContent = T.open_outbox;
      box.appendChild(a);
    }
  }

  async function onSubmit(event) {
    var form = event.target;
    var kind = form.dataset && form.dataset.outboxForm;
    if (!kind) return;
    if (form.dataset.outboxNative) return; // handed to the server's own page, see below
    event.preventDefault();
    if (form.dataset.outboxBusy) return;
    if (kind === "visit" && !form.querySelector('[name="case_reference"]').value && !(form.querySelector('[name="case_uuid"]') || {}).value) {
      say(form, T.choose_case, "danger");
      return;
    }
    form.dataset.outboxBusy = "1";
    var buttons = form.querySelectorAll("button[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    try {
      var previous = form.dataset.outboxItem ? await getItem(form.dataset.outboxItem) : null;
      var item = await itemFromForm(form, kind, previous);
      if (previous && previous.uuid !== item.uuid) await (await db()).delete(STORE, previous.uuid);
      await putItem(item);
      form.dataset.outboxItem = item.uuid;
      askPersistence();
      say(form, T.saved_offline + " " + T.sending, "warning");
      await sendAll(true, item.uuid);
      var after = await getItem(item.uuid);
      if (after && after.state === "terkirim" && after.result && after.result.url) {
        say(form, T.sent, "success");
        window.location.assign(after.result.url);
        return;
      }
      if (after && after.state === "gagal" && form.hasAttribute("data-outbox-native-errors") && !after.conflict) {
        // The server is there and refused the form: its own page says why, with what only
        // it can ask ("is this the same person?"). Nothing was stored, so the item goes and
        // the form is sent as a page (intake.js keeps its photos for the answer).
        await (await db()).delete(STORE, item.uuid);
        delete form.dataset.outboxItem;
        form.dataset.outboxNative = "1";
        form.requestSubmit();
        return;
      }
      if (after && after.state === "gagal") {
        say(form, after.reason || T.fix_errors, "danger");
        showErrors(form, after);
        return;
      }
      // Not sent yet: it is safe on the phone. A fresh form for the next record.
      delete form.dataset.outboxItem;
      form.reset();
      showErrors(form, { errors: null });
      say(form, T.saved_offline + " " + T.offline_now, "warning", true);
      form.scrollIntoView();
    } finally {
      delete form.dataset.outboxBusy;
      buttons.forEach(function (b) { b.disabled = false; });
    }
  }

  // --- sending ----------------------------------------------------------------------------

  async function csrfToken() {
    try {
      var r = await fetch(cfg.token, { credentials: "same-origin", redirect: "manual", cache: "no-store" });
      if (r.type === "opaqueredirect" || !r.ok) return { login: r.type === "opaqueredirect" || r.status === 403 };
      return { token: (await r.json()).csrf };
    } catch (err) {
      return {};
    }
  }

  async function post(kind, body, token, interactive) {
    var ctrl = new AbortController();
    var t = setTimeout(function () { ctrl.abort(); }, REQUEST_TIMEOUT_MS);
    var r;
    try {
      r = await fetch(cfg.send.replace("KIND", kind), {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual",
        headers: Object.assign(
          { "X-CSRFToken": token, Accept: "application/json" },
          interactive ? { "X-Outbox-Interactive": "1" } : {} // the next page says "filed"
        ),
        signal: ctrl.signal,
      });
    } catch (err) {
      return { ok: false, retry: true, network: true, reason: T.offline_now };
    } finally {
      clearTimeout(t);
    }
    if (r.type === "opaqueredirect" || r.status === 403) return { ok: false, retry: true, reason: T.login_again };
    var data = null;
    try { data = await r.json(); } catch (err) { data = null; }
    if (r.status === 200 || r.status === 201) return { ok: true, json: data };
    var reason = (data && data.reason) || fmt(T.server_error, { status: r.status });
    if ([400, 404, 409, 413].indexOf(r.status) >= 0) {
      return { ok: false, retry: false, reason: reason, errors: data && data.errors, conflict: r.status === 409 };
    }
    return { ok: false, retry: true, reason: reason };
  }

  function parentFields(item, body) {
    if (item.kind === "case") { body.append("case_uuid", item.uuid); return; }
    ["case_reference", "case_uuid"].forEach(function (name) {
      var value = field(item, name);
      if (value) body.append(name, value);
    });
    if (item.kind === "visit") body.append("visit_uuid", item.uuid);
  }

  async function sendItem(item, token, interactive) {
    if (!item.result) {
      var body = new FormData();
      item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
      body.append("client_uuid", item.uuid);
      if (item.kind === "case") body.append("recorded_at", item.recordedAt);
      var outcome = await post(item.kind, body, token, interactive);
      if (!outcome.ok) return outcome;
      item.result = outcome.json;
      await putItem(item);
    }
    for (var i = 0; i < item.files.length; i++) {
      var file = item.files[i];
      if (file.sent) continue;
      var part = new FormData();
      part.append("client_uuid", file.uuid);
      parentFields(item, part);
      part.append("upload", file.blob, file.name);
      var sent = await post("attachment", part, token);
      if (!sent.ok) return sent;
      file.sent = true;
      file.blob = null; // arrived: free the phone's space, keep the record of it
      await putItem(item);
    }
    return { ok: true };
  }

  function backoff(tries) {
    var base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * Math.pow(2, Math.max(0, tries - 1)));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  function waitingForParent(item, items) {
    var parent = field(item, "case_uuid");
    if (!parent || item.kind === "case") return false;
    var pending = items.filter(function (other) { return other.uuid === parent; })[0];
    return Boolean(pending && !pending.result);
  }

  async function sendRun(force, interactiveId) {
    var items = unsent(await allItems());
    if (!items.length) return;
    if (navigator.onLine === false) return; // `online` starts it again
    var auth = await csrfToken();
    if (!auth.token) {
      if (auth.login) {
        for (var k = 0; k < items.length; k++) { items[k].reason = T.login_again; await putItem(items[k]); }
      }
      schedule(items);
      return;
    }
    var now = Date.now();
    for (var i = 0; i < items.length; i++) {
      var item = await getItem(items[i].uuid); // another tab may have moved it on
      if (!item || item.state === "terkirim") continue;
      if (item.state === "gagal" && !force) continue;
      if (!force && item.nextAt > now) continue;
      if (waitingForParent(item, await allItems())) continue;
      item.state = "mengirim";
      await putItem(item);
      var outcome = await sendItem(item, auth.token, item.uuid === interactiveId);
      if (outcome.ok) {
        item.state = "terkirim";
        item.reason = "";
        item.errors = null;
      } else if (outcome.retry) {
        item.state = "menunggu";
        item.tries = (item.tries || 0) + 1;
        item.nextAt = Date.now() + backoff(item.tries);
        item.reason = outcome.reason;
      } else {
        item.state = "gagal";
        item.reason = outcome.reason;
        item.errors = outcome.errors || null;
        item.conflict = Boolean(outcome.conflict);
      }
      await putItem(item);
      if (outcome.retry) break; // the link or the server is down: wait, then go on in order
    }
    schedule(await allItems());
  }

  async function sendAll(force, interactiveId) {
    if (!navigator.locks) return sendRun(force, interactiveId);
    return navigator.locks.request("psm-outbox-send", { ifAvailable: true }, function (lock) {
      return lock ? sendRun(force, interactiveId) : null; // another tab is sending
    });
  }

  function schedule(items) {
    var waiting = unsent(items).filter(function (item) { return item.state === "menunggu"; });
    if (timer) clearTimeout(timer);
    timer = null;
    if (!waiting.length) return;
    var next = Math.min.apply(null, waiting.map(function (item) { return item.nextAt || 0; }));
    timer = setTimeout(function () { sendAll(false); }, Math.max(500, next - Date.now()));
  }

  // --- storage, file, logout -----------------------------------------------------------

  function askPersistence() {
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
  }

  function megabytes(n) { return (n / 1048576).toLocaleString("id-ID", { maximumFractionDigits: 1 }) + " MB"; }

  async function showStorage() {
    var used = document.querySelector("[data-outbox-storage]");
    var persist = document.querySelector("[data-outbox-persist]");
    if (used && navigator.storage && navigator.storage.estimate) {
      var e = await navigator.storage.estimate();
      used.textContent = fmt(T.storage, { used: megabytes(e.usage || 0), quota: megabytes(e.quota || 0) });
    }
    if (persist && navigator.storage && navigator.storage.persisted) {
      persist.textContent = (await navigator.storage.persisted()) ? T.persisted : T.not_persisted;
    }
  }

  function asDataUrl(blob) {
    return new Promise(function (ok) {
      var reader = new FileReader();
      reader.onload = function () { ok(reader.result); };
      reader.readAsDataURL(blob);
    });
  }

  async function download() {
    var items = await allItems();
    var out = [];
    for (var i = 0; i < items.length; i++) {
      var copy = Object.assign({}, items[i], { files: [] });
      for (var j = 0; j < items[i].files.length; j++) {
        var f = items[i].files[j];
        copy.files.push({ uuid: f.uuid, name: f.name, type: f.type, sent: f.sent, data: f.blob ? await asDataUrl(f.blob) : null });
      }
      out.push(copy);
    }
    var blob = new Blob([JSON.stringify({ saved_at: new Date().toISOString(), items: out }, null, 1)], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "psm-kotak-keluar-" + new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-") + ".json";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  async function clearLocal() {
    leaving = true;
    if (dbPromise) { (await dbPromise).close(); dbPromise = null; }
    // The outbox, and the photos intake.js kept for a form the server showed again.
    await Promise.race([
      Promise.all([idb.deleteDB(DB_NAME), idb.deleteDB("psm-intake")]),
      new Promise(function (ok) { setTimeout(ok, 2000); }),
    ]);
    if (window.caches) {
      var names = await caches.keys();
      await Promise.all(names.map(function (name) { return caches.delete(name); }));
    }
    if (navigator.serviceWorker) {
      var regs = await navigator.serviceWorker.getRegistrations();
      await Promise.all(regs.map(function (reg) { return reg.unregister(); }));
    }
  }

  function watchLogout() {
    document.addEventListener("submit", async function (event) {
      var form = event.target;
      if (!form.action || !/\/logout\/?$/.test(new URL(form.action, location.href).pathname)) return;
      if (form.dataset.outboxCleared) return;
      event.preventDefault();
      var pending = unsent(await allItems()).length;
      if (pending && !window.confirm(fmt(T.logout_warn, { n: pending }))) return;
      await clearLocal();
      form.dataset.outboxCleared = "1";
      form.submit();
    });
  }

  // --- the outbox page and counters -----------------------------------------------------

  function badge(state) {
    var tone = { menunggu: "warning", mengirim: "info", terkirim: "success", gagal: "danger" }[state] || "secondary";
    var span = document.createElement("span");
    span.className = "badge text-bg-" + tone;
    span.dataset.state = state;
    span.textContent = T["state_" + state] || state;
    return span;
  }

  function editUrl(item) {
    var base = item.kind === "case" ? cfg.newCase : item.kind === "visit" ? cfg.visit : null;
    return base ? base + "?outbox=" + encodeURIComponent(item.uuid) : null;
  }

  function line(text, cls) {
    var div = document.createElement("div");
    div.className = cls || "small text-body-secondary";
    div.textContent = text;
    return div;
  }

  async function renderList() {
    var list = document.querySelector("[data-outbox-list]");
    if (!list) return;
    var items = (await allItems()).reverse();
    list.textContent = "";
    if (!items.length) { list.appendChild(line(T.empty, "text-body-secondary")); return; }
    var ul = document.createElement("ul");
    ul.className = "list-group";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "list-group-item";
      li.dataset.outboxItem = item.uuid;
      li.dataset.kind = item.kind;
      var head = document.createElement("div");
      head.className = "d-flex justify-content-between gap-2";
      var title = document.createElement("strong");
      title.textContent = (item.result && item.result.label) || T["kind_" + item.kind] || item.kind;
      head.appendChild(title);
      head.appendChild(badge(item.state));
      li.appendChild(head);
      if (summary(item)) li.appendChild(line(summary(item), "text-break"));
      li.appendChild(line(fmt(T.recorded, { time: new Date(item.recordedAt).toLocaleString("id-ID") })));
      if (item.files.length) {
        var sentFiles = item.files.filter(function (f) { return f.sent; }).length;
        li.appendChild(line(fmt(T.photos_sent, { sent: sentFiles, n: item.files.length })));
      }
      if (item.state === "menunggu" && item.tries) {
        li.appendChild(line(fmt(T.tries, { n: item.tries, time: new Date(item.nextAt).toLocaleTimeString("id-ID") })));
      }
      if (item.reason && item.state !== "terkirim") li.appendChild(line(item.reason, "small text-danger-emphasis"));
      if (item.state === "terkirim" && item.result && item.result.url) {
        var open = document.createElement("a");
        open.href = item.result.url;
        open.className = "small";
        open.textContent = item.result.reference || item.result.url;
        li.appendChild(open);
      }
      if (item.state === "gagal") li.appendChild(editor(item));
      ul.appendChild(li);
    });
    list.appendChild(ul);
  }

  function editor(item) {
    var url = editUrl(item);
    if (url) {
      var a = document.createElement("a");
      a.className = "btn btn-sm btn-outline-primary mt-1";
      a.href = url;
      a.textContent = T.edit;
      return a;
    }
    // A note: edited in place.
    var form = document.createElement("form");
    form.className = "mt-1";
    var id = "note-" + item.uuid;
    var label = document.createElement("label");
    label.className = "form-label small";
    label.htmlFor = id;
    label.textContent = T.kind_note;
    var area = document.createElement("textarea");
    area.className = "form-control";
    area.id = id;
    area.name = "note";
    area.rows = 2;
    area.value = field(item, "note");
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "btn btn-sm btn-outline-primary mt-1";
    button.textContent = T.edit;
    form.append(label, area, button);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      item.fields = item.fields.map(function (pair) { return pair[0] === "note" ? ["note", area.value] : pair; });
      var old = item.uuid;
      if (item.conflict) item.uuid = uuid4(); // its UUID is taken on the server
      item.state = "menunggu"; item.tries = 0; item.nextAt = 0; item.reason = ""; item.conflict = false;
      if (old !== item.uuid) await (await db()).delete(STORE, old);
      await putItem(item);
      sendAll(true);
    });
    return form;
  }

  async function refreshViews() {
    var items = await allItems();
    var n = unsent(items).length;
    document.querySelectorAll("[data-outbox-count]").forEach(function (el) {
      el.hidden = !n;
      el.textContent = fmt(T.unsent_count, { n: n });
    });
    await renderList();
    var select = document.querySelector("[data-outbox-cases]");
    if (select) {
      var chosen = select.value;
      Array.prototype.slice.call(select.options, 1).forEach(function (o) { o.remove(); });
      items.filter(function (item) { return item.kind === "case"; }).forEach(function (item) {
        var label = (item.result && item.result.reference) || summary(item) + " (" + T.in_outbox + ")";
        select.add(new Option(label, item.uuid, false, item.uuid === chosen));
      });
    }
    showStorage();
  }

  // --- service worker -----------------------------------------------------------------

  function showUpdate(reg) {
    if (document.querySelector("[data-new-version]")) return;
    var box = document.createElement("div");
    box.className = "alert alert-info d-flex justify-content-between align-items-center gap-2 m-2 position-fixed bottom-0 start-0 end-0";
    box.dataset.newVersion = "";
    box.setAttribute("role", "status");
    box.appendChild(document.createTextNode(T.new_version));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-primary";
    button.textContent = T.reload;
    button.addEventListener("click", function () {
      var reload = function () { window.location.reload(); };
      navigator.serviceWorker.addEventListener("controllerchange", reload);
      if (reg.waiting) reg.waiting.postMessage({ type: "SKIP_WAITING" });
      else reload();
    });
    box.appendChild(button);
    document.body.appendChild(box);
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator) || !cfg.sw) return Promise.resolve(null);
    return navigator.serviceWorker.register(cfg.sw, { scope: "/" }).then(function (reg) {
      if (reg.waiting && navigator.serviceWorker.controller) showUpdate(reg);
      reg.addEventListener("updatefound", function () {
        var worker = reg.installing;
        if (!worker) return;
        worker.addEventListener("statechange", function () {
          if (worker.state === "installed" && navigator.serviceWorker.controller) showUpdate(reg);
        });
      });
      return reg;
    }).catch(function () { return null; });
  }

  // --- start ----------------------------------------------------------------------------

  async function prefill() {
    var id = new URLSearchParams(location.search).get("outbox");
    var form = document.querySelector("[data-outbox-form]");
    if (!form) return;
    if (!id) {
      var visited = form.querySelector('[name="visited_on"]');
      if (visited && form.dataset.outboxForm === "visit") {
        var d = new Date();
        visited.value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
      }
      return;
    }
    var item = await getItem(id);
    if (!item || item.state === "terkirim") return;
    form.dataset.outboxItem = item.uuid;
    fillForm(form, item);
    if (item.reason) say(form, item.reason, "danger");
  }

  // Searching people needs the server (no personal data is kept on the phone): offline the
  // search box says so, and the person is typed as new; the server checks duplicates later.
  function watchSearch() {
    var search = document.getElementById("beneficiary-q");
    if (!search) return;
    var note = document.createElement("div");
    note.className = "form-text";
    note.id = "beneficiary-q-offline";
    note.textContent = T.search_offline;
    var apply = function () {
      var off = navigator.onLine === false;
      search.disabled = off;
      if (off && !note.isConnected) search.insertAdjacentElement("afterend", note);
      if (!off && note.isConnected) note.remove();
    };
    window.addEventListener("online", apply);
    window.addEventListener("offline", apply);
    apply();
  }

  function start() {
    if (!window.idb || !cfg.send) return;
    watchSearch();
    watchPhotos();
    document.addEventListener("submit", onSubmit);
    watchLogout();
    if (channel) channel.onmessage = function () { refreshViews(); };
    window.addEventListener("online", function () { sendAll(true); });
    document.querySelectorAll("[data-outbox-send]").forEach(function (b) {
      b.addEventListener("click", function () { sendAll(true); });
    });
    document.querySelectorAll("[data-outbox-download]").forEach(function (b) {
      b.addEventListener("click", download);
    });
    // The worker and its precache wait for the page's own load: on a slow link they would
    // compete with what the volunteer is waiting for.
    var worker = new Promise(function (ok) {
      if (document.readyState === "complete") ok(registerWorker());
      else window.addEventListener("load", function () { ok(registerWorker()); });
    });
    var ready = Promise.all([prefill(), refreshViews()]);
    window.psmOutbox = { ready: ready, worker: worker, sendAll: sendAll, items: allItems };
    ready.then(function () {
      document.documentElement.dataset.outbox = "ready";
      if (window.performance && performance.mark) performance.mark("psm-outbox-ready"); // bench F2
      sendAll(false);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
