/* Community Asset Map: the link worker's list, on every page.
   The list is an ordered array of asset ids kept in localStorage under "cam.list", and nothing else:
   no names, no notes, nothing about the person being helped. Nothing is ever sent anywhere.
   Record text is only ever set with textContent. */
(function () {
  "use strict";

  var KEY = "cam.list";
  var ID = /^[a-z0-9-]+$/;
  var script = document.currentScript;
  var BASE = script && script.src ? script.src.replace(/javascripts\/list\.js(?:[?#].*)?$/, "") : new URL("../", location.href).href;

  /* English fallbacks, replaced by the site's own strings (strings.json) as soon as they arrive. */
  var S = {
    "mylist.add": "Add to list",
    "mylist.remove": "Remove from list",
    "mylist.added": "Added to your list",
    "mylist.count": "My list ({count})",
    "mylist.move_up": "Move up",
    "mylist.move_down": "Move down"
  };

  function t(key, vars) {
    var text = Object.prototype.hasOwnProperty.call(S, key) ? S[key] : key;
    if (vars) {
      Object.keys(vars).forEach(function (name) { text = text.split("{" + name + "}").join(String(vars[name])); });
    }
    return text;
  }

  var ready = fetch(BASE + "assets/data/strings.json")
    .then(function (r) { return r.ok ? r.json() : {}; })
    .then(function (loaded) {
      Object.keys(loaded || {}).forEach(function (k) { if (typeof loaded[k] === "string") S[k] = loaded[k]; });
      return S;
    })
    .catch(function () { return S; });

  /* --- storage ---------------------------------------------------------------------------------- */

  function clean(ids) {
    var seen = {};
    return (Array.isArray(ids) ? ids : []).filter(function (id) {
      if (typeof id !== "string" || !ID.test(id) || seen[id]) return false;
      seen[id] = true;
      return true;
    });
  }

  function read() {
    try { return clean(JSON.parse(window.localStorage.getItem(KEY) || "[]")); } catch (e) { return []; }
  }

  function write(ids) {
    ids = clean(ids);
    try {
      if (ids.length) window.localStorage.setItem(KEY, JSON.stringify(ids));
      else window.localStorage.removeItem(KEY);
    } catch (e) { /* storage blocked: the list lasts for this page only */ memory = ids; }
    changed();
    return ids;
  }

  var memory = null;
  function ids() { return memory ? memory.slice() : read(); }
  function has(id) { return ids().indexOf(id) !== -1; }

  function add(id) {
    if (!ID.test(String(id)) || has(id)) return false;
    write(ids().concat([id]));
    announce(t("mylist.added") + ". " + t("mylist.count", { count: ids().length }));
    return true;
  }

  function remove(id) {
    var list = ids();
    var at = list.indexOf(id);
    if (at === -1) return false;
    list.splice(at, 1);
    write(list);
    announce(t("mylist.count", { count: list.length }));
    return true;
  }

  function move(id, delta) {
    var list = ids();
    var at = list.indexOf(id);
    var to = at + delta;
    if (at === -1 || to < 0 || to >= list.length) return false;
    list.splice(at, 1);
    list.splice(to, 0, id);
    write(list);
    return true;
  }

  function clear() { write([]); announce(t("mylist.count", { count: 0 })); }

  /* --- add / remove buttons ---------------------------------------------------------------------- */

  function sync(button) {
    var id = button.getAttribute("data-cam-add");
    if (!ID.test(id || "")) return;
    var pressed = has(id);
    // The label itself says what a press does ("Add to list" / "Remove from list"), so no aria-pressed:
    // a changing label with a pressed state would read as "Remove from list, pressed".
    button.textContent = t(pressed ? "mylist.remove" : "mylist.add");
    button.classList.toggle("cam-add--added", pressed);
    button.hidden = false;
  }

  function syncAll(root) {
    (root || document).querySelectorAll("button[data-cam-add]").forEach(sync);
  }

  function button(id) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button cam-add";
    b.setAttribute("data-cam-add", id);
    sync(b);
    return b;
  }

  /* --- the count in the header, and a polite announcement ------------------------------------------ */

  var countLink = null;
  var status = null;

  function announce(text) {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function showCount() {
    if (!countLink) {
      var header = document.querySelector(".md-header__inner");
      if (!header) return;
      countLink = document.createElement("a");
      countLink.className = "cam-mylist-count cam-noprint";
      countLink.href = BASE + "list/";
      var title = header.querySelector(".md-header__title");
      if (title && title.nextSibling) header.insertBefore(countLink, title.nextSibling);
      else header.appendChild(countLink);
    }
    countLink.textContent = t("mylist.count", { count: ids().length });
  }

  function changed() {
    syncAll();
    showCount();
    renderListPage();
    document.dispatchEvent(new CustomEvent("cam:list", { detail: { ids: ids() } }));
  }

  /* --- the "My list" page ---------------------------------------------------------------------------- */

  var names = null;        // {id: name} from find.json, once loaded
  var listFocus = null;    // what to focus after the list is drawn again: {id, action}

  function smallButton(label, name, action, id) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button cam-mylist__btn";
    b.setAttribute("data-cam-list-action", action);
    b.setAttribute("data-cam-list-id", id);
    b.appendChild(document.createTextNode(label));
    var hidden = document.createElement("span");
    hidden.className = "cam-sr-only";
    hidden.textContent = ": " + name;
    b.appendChild(hidden);
    return b;
  }

  function renderListPage() {
    var holder = document.getElementById("mylist-items");
    if (!holder || !names) return;
    var list = ids();
    var empty = document.getElementById("mylist-empty");
    var sheet = document.getElementById("mylist-sheet");
    var clearButton = document.getElementById("mylist-clear");
    var actions = holder.parentNode.querySelector(".cam-mylist__actions");
    holder.textContent = "";
    list.forEach(function (id, index) {
      var name = names[id] || id;
      var li = document.createElement("li");
      li.className = "cam-mylist__item";
      li.setAttribute("data-asset-id", id);
      var title = document.createElement("a");
      title.className = "cam-mylist__name";
      title.href = BASE + "support/" + encodeURIComponent(id) + "/";
      title.textContent = name;
      li.appendChild(title);
      var tools = document.createElement("span");
      tools.className = "cam-mylist__tools cam-noprint";
      var up = smallButton(t("mylist.move_up"), name, "up", id);
      var down = smallButton(t("mylist.move_down"), name, "down", id);
      var rm = smallButton(t("mylist.remove"), name, "remove", id);
      up.disabled = index === 0;
      down.disabled = index === list.length - 1;
      tools.appendChild(up);
      tools.appendChild(down);
      tools.appendChild(rm);
      li.appendChild(tools);
      holder.appendChild(li);
    });
    holder.hidden = !list.length;
    if (empty) empty.hidden = list.length > 0;
    if (actions) actions.hidden = !list.length;
    if (sheet) sheet.href = BASE + "sheet/?ids=" + list.join(",");
    if (clearButton) clearButton.hidden = !list.length;
    if (listFocus) {
      var want = listFocus;
      listFocus = null;
      var target = null;
      var item = holder.querySelector('[data-asset-id="' + want.id + '"]');
      if (item) {
        var order = want.action === "up" ? ["up", "down"] : ["down", "up"];
        for (var i = 0; i < order.length && !target; i++) {
          var b = item.querySelector('[data-cam-list-action="' + order[i] + '"]');
          if (b && !b.disabled) target = b;
        }
        if (!target) target = item.querySelector('[data-cam-list-action="remove"]');
      } else if (typeof want.index === "number") {
        var items = holder.querySelectorAll("li");
        var next = items[Math.min(want.index, items.length - 1)];
        if (next) target = next.querySelector('[data-cam-list-action="remove"]');
      }
      if (!target && empty) {
        empty.setAttribute("tabindex", "-1");
        target = empty;
      }
      if (target) target.focus();
    }
  }

  function startListPage() {
    var optionsEl = document.getElementById("cam-mylist-options");
    var holder = document.getElementById("mylist-items");
    if (!optionsEl || !holder) return;
    var opts = {};
    try { opts = JSON.parse(optionsEl.textContent); } catch (e) { opts = {}; }
    var url = new URL(opts.data || BASE + "assets/data/find.json", location.href).href;
    names = {};
    renderListPage();
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      (data.assets || data.items || []).forEach(function (item) { names[item.i] = item.n; });
      renderListPage();
    }).catch(function () { /* ids are shown instead of names */ });
    holder.addEventListener("click", function (event) {
      var b = event.target.closest("button[data-cam-list-action]");
      if (!b || b.disabled) return;
      var id = b.getAttribute("data-cam-list-id");
      var action = b.getAttribute("data-cam-list-action");
      if (action === "remove") {
        listFocus = { id: null, index: ids().indexOf(id) };
        remove(id);
      } else {
        listFocus = { id: id, action: action };
        move(id, action === "up" ? -1 : 1);
      }
    });
    var clearButton = document.getElementById("mylist-clear");
    if (clearButton) {
      clearButton.addEventListener("click", function () {
        listFocus = { id: null };
        clear();
      });
    }
  }

  /* --- printing ------------------------------------------------------------------------------------- */

  /* Links whose text already shows the address do not need it printed again after them. */
  function markShownUrls() {
    document.querySelectorAll('.md-content a[href^="http"], .md-content a[href^="mailto:"]').forEach(function (a) {
      var href = a.getAttribute("href").replace(/^mailto:/, "");
      var text = a.textContent.trim();
      if (text === href || text.replace(/\/$/, "") === href.replace(/\/$/, "")) a.classList.add("cam-url-shown");
    });
  }

  /* --- start ---------------------------------------------------------------------------------------- */

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var addButton = target.closest("button[data-cam-add]");
    if (addButton) {
      var id = addButton.getAttribute("data-cam-add");
      if (!ID.test(id || "")) return;
      if (has(id)) remove(id); else add(id);
      sync(addButton);
      return;
    }
    if (target.closest("button[data-cam-print]")) window.print();
  });

  window.addEventListener("storage", function (event) {
    if (event.key === KEY || event.key === null) changed();
  });

  window.CAMList = {
    has: has,
    add: add,
    remove: remove,
    ids: ids,
    button: button,
    move: move,
    clear: clear,
    base: BASE,
    t: t,
    ready: ready
  };

  function start() {
    status = document.createElement("p");
    status.className = "cam-sr-only cam-noprint";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    document.body.appendChild(status);
    document.querySelectorAll("button[data-cam-print]").forEach(function (b) { b.hidden = false; });
    markShownUrls();
    startListPage();
    ready.then(function () {
      syncAll();
      showCount();
      renderListPage();
    });
    if (window.MutationObserver) {
      new MutationObserver(function (records) {
        records.forEach(function (record) {
          record.addedNodes.forEach(function (node) {
            if (node.nodeType !== 1) return;
            if (node.matches("button[data-cam-add]")) sync(node);
            else if (node.querySelector("button[data-cam-add]")) syncAll(node);
          });
        });
      }).observe(document.body, { childList: true, subtree: true });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})();
