/* Community Asset Map: quick exit. The "Leave this site" link, or pressing Shift three times (each
   within two seconds of the last, nothing else pressed between), blanks the page at once, clears what
   the site keeps in this browser (local and session storage, My list included; cached files; the
   offline service worker), replaces this page in the history and goes to the neutral page. */
(function () {
  "use strict";
  var box = document.currentScript && document.currentScript.previousElementSibling;
  var link = box && box.querySelector("a");
  if (!link) return;
  var target = link.href;
  var gone = false;

  function quiet(work) { try { return work(); } catch (e) { return null; } }

  function leave() {
    if (gone) return;
    gone = true;
    quiet(function () {
      document.title = "";
      var root = document.documentElement;
      root.style.setProperty("background", "#fff", "important");
      if (document.body) document.body.replaceChildren();
      root.style.setProperty("visibility", "hidden", "important");
    });
    quiet(function () { window.localStorage.clear(); });
    quiet(function () { window.sessionStorage.clear(); });
    var work = [];
    quiet(function () {
      if (window.caches) {
        work.push(caches.keys().then(function (names) {
          return Promise.all(names.map(function (name) { return caches.delete(name); }));
        }));
      }
    });
    quiet(function () {
      if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
        work.push(navigator.serviceWorker.getRegistrations().then(function (all) {
          return Promise.all(all.map(function (r) { return r.unregister(); }));
        }));
      }
    });
    var go = function () { window.location.replace(target); };
    // the page is blank already: wait a moment (at most 300 ms) for the cached files to go
    Promise.race([
      Promise.all(work).catch(function () {}),
      new Promise(function (done) { setTimeout(done, 300); })
    ]).then(go, go);
  }

  link.addEventListener("click", function (event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    leave();
  });

  var presses = 0, last = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    if (event.repeat) return;
    var now = Date.now();
    presses = now - last > 2000 ? 1 : presses + 1;
    last = now;
    if (presses >= 3) { presses = 0; leave(); }
  }, true);
})();
