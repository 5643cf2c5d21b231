/* Community Asset Map: the search box in every page's header, over the Pagefind index in pagefind/.
   Nothing is fetched until a person focuses the box or types: then pagefind.js loads, and each query
   fetches only the small index chunks and result fragments it needs, in the page's own language
   (<html lang>). Results are drawn in the theme's markup and style; text is set with textContent only
   (an excerpt's <mark> highlights are rebuilt from an inert parse, never inserted as HTML). */
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

  /* Pagefind's script, loaded on first use (a module, imported from this site only). */
  function load() {
    if (!engine) {
      say(box.getAttribute("data-loading"));
      engine = import(base + "pagefind/pagefind.js").then(function (pagefind) {
        return pagefind.options({ basePath: base + "pagefind/", baseUrl: new URL(base).pathname }).then(function () {
          return pagefind.init();
        }).then(function () {
          return pagefind.filters();  /* loads the WebAssembly and the index's list of pages now, not at the first query */
        }).then(function () { return pagefind; });
      });
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

  /* An excerpt's text with its <mark> highlights, from an inert parse of Pagefind's HTML. */
  function excerpt(html) {
    var p = document.createElement("p");
    var doc = new DOMParser().parseFromString("<body>" + html, "text/html");
    doc.body.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent));
      }
    });
    return p;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = data.url;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var h = document.createElement("h1");
    h.textContent = (data.meta && data.meta.title) || data.url;
    article.appendChild(h);
    article.appendChild(excerpt(data.excerpt || ""));
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  function count(n) {
    if (n === 0) return box.getAttribute("data-none");
    if (n === 1) return box.getAttribute("data-one");
    return box.getAttribute("data-other").replace("#", n.toLocaleString(document.documentElement.lang || "en"));
  }

  function run() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) {
      list.textContent = "";
      say(box.getAttribute("data-placeholder"));
      return;
    }
    load().then(function (pagefind) {
      return pagefind.search(query);
    }).then(function (found) {
      if (ticket !== latest || !found) return null;
      list.textContent = "";
      say(count(found.results.length));
      /* Each result is drawn as soon as it and those above it have arrived: the first shows first. */
      var drawn = Promise.resolve();
      found.results.slice(0, SHOWN).forEach(function (result) {
        var data = result.data();
        drawn = drawn.then(function () { return data; }).then(function (page) {
          if (ticket === latest) list.appendChild(item(page));
        });
      });
      return drawn;
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
