/* Community Asset Map: small enhancements on every page. Record text is set with textContent only. */
(function () {
  "use strict";

  var CAM = window.CAM;

  /* Asset pages: "Next: Tuesday 24 November" beside each regular session. */
  function showNextDates() {
    CAM.strings.then(function () { document.querySelectorAll("[data-schedule]").forEach(showNext); });
  }

  function showNext(item) {
    var holder = item.querySelector(".cam-next");
    if (!holder) return;
    var session = JSON.parse(item.getAttribute("data-schedule"));
    var date = CAM.schedule.next(session);
    if (!date) return;
    // The <time> is made here, once its date is known: an empty <time> in the page is not valid HTML.
    var time = holder.querySelector("time") || holder.appendChild(document.createElement("time"));
    time.setAttribute("datetime", CAM.schedule.isoDate(date));
    time.textContent = CAM.formatDate(date, true);
    var times = CAM.schedule.timesOn(session, date);
    var place = CAM.schedule.placeOn(session, date);
    var venue = place && document.querySelector("#location-" + CSS.escape(place) + " strong");
    if (times[0] !== session.s || times[1] !== session.e || venue) {
      var where = holder.querySelector(".cam-next__changed") || holder.appendChild(document.createElement("span"));
      where.className = "cam-next__changed";
      where.textContent = ", " + times[0] + "–" + times[1] + (venue ? ", " + venue.textContent : "");
    }
    holder.hidden = false;
  }

  /* Home page: what is on today, from the list of assets with a session on today's weekday. */
  function showToday() {
    var section = document.querySelector("[data-cam-today]");
    if (!section) return;
    var status = section.querySelector(".cam-today__status");
    var list = section.querySelector("ul");
    var now = new Date();
    var url = section.getAttribute("data-cam-today") + "day-" + CAM.schedule.isoWeekday(now) + ".json";
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      CAM.addStrings({ today_none: data.none }, "home.");
      var items = data.items.filter(function (item) {
        return item.ss.some(function (s) { return CAM.schedule.occursOn(s, now); });
      });
      items.sort(function (a, b) { return a.ss[0].s < b.ss[0].s ? -1 : a.ss[0].s > b.ss[0].s ? 1 : 0; });
      if (!items.length) { status.textContent = CAM.t("home.today_none"); return; }
      status.textContent = "";
      var more = data.shown && data.all && data.more && items.length > data.shown;
      if (more) items = items.slice(0, data.shown);
      items.forEach(function (item) {
        var todays = item.ss.filter(function (s) { return CAM.schedule.occursOn(s, now); });
        var times = todays.map(function (s) { return CAM.schedule.timesOn(s, now).join("–"); }).join(", ") + (item.t ? " · " + item.t : "");
        list.appendChild(CAM.card({ href: data.pages + encodeURIComponent(item.i) + "/", name: item.n, nameLang: item.un, lines: [[null, times]] }));
      });
      list.hidden = false;
      if (more) {
        var link = CAM.el("a", null, data.more);
        link.href = section.getAttribute("data-cam-today").replace(/assets\/data\/$/, "") + data.all;
        var p = CAM.el("p", "cam-today__more");
        p.appendChild(link);
        list.parentNode.insertBefore(p, list.nextSibling);
      }
    }).catch(function () { /* keep the plain-text fallback */ });
  }

  /* The theme makes its search results panel a Tab stop (tabindex="0"), even while the panel is closed
     and invisible: Tab from the search box would move focus to nothing visible (WCAG 2.4.7). The results
     are links, so they stay reachable (and scroll into view) by Tab. */
  function fixSearchPanelFocus() {
    document.querySelectorAll(".md-search__scrollwrap").forEach(function (panel) {
      panel.setAttribute("tabindex", "-1");
    });
  }

  /* The theme's light/dark switch is a pair of radio buttons, each hidden behind the label after it. When
     the palette comes from the system setting, neither is checked, so Tab lands on the first and Shift+Tab
     on the last, whichever label is showing: focus could sit on an invisible switch. Checking (without a
     change event, so nothing is stored) the one for the system setting, whose label is the one shown,
     keeps focus on what is on screen. */
  function fixPaletteFocus() {
    var options = document.querySelectorAll("[data-md-component=palette] .md-option");
    var checked = Array.prototype.some.call(options, function (input) { return input.checked; });
    if (checked) return;
    for (var i = 0; i < options.length; i++) {
      var media = options[i].getAttribute("data-md-color-media");
      if (media && window.matchMedia(media).matches) { options[i].checked = true; return; }
    }
  }

  CAM.start(function () { fixSearchPanelFocus(); fixPaletteFocus(); showNextDates(); showToday(); });
})();
