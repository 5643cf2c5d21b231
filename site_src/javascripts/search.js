/* Community Asset Map: the search box in every page's header, over the site's own search index in
   search/index/ (generator/site/searchindex.py). Nothing is fetched until a person focuses the box or
   types: then searchengine.js and the index's manifest load, and each query fetches only the small
   files of the words it looks up and of the pages it shows, in the page's own language (each
   language's build has its own index). Results are drawn in the theme's markup and style; text is
   set with textContent only. */
(function () {
  "use strict";

  var box = document.querySelector("[data-cam-search]");
  if (!box) return;
  var input = box.querySelector("input.md-search__input");
  var form = box.querySelector("form");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var toggle = document.getElementById("__search");
  var script = document.currentScript;
  /* The site's root address, from this script's own address (javascripts/search.js). */
  var base = script && script.src ? script.src.replace(/javascripts\/search\.js(?:[?#].*)?$/, "") : new URL("../", location.href).href;
  var SHOWN = 10;
  var engine = null;
  var latest = 0;

  function say(text) { if (meta.textContent !== text) meta.textContent = text; }

  /* The engine's script, then the index's manifest, loaded on first use (from this site only). */
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src;
      tag.onload = resolve;
      tag.onerror = function () { tag.remove(); reject(new Error(src)); };
      document.head.appendChild(tag);
    });
  }

  function load() {
    if (!engine) {
      say(box.getAttribute("data-loading"));
      var ready = window.CamSearchEngine ? Promise.resolve() : loadScript(base + "javascripts/searchengine.js");
      engine = ready.then(function () { return window.CamSearchEngine.open(base); });
      engine.then(function () {
        if (!input.value.trim()) say(box.getAttribute("data-placeholder"));
      }, function () { engine = null; });
    }
    return engine;
  }

  function open() {
    if (toggle && !toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
    load();
  }

  function close() {
    if (toggle && toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  /* A result's text with the words of the query marked (each piece set as text, never as HTML). */
  function excerpt(text, asked, language) {
    var p = document.createElement("p");
    var at = 0;
    var finders = asked.map(window.CamSearchEngine.finder);
    String(text).replace(/[\p{L}\p{N}'\u2018\u2019`]+/gu, function (piece, offset) {
      var found = window.CamSearchEngine.words(piece, language);
      var hit = found.some(function (w) { return finders.some(function (finds) { return finds(w); }); });
      if (!hit) return piece;
      if (offset > at) p.appendChild(document.createTextNode(text.slice(at, offset)));
      var mark = document.createElement("mark");
      mark.textContent = piece;
      p.appendChild(mark);
      at = offset + piece.length;
      return piece;
    });
    if (at < text.length) p.appendChild(document.createTextNode(text.slice(at)));
    return p;
  }

  function item(page, asked, language) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = page.url;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var h = document.createElement("h1");
    h.textContent = page.title || page.url;
    article.appendChild(h);
    if (page.text) article.appendChild(excerpt(page.text, asked, language));
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  function count(n) {
    if (n === 0) return box.getAttribute("data-none");
    if (n === 1) return box.getAttribute("data-one");
    var CAM = window.CAM;  /* (core.js, on every page: this script is deferred, so it has run) */
    return box.getAttribute("data-other").replace("#", CAM && CAM.wholeNumber ? CAM.wholeNumber(n) : String(n));
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) {
      list.textContent = "";
      say(box.getAttribute("data-placeholder"));
      return;
    }
    load().then(function (index) {
      return index.search(query).then(function (found) {
        if (ticket !== latest) return null;
        list.textContent = "";
        say(count(found.count));
        /* Each result is drawn as soon as it and those above it have arrived: the first shows first. */
        var drawn = Promise.resolve();
        found.first(SHOWN).forEach(function (result) {
          result.catch(function () {});  /* handled in turn below; not reported before its turn comes */
          drawn = drawn.then(function () { return result; }).then(function (page) {
            if (ticket === latest) list.appendChild(item(page, found.words, index.language));
          }, function () { /* a page whose file did not come is left out */ });
        });
        return drawn;
      });
    }).catch(function () { if (ticket === latest) say(box.getAttribute("data-none")); });
  }

  /* Arrow keys move between the box and the results; Escape closes; Enter opens the first result. */
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

  box.addEventListener("keydown", function (event) {
    var all = [input].concat(links());
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (at < 0) return;
      event.preventDefault();
      var next = all[Math.max(0, Math.min(all.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)))];
      next.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
      input.blur();
    } else if (event.key === "Enter" && document.activeElement === input) {
      event.preventDefault();
      var first = links()[0];
      if (first) first.click();
    }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(run, 0); input.focus(); });
  input.addEventListener("focus", open);
  input.addEventListener("input", function () { open(); run(); });
  box.addEventListener("focusout", function (event) {
    if (!box.contains(event.relatedTarget) && !input.value.trim()) close();
  });
  /* The theme's shortcuts: "/", "s" or "f" opens the search, unless the person is typing somewhere. */
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || ["/", "s", "f"].indexOf(event.key) < 0) return;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    event.preventDefault();
    open();
    input.focus();
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked && document.activeElement !== input) input.focus();
    });
  }
})();
