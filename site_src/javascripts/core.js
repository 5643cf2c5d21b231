/* Community Asset Map: the small core the page scripts share, under the site's one global name, CAM.
   The element helper, interface strings, the page language, asset ids, start-up and the asset card.
   Ids and other outside values are only ever keys of a Map or Set, never of a plain object, so an id
   such as "constructor" or "__proto__" is an id like any other. Record text is set with textContent only. */
(function () {
  "use strict";

  // The page's head, find.js and map.js may have made CAM already. Find support loads this file in the
  // page, so as to show its first results before the theme's script has run: the second load, with the
  // theme's scripts at the end of the page, finds it done.
  if (window.CAM && window.CAM.card) return;
  var CAM = window.CAM = window.CAM || {};

  var script = document.currentScript;
  /* The site's root address, from this script's own address (javascripts/core.js). */
  var base = script && script.src ? script.src.replace(/javascripts\/core\.js(?:[?#].*)?$/, "") : new URL("../", location.href).href;

  /* --- elements ------------------------------------------------------------------------------------- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* The language for dates and numbers: Welsh pages in Welsh, everything else in British English. */
  function lang() { return document.documentElement.lang === "cy" ? "cy-GB" : "en-GB"; }

  /* A whole number as both of lang()'s languages write it (CLDR, en-GB and cy: "1,234", "12,345"). Not
     by Intl.NumberFormat, whose first use starts the browser's number formatting: 55 to 68 ms on a CPU
     slowed 4 times, in the way of a search's first results and find support's. */
  function wholeNumber(n) { return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  /* --- asset ids ------------------------------------------------------------------------------------ */

  var ID = /^[a-z0-9-]+$/;

  function isId(value) { return typeof value === "string" && ID.test(value); }

  /* The valid ids among values, each once, in their first order. */
  function cleanIds(values) {
    var seen = new Set();
    return (Array.isArray(values) ? values : []).filter(function (id) {
      if (!isId(id) || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  /* Ids from an address value such as "a,b,c". */
  function parseIds(text) {
    return cleanIds(String(text || "").split(",").map(function (s) { return s.trim(); }));
  }

  /* --- interface strings ---------------------------------------------------------------------------- */

  var strings = new Map();

  /* Adds the string values of table to known (a Map), each key after prefix; with keep, strings already
     known stay. */
  function addTo(known, table, prefix, keep) {
    if (!table || typeof table !== "object") return;
    Object.keys(table).forEach(function (key) {
      var name = (prefix || "") + key;
      if (typeof table[key] === "string" && !(keep && known.has(name))) known.set(name, table[key]);
    });
  }

  function addStrings(table, prefix, keep) { addTo(strings, table, prefix, keep); }

  /* A lookup in known: the string for key with {name} placeholders filled from vars; the key itself when
     it is unknown. */
  function translator(known) {
    return function (key, vars) {
      var text = known.has(key) ? known.get(key) : key;
      if (vars) {
        Object.keys(vars).forEach(function (name) { text = text.split("{" + name + "}").join(String(vars[name])); });
      }
      return text;
    };
  }

  var t = translator(strings);

  var MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december"];
  var DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

  /* A date in the page's language: "Friday 4 December" (with weekday) or "4 December 2026". The browser's
     own names where it has the language; otherwise (Chromium carries no Welsh) the catalogue's, which
     strings.json holds: call it once CAM.strings has resolved. */
  function formatDate(date, weekday) {
    var code = lang();
    var options = weekday ? { weekday: "long", day: "numeric", month: "long" } : { day: "numeric", month: "long", year: "numeric" };
    if (window.Intl && Intl.DateTimeFormat.supportedLocalesOf([code]).length) {
      return new Intl.DateTimeFormat(code, options).format(date);
    }
    var month = t("months." + MONTHS[date.getMonth()]);
    if (weekday) return t("dates.weekday", { weekday: t("days." + DAYS[date.getDay()]), day: date.getDate(), month: month });
    return t("dates.long", { day: date.getDate(), month: month, year: date.getFullYear() });
  }

  /* A strings file fetched into known; resolves to known's lookup either way. */
  function fetchStrings(url, known) {
    return fetch(url)
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (loaded) { addTo(known, loaded); })
      .catch(function () { /* the fallbacks stay */ })
      .then(function () { return translator(known); });
  }

  /* The site's strings file (assets/data/strings.json), fetched once a page; resolves to t either way. */
  var ready = fetchStrings(base + "assets/data/strings.json", strings);

  /* Another language's strings file (a bilingual sheet's other half): resolves to a lookup of its own. */
  function stringsFrom(url) { return fetchStrings(url, new Map()); }

  /* A page's options (JSON in a script element); strings in them are added to t's under prefix. */
  function options(id, prefix) {
    var holder = document.getElementById(id);
    if (!holder) return null;
    var parsed = null;
    try { parsed = JSON.parse(holder.textContent); } catch (e) { parsed = null; }
    if (!parsed || typeof parsed !== "object") return null;
    addStrings(parsed.strings, prefix);
    return parsed;
  }

  /* --- start-up --------------------------------------------------------------------------------------- */

  /* Runs fn once the page is there: on the theme's document$ when it has one, otherwise on DOMContentLoaded. */
  function start(fn) {
    if (window.document$ && window.document$.subscribe) window.document$.subscribe(function () { fn(); });
    else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { fn(); }, { once: true });
    else fn();
  }

  /* --- the asset card ----------------------------------------------------------------------------------- */

  /* One asset as a card in a list of results: its linked name (and a badge), then lines of text, each
     [class, text] or [class, text, language], then its "Add to list" button when id is given. */
  function card(spec) {
    var li = el("li", "cam-card" + (spec.className ? " " + spec.className : ""));
    var h = el("h3", "cam-card__title");
    var link = el("a", null, spec.name);
    link.href = spec.href;
    if (spec.nameLang) link.lang = spec.nameLang;
    h.appendChild(link);
    if (spec.badge) {
      h.appendChild(document.createTextNode(" "));
      h.appendChild(el("span", "cam-badge " + spec.badge[0], spec.badge[1]));
    }
    li.appendChild(h);
    (spec.lines || []).forEach(function (line) {
      var p = el("p", line[0], line[1]);
      if (line[2]) p.lang = line[2];  // text shown in another language than the page's
      li.appendChild(p);
    });
    if (spec.id && CAM.list) li.appendChild(CAM.list.button(spec.id));
    return li;
  }

  /* --- the language switch ------------------------------------------------------------------------------ */

  /* The theme fetches a sitemap.xml beside every <link rel="alternate"> of a page, to move between
     language versions itself. Our pages link to their other languages directly, and those fetches would
     cost every visitor the site's sitemap (or a request to the public address from a local copy). The
     links stay in the page as served, for search engines, and leave the live page before the theme
     looks for them (this script runs before the page has loaded). */
  Array.prototype.forEach.call(document.querySelectorAll("link[rel=alternate][hreflang]"), function (link) {
    link.parentNode.removeChild(link);
  });

  /* A link to this page in another language keeps the page's query and fragment: the same filters on
     Find support, the same ids on a sheet. Only this page's own address is carried, never anything else. */
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[data-cam-language]") : null;
    if (!link) return;
    var target = new URL(link.getAttribute("href"), location.href);
    if (target.origin !== location.origin) return;
    target.search = location.search;
    target.hash = location.hash;
    link.href = target.href;
  });

  /* The most entries a signposting sheet shows (and the most ids My list passes to it). */
  CAM.SHEET_MAX = 100;
  CAM.base = base;
  CAM.el = el;
  CAM.lang = lang;
  CAM.wholeNumber = wholeNumber;
  CAM.formatDate = formatDate;
  CAM.isId = isId;
  CAM.cleanIds = cleanIds;
  CAM.parseIds = parseIds;
  CAM.addStrings = addStrings;
  CAM.t = t;
  CAM.strings = ready;
  CAM.stringsFrom = stringsFrom;
  CAM.options = options;
  CAM.start = start;
  CAM.card = card;
})();
