/* Community Asset Map: the offline copy, on the page's side. Registers the site's service worker
   (sw.js, at the site's root); a page opened before the worker controlled it tells the worker what
   it loaded, so that this first page is kept too; a page served from the kept copy shows the quiet
   banner "Offline copy from <date>", with a button to load the live page once there is a signal. */
(function () {
  "use strict";

  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/javascripts\/offline\.js(?:[?#].*)?$/, "") : new URL("../", location.href).href;

  /* A page loaded before the worker controlled it: send it every address this page loads (the page
     itself, its styles, scripts and data, including what it fetches later); the worker keeps those it
     may keep (never search data or another site's). */
  function keepThisPage(registration) {
    var send = function (urls) {
      var worker = registration.active;
      if (worker && urls.length) worker.postMessage({ type: "cam-keep", urls: urls });
    };
    send([location.href.split("#")[0]]);
    if (!window.PerformanceObserver) return;
    new PerformanceObserver(function (list) {
      send(list.getEntries().map(function (entry) { return entry.name; }));
    }).observe({ type: "resource", buffered: true });
  }

  var controlled = !!navigator.serviceWorker.controller;
  function register() {
    navigator.serviceWorker.register(base + "sw.js", { scope: base }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (!controlled) keepThisPage(registration);
    }).catch(function () { /* no offline copy: the site works as before */ });
  }
  // once the page has loaded: starting the worker does not compete with the page's own first load
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });

  /* --- the banner ------------------------------------------------------------------------------------ */

  function showBanner(when) {
    var banner = document.querySelector("[data-cam-offline-banner]");
    if (!banner) return;
    var CAM = window.CAM;
    var date = new Date(when);
    CAM.strings.then(function (t) {
      var text = isNaN(date.getTime()) ? t("offline.banner_undated")
        : t("offline.banner", { date: date.toLocaleDateString(CAM.lang(), { day: "numeric", month: "long", year: "numeric" }) });
      banner.querySelector("[data-cam-offline-text]").textContent = text;
      var button = banner.querySelector("button");
      button.textContent = t("offline.refresh");
      button.addEventListener("click", function () { location.reload(); });
      var online = function () { button.hidden = !navigator.onLine; };
      window.addEventListener("online", online);
      window.addEventListener("offline", online);
      online();
      banner.hidden = false;
    });
  }

  var when = document.documentElement.getAttribute("data-cam-offline");
  if (when !== null) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { showBanner(when); }, { once: true });
    else showBanner(when);
  }
})();
