/* Community Asset Map: small enhancements on every page. Record text is set with textContent only. */
(function () {
  "use strict";

  function lang() { return document.documentElement.lang === "cy" ? "cy-GB" : "en-GB"; }

  /* Asset pages: "Next: Tuesday 24 November" beside each regular session. */
  function showNextDates() {
    document.querySelectorAll("[data-schedule]").forEach(function (item) {
      var holder = item.querySelector(".cam-next");
      if (!holder || !window.CAMSchedule) return;
      var date = window.CAMSchedule.next(JSON.parse(item.getAttribute("data-schedule")));
      if (!date) return;
      var time = holder.querySelector("time");
      time.setAttribute("datetime", window.CAMSchedule.isoDate(date));
      time.textContent = window.CAMSchedule.format(date, lang());
      holder.hidden = false;
    });
  }

  /* Home page: what is on today, from the list of assets with a session on today's weekday. */
  function showToday() {
    var section = document.querySelector("[data-cam-today]");
    if (!section || !window.CAMSchedule) return;
    var status = section.querySelector(".cam-today__status");
    var list = section.querySelector("ul");
    var now = new Date();
    var url = section.getAttribute("data-cam-today") + "day-" + window.CAMSchedule.isoWeekday(now) + ".json";
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      var items = data.items.filter(function (item) {
        return item.ss.some(function (s) { return window.CAMSchedule.occursOn(s, now); });
      });
      items.sort(function (a, b) { return a.ss[0].s < b.ss[0].s ? -1 : a.ss[0].s > b.ss[0].s ? 1 : 0; });
      if (!items.length) { status.textContent = data.none; return; }
      status.textContent = "";
      items.forEach(function (item) {
        var todays = item.ss.filter(function (s) { return window.CAMSchedule.occursOn(s, now); });
        var li = document.createElement("li");
        li.className = "cam-card";
        var h = document.createElement("h3");
        h.className = "cam-card__title";
        var a = document.createElement("a");
        a.href = data.pages + encodeURIComponent(item.i) + "/";
        a.textContent = item.n;
        h.appendChild(a);
        li.appendChild(h);
        var p = document.createElement("p");
        p.textContent = todays.map(function (s) { return s.s + "–" + s.e; }).join(", ") + (item.t ? " · " + item.t : "");
        li.appendChild(p);
        list.appendChild(li);
      });
      list.hidden = false;
    }).catch(function () { /* keep the plain-text fallback */ });
  }

  function start() { showNextDates(); showToday(); }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
