/* Community Asset Map: the link worker's list, on every page.
   The list is an ordered array of asset ids kept in localStorage under "cam.list", and nothing else:
   no names, no notes, nothing about the person being helped. Nothing is ever sent anywhere.
   Record text is only ever set with textContent. */
(function () {
  "use strict";

  var CAM = window.CAM;
  if (CAM.list) return;  // loaded again (find support loads it in the page too, for its first results' buttons)
  var KEY = "cam.list";
  var t = CAM.t;

  /* English fallbacks until the site's own strings (strings.json) arrive. */
  CAM.addStrings({
    "mylist.add": "Add to list",
    "mylist.remove": "Remove from list",
    "mylist.added": "Added to your list",
    "mylist.count": "My list ({count})",
    "mylist.move_up": "Move up",
    "mylist.move_down": "Move down"
  }, "", true);

  /* --- storage ---------------------------------------------------------------------------------- */

  /* The list as last read or written, and the same ids as a set: storage is read once, then on a
     change made in another tab, so asking "is this id in the list?" does not parse the list again. */
  var current = null;
  var members = new Set();

  function keep(list) {
    current = list;
    members = new Set(list);
  }

  function load() {
    var list;
    try { list = CAM.cleanIds(JSON.parse(window.localStorage.getItem(KEY) || "[]")); } catch (e) { list = []; }
    keep(list);
  }

  function write(list) {
    keep(CAM.cleanIds(list));
    try {
      if (current.length) window.localStorage.setItem(KEY, JSON.stringify(current));
      else window.localStorage.removeItem(KEY);
    } catch (e) { /* storage blocked: the list lasts for this page only */ }
    changed();
    return ids();
  }

  function ids() {
    if (!current) load();
    return current.slice();
  }

  function has(id) {
    if (!current) load();
    return members.has(id);
  }

  function add(id) {
    if (!CAM.isId(id) || has(id)) return false;
    write(current.concat([id]));
    announce(t("mylist.added") + ". " + t("mylist.count", { count: current.length }));
    return true;
  }

  function remove(id) {
    if (!has(id)) return false;
    write(current.filter(function (other) { return other !== id; }));
    announce(t("mylist.count", { count: current.length }));
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
    if (!CAM.isId(id)) return;
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
      countLink.href = CAM.base + "list/";
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
  }

  /* --- the "My list" page ---------------------------------------------------------------------------- */

  var names = null;          // Map of id to name (from each entry's card, or find.json for a long list), once loaded
  var items = new Map();     // id -> {li, up, down}: the list page's items, kept between drawings
  var listFocus = null;      // what to focus after the list is drawn again: {id, action}
  var sheetNote = null;      // says that a sheet takes only the first CAM.SHEET_MAX entries
  var LONG = 100;            // items; a longer list lays out only the items in view (sheet.css)

  function smallButton(label, name, action, id) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button cam-mylist__btn";
    b.setAttribute("data-cam-list-action", action);
    b.setAttribute("data-cam-list-id", id);
    b.appendChild(document.createTextNode(label));
    b.appendChild(CAM.el("span", "cam-sr-only", ": " + name));
    return b;
  }

  function makeItem(id) {
    var name = names.get(id) || id;
    var li = document.createElement("li");
    li.className = "cam-mylist__item";
    li.setAttribute("data-asset-id", id);
    var title = CAM.el("a", "cam-mylist__name", name);
    title.href = CAM.base + "support/" + encodeURIComponent(id) + "/";
    li.appendChild(title);
    var tools = CAM.el("span", "cam-mylist__tools cam-noprint");
    var item = { li: li, up: smallButton(t("mylist.move_up"), name, "up", id),
      down: smallButton(t("mylist.move_down"), name, "down", id) };
    tools.appendChild(item.up);
    tools.appendChild(item.down);
    tools.appendChild(smallButton(t("mylist.remove"), name, "remove", id));
    li.appendChild(tools);
    items.set(id, item);
    return item;
  }

  /* Draws the list, moving, adding and removing only the items that changed (a list of thousands
     stays quick: drawing every item again after each press would lay out the whole page each time). */
  function renderListPage() {
    var holder = document.getElementById("mylist-items");
    if (!holder || !names) return;
    var list = ids();
    var empty = document.getElementById("mylist-empty");
    var sheet = document.getElementById("mylist-sheet");
    var clearButton = document.getElementById("mylist-clear");
    var actions = holder.parentNode.querySelector(".cam-mylist__actions");
    var wanted = new Set(list);
    Array.prototype.slice.call(holder.children).forEach(function (li) {  // items no longer in the list go
      var id = li.getAttribute("data-asset-id");
      if (wanted.has(id) && items.get(id) && items.get(id).li === li) return;
      items.delete(id);
      holder.removeChild(li);
    });
    var cursor = holder.firstChild;
    list.forEach(function (id, index) {  // then each id's item in its place: after a move, one is moved
      var item = items.get(id) || makeItem(id);
      if (item.li === cursor) cursor = cursor.nextSibling;
      else holder.insertBefore(item.li, cursor);
      item.up.disabled = index === 0;
      item.down.disabled = index === list.length - 1;
    });
    holder.hidden = !list.length;
    holder.classList.toggle("cam-mylist__items--long", list.length > LONG);
    if (empty) empty.hidden = list.length > 0;
    if (actions) actions.hidden = !list.length;
    if (sheet) sheet.href = CAM.base + "sheet/?ids=" + list.slice(0, CAM.SHEET_MAX).join(",");
    if (actions && list.length > CAM.SHEET_MAX) {
      if (!sheetNote) sheetNote = actions.parentNode.insertBefore(CAM.el("p", "cam-hint cam-noprint"), actions.nextSibling);
      sheetNote.textContent = t("mylist.sheet_limit", { max: CAM.SHEET_MAX, count: list.length });
      sheetNote.hidden = false;
    } else if (sheetNote) sheetNote.hidden = true;
    if (clearButton) clearButton.hidden = !list.length;
    if (listFocus) focusAfter(holder, empty);
  }

  function focusAfter(holder, empty) {
    var want = listFocus;
    listFocus = null;
    var target = null;
    var item = items.get(want.id);
    if (want.id && item) {
      var order = want.action === "up" ? [item.up, item.down] : [item.down, item.up];
      target = order[0].disabled ? (order[1].disabled ? null : order[1]) : order[0];
      if (!target) target = item.li.querySelector('[data-cam-list-action="remove"]');
    } else if (typeof want.index === "number") {
      var all = holder.children;
      var next = all[Math.min(want.index, all.length - 1)];
      if (next) target = next.querySelector('[data-cam-list-action="remove"]');
    }
    if (!target && empty) {
      empty.setAttribute("tabindex", "-1");
      target = empty;
    }
    if (target) target.focus();
  }

  function startListPage() {
    var opts = CAM.options("cam-mylist-options");
    var holder = document.getElementById("mylist-items");
    if (!opts || !holder) return;
    var found = new Map();
    var listed = ids();
    var loaded;
    /* Each entry's own small card (the name), not the whole directory's data. */
    function fromCards() {
      return Promise.all(listed.map(function (id) {
        return fetch(new URL(opts.cards + encodeURIComponent(id) + ".json", location.href).href)
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (card) { if (card && typeof card.name === "string") found.set(id, card.name); })
          .catch(function () { /* its id is shown instead of its name */ });
      }));
    }
    if (opts.cards && listed.length <= CAM.SHEET_MAX) {
      loaded = fromCards();  // a list of a sheet's length
    } else {
      var url = new URL(opts.data || CAM.base + "assets/data/find.json", location.href).href;
      loaded = fetch(url).then(function (r) { return r.json(); }).then(function (data) {
        // a large directory's find.json holds no assets (they are split by area): the cards, then
        if (!data.assets && !data.items && data.parts && opts.cards) return fromCards();
        (data.assets || data.items || []).forEach(function (item) { found.set(item.i, item.n); });
      }).catch(function () { /* ids are shown instead of names */ });
    }
    // Drawn once, when both the names and the strings are in: each drawing of thousands of items costs.
    Promise.all([loaded, CAM.strings]).then(function () {
      names = found;
      renderListPage();
    });
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
      if (!CAM.isId(id)) return;
      if (has(id)) remove(id); else add(id);
      sync(addButton);
      return;
    }
    if (target.closest("button[data-cam-print]")) window.print();
  });

  window.addEventListener("storage", function (event) {
    if (event.key === KEY || event.key === null) {
      load();
      changed();
    }
  });

  CAM.list = { has: has, add: add, remove: remove, ids: ids, button: button, move: move, clear: clear };

  CAM.start(function () {
    status = document.createElement("p");
    status.className = "cam-sr-only cam-noprint";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    document.body.appendChild(status);
    document.querySelectorAll("button[data-cam-print]").forEach(function (b) { b.hidden = false; });
    markShownUrls();
    startListPage();
    CAM.strings.then(function () {
      syncAll();
      showCount();
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
  });
})();
