/* Community Asset Map: the search engine behind the header's search box, loaded by search.js when a
   person starts to search. It reads the index generator/site/searchindex.py writes in search/index/:
   the manifest first, then for each query only the file of words each word of the query begins in,
   and the small files of pages its first results are in. Words are read exactly as the index reads
   them (lower case, no accents or apostrophes; in English without a plural "s"): a test keeps the
   two in step. Nothing here touches the page: it answers with plain data. */
(function () {
  "use strict";

  var APOSTROPHES = /['\u2018\u2019`]/g;
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  var WORD = /[\p{L}\p{N}]+/gu;
  var SHORTEST = 2;  /* as the index: shorter words are not looked up */
  var PREFIX_FROM = 3;  /* a word this long also finds the longer words it begins ("walk" finds "walking") */
  /* How much a word counts: in the title or only in the text, the whole word or the start of one. */
  var WEIGHT = { title: 6, titleStart: 4, text: 2, textStart: 1 };

  function length(word) { return Array.from(word).length; }

  function plain(word) {
    var n = length(word);
    if (n > 4 && /ies$/.test(word)) return word.slice(0, -3) + "y";
    if (n > 3 && /s$/.test(word) && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
    return word;
  }

  /* The index's words in text, in order (as searchindex.words in Python). */
  function words(text, language) {
    text = String(text).toLowerCase().replace(APOSTROPHES, "");
    if (/[^\x00-\x7f]/.test(text)) text = text.normalize("NFKD").replace(MARKS, "");
    var found = text.match(WORD) || [];
    if (String(language).split("-")[0] === "en") found = found.map(plain);
    return found.filter(function (w) { return length(w) >= SHORTEST; });
  }

  /* True when a query word also finds the longer words it begins. */
  function beginsOthers(word) { return length(word) >= PREFIX_FROM; }

  /* For a query word, a test of an index word: the same word, or a longer one it begins when it may. */
  function finder(asked) {
    var prefix = beginsOthers(asked);
    return function (word) { return word === asked || (prefix && word.indexOf(asked) === 0); };
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  /* Page numbers from the index's gaps between them. */
  function numbers(gaps, each) {
    var at = 0;
    for (var i = 0; i < gaps.length; i++) { at += gaps[i]; each(at); }
  }

  function Index(base, manifest) {
    this.base = base;  /* the build's folder: pages' addresses are relative to it */
    this.folder = base + "search/index/";
    this.manifest = manifest;
    this.language = manifest.language;
    this.keys = Object.keys(manifest.words);
    this.files = {};
  }

  Index.prototype.file = function (path) {
    var self = this;
    if (!this.files[path]) {
      this.files[path] = fetchJson(this.folder + path + ".json");
      this.files[path].catch(function () { delete self.files[path]; });  /* asked for again next time */
    }
    return this.files[path];
  };

  /* The files of words a query word needs: the one its whole word is in, and, when it may begin
     longer words, every file of words that begin with it. */
  Index.prototype.wordFiles = function (word) {
    var prefix = beginsOthers(word);
    var own = "";
    var wanted = [];
    this.keys.forEach(function (key) {
      if (word.indexOf(key) === 0 && key.length > own.length) own = key;
      else if (prefix && key.indexOf(word) === 0 && key !== word) wanted.push(key);
    });
    if (own) wanted.push(own);
    var names = this.manifest.words;
    return wanted.map(function (key) { return names[key]; });
  };

  /* For one query word: each page it is found in, with how much it counts there. */
  Index.prototype.lookUp = function (word) {
    var finds = finder(word);
    var self = this;
    return Promise.all(this.wordFiles(word).map(function (name) { return self.file("w/" + name); }))
      .then(function (files) {
        var best = new Map();
        function count(page, weight) { if (!(best.get(page) >= weight)) best.set(page, weight); }
        files.forEach(function (entries) {
          Object.keys(entries).forEach(function (found) {
            if (!finds(found)) return;
            var whole = found === word;
            numbers(entries[found][0], function (page) { count(page, whole ? WEIGHT.title : WEIGHT.titleStart); });
            numbers(entries[found][1], function (page) { count(page, whole ? WEIGHT.text : WEIGHT.textStart); });
          });
        });
        return best;
      });
  };

  /* The pages with every word of the query, best first (then by title): {count, words, first(n)}. */
  Index.prototype.search = function (query) {
    var self = this;
    var asked = Array.from(new Set(words(query, this.language)));
    if (!asked.length) return Promise.resolve({ count: 0, words: [], first: function () { return []; } });
    return Promise.all(asked.map(function (word) { return self.lookUp(word); })).then(function (found) {
      found.sort(function (a, b) { return a.size - b.size; });
      var score = new Map(found[0]);
      found.slice(1).forEach(function (pages) {
        score.forEach(function (total, page) {
          var weight = pages.get(page);
          if (weight) score.set(page, total + weight);
          else score.delete(page);
        });
      });
      /* Best first, then in page order (by title): pages by score, and only the best sorted by page. */
      var byScore = new Map();
      score.forEach(function (total, page) {
        if (!byScore.has(total)) byScore.set(total, []);
        byScore.get(total).push(page);
      });
      var scores = Array.from(byScore.keys()).sort(function (a, b) { return b - a; });
      return {
        count: score.size,
        words: asked,
        /* Promises of the first n results ({url, title, text}), each as soon as its file of pages is in. */
        first: function (n) {
          var pages = [];
          for (var i = 0; i < scores.length && pages.length < n; i++) {
            var same = Uint32Array.from(byScore.get(scores[i])).sort();
            for (var j = 0; j < same.length && pages.length < n; j++) pages.push(same[j]);
          }
          return pages.map(function (page) { return self.page(page); });
        }
      };
    });
  };

  Index.prototype.page = function (number) {
    var group = this.manifest.group;
    var self = this;
    return this.file("p/" + this.manifest.groups[Math.floor(number / group)]).then(function (rows) {
      var row = rows[number % group];
      var url = new URL(row[0], self.base);
      /* only this site's own pages: an address in the index that leads elsewhere is not shown */
      if (url.origin !== location.origin) throw new Error("not this site's page: " + row[0]);
      return { url: url.href, title: row[1], text: row[2] };
    });
  };

  /* The index of the build whose root is base (the folder of its javascripts/). */
  function open(base) {
    return fetchJson(base + "search/index/manifest.json").then(function (manifest) {
      if (manifest.version !== 1) throw new Error("search index version " + manifest.version);
      return new Index(base, manifest);
    });
  }

  window.CamSearchEngine = { open: open, words: words, finder: finder };
})();
