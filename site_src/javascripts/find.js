/* Community Asset Map: the "Find support" page. Filters the compact list of every asset (find.json) on
   the visitor's device. The filters live in the page address, so a link or a reload shows the same
   results. A location from the browser is used here only: it is never put in the address, stored or sent.
   Contributor text is only ever set as textContent. */
(function () {
  "use strict";

  /* This script is loaded without "defer", in the page after the results list and after core.js,
     schedule.js and list.js, before the theme's own script: it starts at once, so that the first results
     can show before the theme's script has run. The theme opens its site search, and moves focus into it,
     when the address has ?q= (which the home page's search form sends here), so q is hidden from the
     address until the theme has started, then put back. */
  var initialParams = new URLSearchParams(location.search);
  var holdAddress = false;
  if (initialParams.has("q") && document.readyState === "loading") {
    holdAddress = true;
    var withoutQ = new URLSearchParams(location.search);
    withoutQ.delete("q");
    var rest = withoutQ.toString();
    try {
      history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    } catch (e) { holdAddress = false; }
  }

  /* A JSON file of this site; resolves to its parsed content (read as soon as it has come). */
  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  /* The address of one piece of an area's part, from the parts' folder (see findsupport.py): <area>.json for
     the first, then <area>.2.json and so on. */
  function pieceUrl(folder, area, number) {
    return folder + encodeURIComponent(area) + (number > 1 ? "." + number : "") + ".json";
  }

  /* The data is asked for as early as it can be: by the page's head (cam-find-early.html), before the
     stylesheets; otherwise now, while the rest of the page and the theme's script load: find.json, and, on
     a large directory, the first piece of the part of an area named in the address (?area=). */
  var early = (window.CAM && window.CAM.findEarly) || { data: null, piece: null, collator: null };
  if (!early.data) (function () {
    var element = document.getElementById("cam-find-options");
    var options = null;
    try { options = element ? JSON.parse(element.textContent) : null; } catch (e) { options = null; }
    if (!options || typeof options.data !== "string") return;
    early.data = fetchJson(options.data);
    early.data.catch(function () { /* reported where it is used */ });
    var area = initialParams.get("area") || "";
    if (typeof options.parts === "string" && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(area)) {
      early.piece = { area: area, json: fetchJson(pieceUrl(options.parts, area, 1)) };
      early.piece.json.catch(function () { /* reported where it is used */ });
    }
  })();

  // Start now when the page's form and core.js (CAM) are there already; otherwise once the page is parsed.
  if (document.readyState !== "loading" || (window.CAM && window.CAM.card && document.getElementById("cam-results"))) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  }

  /* Runs fn once the theme has started: after the handlers of DOMContentLoaded, the theme's among them. */
  function afterTheme(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { setTimeout(fn, 0); }, { once: true });
    } else {
      setTimeout(fn, 0);
    }
  }

  function start() {
    var CAM = window.CAM;
    var opts = CAM.options("cam-find-options", "find.");
    var form = document.getElementById("cam-find-form");
    var list = document.getElementById("cam-results");
    var heading = document.getElementById("results-heading");
    if (!opts || !form || !list || !heading) {
      if (holdAddress) history.replaceState(history.state, "", location.pathname + "?" + initialParams + location.hash);
      return;
    }

    var DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    var ACCESS = ["drop-in", "self-referral", "referral"];
    var COST = { f: "cost_free", d: "cost_donation", p: "cost_fee" };
    var PAGE_SIZE = 200;
    var lang = CAM.lang();
    var collator = early.collator ||
      (window.Intl ? new Intl.Collator(lang, { sensitivity: "base", numeric: true }) : null);
    // the distances' number format is made when first needed (results by distance): the first one made took
    // 30 ms on a CPU slowed 4 times (counts are written by CAM.wholeNumber)
    var kmFormat;
    function distance(km) {
      if (kmFormat === undefined) {
        kmFormat = window.Intl ? new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : null;
      }
      return kmFormat ? kmFormat.format(km) : km.toFixed(1);
    }

    var nearInput = form.elements.near;
    var nearStatus = document.getElementById("f-near-status");
    var locateButton = document.getElementById("f-locate");

    var data = null;        // find.json, with each asset prepared for filtering
    var byName = [];        // every asset (every loaded one, when the data is split by area), sorted by name once
    var parts = null;       // a large directory's data, split by area: {base, pieces, loaded, loading, bounds, all}
    var geo = null;         // {lat, lon} from "Use my location": kept in memory only
    var lastKey = null;     // what the list currently shows, to skip work when nothing changed
    var current = [];       // the filtered and sorted results
    var shown = 0;          // how many of them are in the list
    var showDistance = false;
    var unknownTimer = null;
    var moreButton = null;

    /* The page's string for key (find.<key>), or fallback when the page has none. */
    function str(key, fallback) { var text = CAM.t("find." + key); return text === "find." + key ? fallback : text; }

    /* Lower case, without accents, apostrophes or hyphens, so "cafe" finds "Café" and "bishops" finds "Bishop's". */
    function fold(text) {
      var s = String(text || "").toLowerCase();
      if (s.normalize) s = s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      return s.replace(/['\u2018\u2019`]/g, "").replace(/[-\u2010-\u2015/]/g, " ");
    }

    /* "gl5 1ab", "GL51AB" and "gl5" all give "GL5". */
    function outwardCode(text) {
      var s = String(text || "").toUpperCase().replace(/[^A-Z0-9 ]/g, " ").trim();
      if (!s) return "";
      var first = s.split(/\s+/)[0];
      var full = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/.exec(first);
      return full ? full[1] : first;
    }

    function district(text) {
      var code = outwardCode(text);
      if (!code || !data || !data.districts || !Object.prototype.hasOwnProperty.call(data.districts, code)) return null;
      var p = data.districts[code];
      return { lat: p[0] / 1e5, lon: p[1] / 1e5, key: code };
    }

    function haversine(lat1, lon1, lat2, lon2) {
      var rad = Math.PI / 180;
      var dLat = (lat2 - lat1) * rad;
      var dLon = (lon2 - lon1) * rad;
      var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
        Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
      return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /* --- the form and the address ------------------------------------------------------------------ */

    function radioValue(name) {
      var checked = form.querySelector('input[type="radio"][name="' + name + '"]:checked');
      return checked ? checked.value : "";
    }

    function setRadio(name, value) {
      var radios = form.querySelectorAll('input[type="radio"][name="' + name + '"]');
      for (var i = 0; i < radios.length; i++) radios[i].checked = radios[i].value === value;
    }

    function readForm() {
      var features = [];
      var boxes = form.querySelectorAll('input[type="checkbox"][name="feature"]');
      for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) features.push(boxes[i].value);
      var getin = [];
      var ins = form.querySelectorAll('input[type="checkbox"][name="getin"]');
      for (var j = 0; j < ins.length; j++) if (ins[j].checked) getin.push(ins[j].value);
      return {
        getin: getin,
        q: form.elements.q.value.trim(),
        cat: form.elements.cat.value,
        area: form.elements.area.value,
        day: form.elements.day.value,
        when: form.elements.when ? form.elements.when.value : "",
        cost: form.elements.cost.value,
        who: form.elements.who.value,
        access: form.elements.access.value,
        feature: features,
        sort: radioValue("sort") || "name",
        near: nearInput.value.trim()
      };
    }

    function setSelect(select, value) {
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) { select.value = value; return; }
      }
      select.value = "";
    }

    function formFromParams(params) {
      form.elements.q.value = params.get("q") || "";
      ["cat", "area", "day", "when", "cost", "who", "access"].forEach(function (name) {
        if (form.elements[name]) setSelect(form.elements[name], params.get(name) || "");
      });
      var wanted = params.getAll("feature");
      var boxes = form.querySelectorAll('input[type="checkbox"][name="feature"]');
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = wanted.indexOf(boxes[i].value) >= 0;
      var getin = params.getAll("getin");
      var ins = form.querySelectorAll('input[type="checkbox"][name="getin"]');
      for (var j = 0; j < ins.length; j++) ins[j].checked = getin.indexOf(ins[j].value) >= 0;
      setRadio("sort", params.get("sort") === "distance" ? "distance" : "name");
      nearInput.value = params.get("near") || "";
    }

    function queryString(state) {
      var params = new URLSearchParams();
      ["q", "cat", "area", "day", "when", "cost", "who", "access"].forEach(function (name) {
        if (state[name]) params.set(name, state[name]);
      });
      state.feature.forEach(function (f) { params.append("feature", f); });
      state.getin.forEach(function (g) { params.append("getin", g); });
      if (state.sort && state.sort !== "name") params.set("sort", state.sort);
      if (state.near) params.set("near", state.near);
      var text = params.toString();
      return text ? "?" + text : "";
    }

    function writeAddress(state) {
      if (holdAddress) return;
      var search = queryString(state);
      if (search === location.search) return;
      try {
        history.replaceState(history.state, "", location.pathname + search + location.hash);
      } catch (e) { /* some browsers limit replaceState calls: the results are still right */ }
    }

    /* --- filtering ---------------------------------------------------------------------------------- */

    function prepareItems(json, items) {
      var catNames = opts.categoryNames || {};
      var areaNames = opts.areaNames || {};
      items.forEach(function (a) {
        var words = [a.n, a.s, a.o, a.t];
        (a.c || []).forEach(function (i) { words.push(catNames[json.categories[i]] || ""); });
        (a.a || []).forEach(function (i) { words.push(areaNames[json.areas[i]] || ""); });
        a._hay = fold(words.join(" "));
        a._dist = null;
      });
    }

    function sortByName(items) {
      return items.sort(function (x, y) { return compareNames(x.n, y.n); });
    }

    function prepare(json) {
      prepareItems(json, json.assets || []);
      byName = sortByName((json.assets || []).slice());
      return json;
    }

    /* --- a large directory: its data split by area ---------------------------------------------------- */

    /* The areas (indexes) whose data the view needs: the area chosen, else those of the postcode district
       given or nearest the person's location; null when nothing says where. */
    function areasNeeded(state) {
      if (state.area) {
        var index = indexIn(data.areas, state.area);
        return index >= 0 ? [index] : [];
      }
      var near = geo ? nearestDistrict(geo) : state.near ? district(state.near) : null;
      if (!near) return null;
      return (data.districtAreas && data.districtAreas[near.key]) || [];
    }

    function nearestDistrict(point) {
      var best = null, bestKm = Infinity;
      Object.keys(data.districts || {}).forEach(function (code) {
        var p = data.districts[code];
        var km = haversine(point.lat, point.lon, p[0] / 1e5, p[1] / 1e5);
        if (km < bestKm) { bestKm = km; best = code; }
      });
      return best ? { key: best } : null;
    }

    /* One piece of an area's part (number 1 is <area>.json, then <area>.2.json and so on); resolves to its assets. */
    function fetchPiece(index, number) {
      var asked = early.piece && number === 1 && early.piece.area === data.areas[index] ? early.piece.json : null;
      if (asked) early.piece = null;  // (taken once)
      return (asked || fetchJson(pieceUrl(parts.base, data.areas[index], number)))
        .then(function (json) {
          var items = json.assets || [];
          var fresh = items.filter(function (a) { return !parts.all.has(a.i); });
          prepareItems(data, fresh);
          fresh.forEach(function (a) { parts.all.set(a.i, a); });
          return items;
        });
    }

    /* Starts loading an area's part: its first piece, then the others side by side. While they arrive,
       parts.bounds holds the last name of the first piece (the pieces are in name order). A part that fails
       stays out until the page is loaded again (the area counts as loaded: no retrying in a loop). */
    function startArea(index) {
      var count = (parts.pieces && parts.pieces[index]) || 1;
      var first = fetchPiece(index, 1).then(function (items) {
        if (count > 1 && items.length) parts.bounds.set(index, items[items.length - 1].n);
        byName = sortByName(Array.from(parts.all.values()));
      });
      var all = first.then(function () {
        var others = [];
        for (var number = 2; number <= count; number++) others.push(fetchPiece(index, number));
        return Promise.all(others);
      }).catch(function (error) {
        if (window.console) console.warn("Find support: could not load an area's list", error);
      }).then(function () {
        byName = sortByName(Array.from(parts.all.values()));
        parts.bounds.delete(index);
        parts.loaded.add(index);
        parts.loading.delete(index);
      });
      parts.loading.set(index, { first: first.catch(function () {}), all: all });
    }

    /* Loads the parts of areas not loaded yet: {first, all}, resolving once the first pieces of all of them
       are in, and once everything is. */
    function loadParts(areas) {
      areas.forEach(function (index) {
        if (!parts.loaded.has(index) && !parts.loading.has(index)) startArea(index);
      });
      var loading = areas.map(function (index) { return parts.loading.get(index); }).filter(Boolean);
      return {
        first: Promise.all(loading.map(function (l) { return l.first; })),
        all: Promise.all(loading.map(function (l) { return l.all; }))
      };
    }

    function compareNames(x, y) { return collator ? collator.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0); }

    function indexIn(listOfIds, id) { return listOfIds ? listOfIds.indexOf(id) : -1; }

    function filter(state) {
      var words = fold(state.q).split(/\s+/).filter(Boolean);
      var cat = state.cat ? indexIn(data.categories, state.cat) : null;
      var area = state.area ? indexIn(data.areas, state.area) : null;
      var dayIndex = DAYS.indexOf(state.day);
      var dayBit = dayIndex >= 0 ? 1 << (dayIndex + 1) : 0;
      var who = state.who ? indexIn(data.groups, state.who) : null;
      var access = state.access ? ACCESS.indexOf(state.access) : null;
      var feats = state.feature.map(function (f) { return indexIn(data.features, f); });
      // Taking new people: confirmed open lately (k: "o"). Can just turn up: a drop-in not known to be full or to
      // have a waiting list.
      var taking = state.getin.indexOf("taking") >= 0;
      var turnUp = state.getin.indexOf("turn-up") >= 0;
      // open now, or on this week: by the London clock now, from each session's dates and times
      var when = state.when === "now" ? CAM.schedule.openAt : state.when === "week" ? CAM.schedule.onInWeek : null;
      var instant = Date.now();
      var costOk = state.cost === "free" ? { f: 1 } : state.cost === "free-or-donation" ? { f: 1, d: 1 } : null;
      var within = state.areas ? state.areas : null;  // a split directory: only the areas the view needs
      var out = [];
      for (var i = 0; i < byName.length; i++) {
        var a = byName[i];
        if (within && !(a.a || []).some(function (index) { return within.indexOf(index) >= 0; })) continue;
        if (cat !== null && (!a.c || a.c.indexOf(cat) < 0)) continue;
        if (area !== null && (!a.a || a.a.indexOf(area) < 0)) continue;
        if (dayBit && !(a.d & dayBit)) continue;
        if (costOk && !costOk[a.$]) continue;
        if (when && (a.st || !a.ss || !a.ss.some(function (s) { return when(s, instant); }))) continue;
        if (who !== null && (!a.g || a.g.indexOf(who) < 0)) continue;
        if (access !== null && a.x !== access) continue;
        if (taking && a.k !== "o") continue;
        if (turnUp && (a.x !== 0 || a.k === "w" || a.k === "f")) continue;
        if (feats.length) {
          var ok = true;
          for (var f = 0; f < feats.length; f++) {
            if (!a.f || a.f.indexOf(feats[f]) < 0) { ok = false; break; }
          }
          if (!ok) continue;
        }
        if (words.length) {
          var all = true;
          for (var w = 0; w < words.length; w++) {
            if (a._hay.indexOf(words[w]) < 0) { all = false; break; }
          }
          if (!all) continue;
        }
        out.push(a);
      }
      return out;
    }

    function distanceFrom(origin, a) {
      if (!a.l || !a.l.length) return Infinity;
      var best = Infinity;
      for (var i = 0; i < a.l.length; i++) {
        var d = haversine(origin.lat, origin.lon, a.l[i][0] / 1e5, a.l[i][1] / 1e5);
        if (d < best) best = d;
      }
      return best;
    }

    function sortByDistance(items, origin) {
      var key = origin.key;
      items.forEach(function (a) {
        if (!a._dist || a._dist.key !== key) a._dist = { key: key, km: distanceFrom(origin, a) };
      });
      // byName order is the tie-breaker, so keep each item's position in it.
      var pos = new Map();
      items.forEach(function (a, i) { pos.set(a, i); });
      return items.slice().sort(function (x, y) {
        var dx = x._dist.km, dy = y._dist.km;
        if (dx === dy) return pos.get(x) - pos.get(y);
        if (dx === Infinity) return 1;
        if (dy === Infinity) return -1;
        return dx - dy;
      });
    }

    /* --- where distances are measured from ----------------------------------------------------------- */

    function origin(state) {
      if (geo) return geo;
      return state.near ? district(state.near) : null;
    }

    function setNearStatus(text) {
      if (nearStatus && nearStatus.textContent !== text) nearStatus.textContent = text;
    }

    /* Say so when a typed postcode area is unknown: at once when asked, or after a pause in typing. */
    function checkNear(now) {
      if (unknownTimer) { clearTimeout(unknownTimer); unknownTimer = null; }
      if (geo || !data) return;
      var near = nearInput.value.trim();
      if (!near || district(near)) { setNearStatus(""); return; }
      if (now) setNearStatus(str("postcode_unknown", ""));
      else unknownTimer = setTimeout(function () { checkNear(true); }, 700);
    }

    /* --- rendering ----------------------------------------------------------------------------------- */

    function countText(n) {
      if (n === 0) return str("no_results", "");
      if (n === 1) return str("result_one", "1");
      return str("results", "{count}").replace("{count}", CAM.wholeNumber(n));
    }

    function card(a) {
      var facts = [];
      if (showDistance && a._dist && a._dist.km !== Infinity) {
        facts.push(str("km_away", "{km}").replace("{km}", distance(a._dist.km)));
      }
      facts.push(a.t || str("online_or_phone", ""));
      if (COST[a.$]) facts.push(str(COST[a.$], ""));
      if (ACCESS[a.x]) facts.push(str("access_" + ACCESS[a.x], ""));
      var lines = a.s ? [["cam-find-card__summary", a.s, a.us]] : [];
      lines.push(["cam-find-card__facts", facts.filter(Boolean).join(" · ")]);
      if (a.cp) lines.push(["cam-find-card__capacity", a.cp]);
      (a.ch || []).forEach(function (change) {  // [words, note]: the note in its own language (a.uc)
        if (change[0]) lines.push(["cam-find-card__change", change[0]]);
        if (change[1]) lines.push(["cam-find-card__change", change[1], a.uc]);
      });
      return CAM.card({
        className: "cam-find-card" + (a.st ? " cam-find-card--" + a.st : ""),
        href: opts.pages + encodeURIComponent(a.i) + "/",
        name: a.n,
        nameLang: a.un,
        badge: a.st ? ["cam-find-status", str("status_" + a.st, a.st)] : null,
        lines: lines,
        id: a.i
      });
    }

    function appendPage() {
      var fragment = document.createDocumentFragment();
      var end = Math.min(current.length, shown + PAGE_SIZE);
      var first = null;
      for (var i = shown; i < end; i++) {
        var li = card(current[i]);
        if (!first) first = li;
        fragment.appendChild(li);
      }
      list.appendChild(fragment);
      shown = end;
      if (moreButton) moreButton.hidden = shown >= current.length;
      return first;
    }

    function ensureMoreButton() {
      if (moreButton) return;
      moreButton = document.createElement("button");
      moreButton.type = "button";
      moreButton.className = "md-button cam-find-more";
      moreButton.textContent = str("show_more", "+");
      moreButton.hidden = true;
      moreButton.addEventListener("click", function () {
        var first = appendPage();
        // The visitor asked for more: take them to the first new result, as a screen reader would expect.
        var link = first && first.querySelector("a");
        if (link) link.focus();
      });
      list.parentNode.insertBefore(moreButton, list.nextSibling);
    }

    /* Shows the results of the form's filters. early: the first pieces of the areas the view needs have come
       (see startArea), so the first results by name can be shown while the rest arrive. */
    function update(force, early) {
      var state = readForm();
      writeAddress(state);
      if (!data) return;
      var bound = null;  // while parts are still arriving: the last name every one of them has reached
      if (parts) {
        var needed = areasNeeded(state);
        if (needed === null) {
          // nothing says where yet: a national directory asks, rather than loading every area
          lastKey = null;
          current = [];
          shown = 0;
          list.textContent = "";
          if (moreButton) moreButton.hidden = true;
          var ask = str("choose_area", "");
          if (heading.textContent !== ask) heading.textContent = ask;
          form.removeAttribute("data-cam-results");
          return;
        }
        var missing = needed.filter(function (index) { return !parts.loaded.has(index); });
        if (missing.length) {
          var loading = loadParts(missing);
          if (!early) {
            loading.first.then(function () { update(true, true); });
            loading.all.then(function () { update(true); });
            return;
          }
          // distance order can change with every piece: only the order by name is shown early
          if (state.sort === "distance" || !missing.every(function (index) { return parts.bounds.has(index); })) return;
          bound = missing.map(function (index) { return parts.bounds.get(index); }).sort(compareNames)[0];
        }
        state.areas = needed;
      }
      var from = state.sort === "distance" ? origin(state) : null;
      // (with open now or on this week, the results hold for the minute only)
      var minute = state.when ? Math.floor(Date.now() / 60000) : "";
      var key = JSON.stringify([state.q, state.cat, state.area, state.day, state.when, minute, state.cost, state.who,
        state.access, state.feature, state.getin, from ? from.key : "", state.areas || null]);
      if (!force && key === lastKey) return;
      lastKey = key;
      var found = filter(state);
      if (bound !== null) {
        lastKey = null;  // not the whole answer: the next update draws it again
        found = found.filter(function (a) { return compareNames(a.n, bound) <= 0; });
        if (!found.length) return;  // none among the first names: wait for the rest
      }
      showDistance = !!from;
      current = from ? sortByDistance(found, from) : found;
      shown = 0;
      list.textContent = "";
      ensureMoreButton();
      appendPage();
      var text = bound !== null ? str("loading_more", "") : countText(current.length);
      if (heading.textContent !== text) heading.textContent = text;
      if (bound !== null) form.removeAttribute("data-cam-results");
      else form.setAttribute("data-cam-results", String(current.length));
    }

    /* --- events -------------------------------------------------------------------------------------- */

    form.addEventListener("input", function (event) {
      if (event.target === nearInput) {
        geo = null;
        if (district(nearInput.value)) setRadio("sort", "distance");
        checkNear(false);
      }
      update();
    });

    form.addEventListener("change", function (event) {
      if (event.target === nearInput) checkNear(true);
      update();
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      checkNear(true);
      update();
    });

    form.addEventListener("reset", function () {
      geo = null;
      if (unknownTimer) { clearTimeout(unknownTimer); unknownTimer = null; }
      setNearStatus("");
      // The form's own reset happens after this event: read it once it has.
      setTimeout(function () { update(); }, 0);
    });

    if (locateButton) {
      locateButton.addEventListener("click", function () {
        if (!navigator.geolocation) { setNearStatus(str("location_failed", "")); return; }
        locateButton.setAttribute("aria-busy", "true");
        navigator.geolocation.getCurrentPosition(function (position) {
          locateButton.removeAttribute("aria-busy");
          geo = { lat: position.coords.latitude, lon: position.coords.longitude };
          geo.key = "@" + geo.lat.toFixed(5) + "," + geo.lon.toFixed(5);
          nearInput.value = "";
          if (unknownTimer) { clearTimeout(unknownTimer); unknownTimer = null; }
          setNearStatus("");
          setRadio("sort", "distance");
          update();
        }, function () {
          locateButton.removeAttribute("aria-busy");
          setNearStatus(str("location_failed", ""));
        }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 });
      });
    }

    /* --- start --------------------------------------------------------------------------------------- */

    formFromParams(initialParams);
    // open now and on this week change with the clock: look again each minute
    setInterval(function () { if (data && form.elements.when && form.elements.when.value) update(); }, 60000);

    (early.data || fetchJson(opts.data))
      .then(function (json) {
        if (json.parts) {
          parts = {
            base: new URL(json.parts.path, new URL(opts.data, location.href)).href,
            pieces: json.parts.pieces || [],
            loaded: new Set(), loading: new Map(), bounds: new Map(), all: new Map()
          };
        }
        data = prepare(json);
        checkNear(true);
        update(true);
      })
      .catch(function (error) {
        if (window.console) console.warn("Find support: could not load the list", error);
      });

    if (holdAddress) afterTheme(function () { holdAddress = false; writeAddress(readForm()); });
  }
})();
