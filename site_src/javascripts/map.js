/* Community Asset Map: draws markers from compact JSON onto the folium map.
   Record text only ever reaches the page through textContent, never as HTML. Ids are keys of Maps only.
   The map's own script (made by folium, in the page) calls CAM.map.init before core.js has loaded, so
   the work waits for the page to be parsed, by when the core is there. */
(function () {
  "use strict";

  var CAM = window.CAM = window.CAM || {};

  function popupContent(point, data, options) {
    var el = CAM.el;
    var box = el("div", "cam-popup");
    var title = el("h3", "cam-popup__title");
    var link = el("a", null, data.name);
    link.href = options.pages + encodeURIComponent(point[0]) + "/";
    var shown = data.lang || {};  // fields in another language than the page's
    if (shown.name) link.lang = shown.name;
    title.appendChild(link);
    box.appendChild(title);
    var summary = el("p", "cam-popup__summary", data.summary);
    if (shown.summary) summary.lang = shown.summary;
    box.appendChild(summary);
    if (data.sessions && data.sessions.length) {
      var list = el("ul", "cam-popup__sessions");
      data.sessions.forEach(function (s) { list.appendChild(el("li", null, s)); });
      box.appendChild(list);
    }
    box.appendChild(el("p", "cam-popup__facts", data.cost + " · " + data.access));
    if (data.capacity) box.appendChild(el("p", "cam-popup__capacity", data.capacity));
    (data.changes || []).forEach(function (change) {  // [words, note]: the note in its own language
      if (change[0]) box.appendChild(el("p", "cam-popup__change", change[0]));
      if (!change[1]) return;
      var note = box.appendChild(el("p", "cam-popup__change", change[1]));
      if (shown.notes) note.lang = shown.notes;
    });
    var more = el("a", "cam-popup__more", CAM.t("map.details"));
    more.href = link.href;
    box.appendChild(more);
    if (CAM.list) box.appendChild(CAM.list.button(point[0]));
    return box;
  }

  /* The id in the address (map/#some-id), or "" when there is none or it is not an id. */
  function hashId() {
    var raw = window.location.hash.replace(/^#/, "");
    try { raw = decodeURIComponent(raw); } catch (e) { return ""; }
    return CAM.isId(raw) ? raw : "";
  }

  function init(map, optionsElement) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { draw(map, optionsElement.id); }, { once: true });
    } else draw(map, optionsElement.id);
  }

  function draw(map, optionsId) {
    var options = CAM.options(optionsId, "map.");
    var container = map.getContainer();
    var loaded = null;  // called once chunked loading has added every marker
    var cluster = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      chunkProgress: function (processed, total) {
        if (processed === total && loaded) { var done = loaded; loaded = null; done(); }
      }
    });
    var byCategory = [];
    var byId = new Map();   // id -> its markers (one a location)
    var cache = new Map();  // id -> its card, once fetched

    function openPopup(marker) {
      // A map popup at the marker's position: works whether or not the marker sits in a cluster.
      var point = marker.camPoint;
      var show = function (data) {
        L.popup({ maxWidth: 300 }).setLatLng(marker.getLatLng()).setContent(popupContent(point, data, options)).openOn(map);
      };
      if (cache.has(point[0])) { show(cache.get(point[0])); return Promise.resolve(); }
      return fetch(options.popups + encodeURIComponent(point[0]) + ".json")
        .then(function (r) { return r.json(); })
        .then(function (data) { cache.set(point[0], data); show(data); });
    }

    fetch(options.data).then(function (r) { return r.json(); }).then(function (data) {
      // the asset in the address first: its popup is open before the markers are made and clustered
      var wanted = hashId();
      var first = Promise.resolve();
      for (var i = 0; wanted && i < data.points.length; i++) {
        if (data.points[i][0] !== wanted) continue;
        var at = L.latLng(data.points[i][1] / 1e5, data.points[i][2] / 1e5);
        map.setView(at, Math.max(map.getZoom(), 16), { animate: false });
        first = openPopup({ camPoint: data.points[i], getLatLng: function () { return at; } }).catch(function () {});
        break;
      }
      // (drawn in a later task, once the popup has been painted: making thousands of markers holds the page)
      if (wanted) first.then(function () { requestAnimationFrame(function () { setTimeout(function () { drawMarkers(data); }, 0); }); });
      else drawMarkers(data);
    });

    function drawMarkers(data) {
      data.categories.forEach(function () { byCategory.push([]); });
      data.points.forEach(function (point) {
        var colour = options.colours[point[3]];
        var marker = L.circleMarker([point[1] / 1e5, point[2] / 1e5], {
          radius: 9, color: "#ffffff", weight: 2, fillColor: colour, fillOpacity: 0.95
        });
        marker.camPoint = point;
        marker.on("click", function () { openPopup(marker); });
        byCategory[point[3]].push(marker);
        if (!byId.has(point[0])) byId.set(point[0], []);
        byId.get(point[0]).push(marker);
      });
      var all = [].concat.apply([], byCategory);
      loaded = function () {
        // after the cluster group has finished its own bookkeeping for the last chunk
        window.setTimeout(function () {
          container.setAttribute("data-cam-ready", String(data.points.length));
        }, 0);
      };
      map.addLayer(cluster);
      cluster.addLayers(all);
      if (!all.length && loaded) { loaded(); }

      document.querySelectorAll(".cam-map-filter input[name=category]").forEach(function (box) {
        box.addEventListener("change", function () {
          var i = data.categories.indexOf(box.value);
          if (i < 0) return;
          if (box.checked) cluster.addLayers(byCategory[i]); else cluster.removeLayers(byCategory[i]);
        });
      });

      function showHash() {
        var markers = byId.get(hashId());
        if (!markers) return;
        map.setView(markers[0].getLatLng(), Math.max(map.getZoom(), 16), { animate: false });
        openPopup(markers[0]);
      }
      window.addEventListener("hashchange", showHash);
    }
  }

  CAM.map = { init: init };
})();
