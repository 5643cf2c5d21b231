/* Community Asset Map: the offline copy (a service worker, served from the site's root so that it
   covers the whole site). It keeps only what the person opened: each page they visit, with the
   styles, scripts and data that page used. Nothing else is fetched or stored ahead of time (no
   prefetch of the directory); search indexes, the open data downloads (data/) and anything from
   another site (map tiles) are never kept. Pages and everything else are network first: with a
   signal a page is always the live one, and its copy is renewed; without one (or when a page has
   not come within five seconds), the kept copy is served and the page shows "Offline copy from
   <date>". The cache's name carries the build's id (written in by the build): a new build
   installs a new worker, which renews every kept copy from the network (or keeps the old copy when
   there is no signal) and removes the old build's cache. */
"use strict";

var BUILD = "__CAM_BUILD__"; // the build writes its id here
var PREFIX = "cam-offline-";
var CACHE = PREFIX + BUILD;
var FETCHED = "X-Cam-Fetched"; // when a kept copy came from the network (ISO 8601)
var SCOPE = new URL(self.registration.scope);
var SLOW_PAGE = 5000; // ms: a page the network has not answered by then comes from its kept copy, if any
var NEVER = ["search/", "data/"]; // never kept: search data, the open data downloads (in any language's build too)

/* True for an address this worker may keep: this site's own, not its search data. */
function keepable(url) {
  var u = new URL(url);
  if (u.origin !== SCOPE.origin || u.pathname.indexOf(SCOPE.pathname) !== 0) return false;
  var rel = u.pathname.slice(SCOPE.pathname.length);
  if (rel === "sw.js") return false;
  var inBuild = rel.replace(/^[a-z]{2,3}\//, ""); // the same folders in a language's build (cy/search/...)
  return !NEVER.some(function (prefix) { return rel.indexOf(prefix) === 0 || inBuild.indexOf(prefix) === 0; });
}

/* The address without its fragment: the key of a kept copy (the query, such as a sheet's ids, stays). */
function key(url) { return String(url).split("#")[0]; }

/* A response as it is kept: the same body and headers, with the time it was fetched. */
function stamped(response) {
  var headers = new Headers(response.headers);
  headers.set(FETCHED, new Date().toISOString());
  return response.blob().then(function (body) {
    return new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
  });
}

/* Fetch request and keep a copy when it is a complete, successful answer of this site; resolves to
   the live response. The copy is being written while the page uses the response: wait(promise) is
   told of it (the event's waitUntil). */
function fetchAndKeep(request, cache, wait) {
  return fetch(request).then(function (response) {
    var replaced = self.serviceWorker && self.serviceWorker.state === "redundant"; // a newer build's worker keeps copies now
    if (!replaced && response.status === 200 && response.type === "basic" && !response.redirected) {
      wait(stamped(response.clone()).then(function (kept) { return cache.put(key(request.url), kept); }).catch(function () {}));
    }
    return response;
  });
}

/* A kept page, marked as offline for the page's own script (data-cam-offline on <html>, the date it was fetched). */
function offlinePage(kept) {
  var when = kept.headers.get(FETCHED) || "";
  return kept.text().then(function (text) {
    var marked = text.replace(/<html(\s|>)/i, '<html data-cam-offline="' + when.replace(/[^0-9TZ:.+-]/g, "") + '"$1');
    var headers = new Headers(kept.headers);
    headers.delete("Content-Length");
    return new Response(marked, { status: 200, headers: headers });
  });
}

self.addEventListener("install", function () { self.skipWaiting(); });

/* A new build: renew every copy the person kept under an older build (or keep the old copy when the
   network fails), then remove the older caches. */
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    var old = names.filter(function (name) { return name.indexOf(PREFIX) === 0 && name !== CACHE; });
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(old.map(function (name) {
        return caches.open(name).then(function (stale) {
          return stale.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              return fetch(request.url, { cache: "no-cache" }).then(function (response) {
                if (response.status !== 200 || response.type !== "basic" || response.redirected) throw new Error("not renewed");
                return stamped(response).then(function (kept) { return cache.put(key(request.url), kept); });
              }).catch(function () {
                return stale.match(request).then(function (kept) { return kept && cache.put(key(request.url), kept); });
              });
            }));
          });
        }).then(function () { return caches.delete(name); });
      }));
    });
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !keepable(request.url)) return; // the browser's own handling
  event.respondWith(caches.open(CACHE).then(function (cache) {
    var fromCopy = function (error) {
      return cache.match(key(request.url)).then(function (kept) {
        if (!kept) throw error;
        return request.mode === "navigate" ? offlinePage(kept) : kept;
      });
    };
    var network = fetchAndKeep(request, cache, function (p) { event.waitUntil(p); });
    if (request.mode !== "navigate") return network.catch(fromCopy);
    // A page on a poor signal: the kept copy after SLOW_PAGE ms; the live page, when it comes, renews the copy.
    event.waitUntil(network.catch(function () {}));
    return new Promise(function (resolve, reject) {
      var settled = false;
      var settle = function (value) { if (!settled) { settled = true; resolve(value); } };
      var timer = setTimeout(function () {
        fromCopy(null).then(settle, function () { /* no copy: wait for the network */ });
      }, SLOW_PAGE);
      network.then(function (response) { clearTimeout(timer); settle(response); }, function (error) {
        clearTimeout(timer);
        if (!settled) fromCopy(error).then(settle, function (e) { settled = true; reject(e); });
      });
    });
  }));
});

/* A page opened before this worker controlled it names what it loaded; keep those not kept yet. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cam-keep" || !Array.isArray(data.urls)) return;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(data.urls.filter(function (url) {
      return typeof url === "string" && keepable(url);
    }).map(function (url) {
      return cache.match(key(url)).then(function (kept) {
        if (kept) return null;
        var writing = null;
        // from the browser's HTTP cache, where the page just put it: nothing crosses the wire again
        return fetchAndKeep(new Request(key(url), { cache: "force-cache" }), cache, function (p) { writing = p; })
          .then(function () { return writing; }).catch(function () {});
      });
    }));
  }));
});
