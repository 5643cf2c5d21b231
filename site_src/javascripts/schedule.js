/* Community Asset Map: when does a regular session next happen? Computed on the visitor's device, in its
   local dates, with the meaning Python gives a schedule (generator/opendata/calendars.py: occurs and
   next_date; tests/test_schedule.py holds the two equal for every day of a year).
   A compact session is {f: "w"|"f"|"m", d: [ISO weekdays, Monday = 1], s: "HH:MM", e: "HH:MM",
   w: week of month (1-4, or -1 for last), a: "YYYY-MM-DD" (a date it happens on, for fortnightly)}.
   Fortnightly means every other week, weeks running Monday to Sunday and counted from the week of a,
   as the calendar files' RRULE says (FREQ=WEEKLY;INTERVAL=2;WKST=MO).
   Dated exceptions (the record's changes, and bank holidays for a session closed on them), when there are any:
   x: [["YYYY-MM-DD", "YYYY-MM-DD"], ...] inclusive ranges of days it does not happen;
   p: [[first, last, location id], ...] held elsewhere; t: [[first, last, "HH:MM", "HH:MM"], ...] other times.
   occursOn and next are the one place here that knows about them (calendars.occurs in Python). */
(function () {
  "use strict";

  if (window.CAM && window.CAM.schedule) return;  // loaded again (find support loads it in the page too)
  var DAY_MS = 86400000;

  function isoWeekday(date) { return ((date.getDay() + 6) % 7) + 1; }

  /* Days since 1970-01-01 of the local date: whole days whatever the clock changes in between. */
  function dayNumber(date) { return Math.floor(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / DAY_MS); }

  /* The day number of the Monday of date's week. */
  function mondayOf(date) { return dayNumber(date) - isoWeekday(date) + 1; }

  /* The entry of ranges ([first, last, ...], ISO dates) covering date, or null. */
  function during(ranges, date) {
    if (!ranges) return null;
    var iso = isoDate(date);
    for (var i = 0; i < ranges.length; i++) {
      if (ranges[i][0] <= iso && iso <= ranges[i][1]) return ranges[i];
    }
    return null;
  }

  function occursOn(session, date) {
    return regular(session, date) && !during(session.x, date);
  }

  /* The session's start and end on date: ["HH:MM", "HH:MM"], changed times included. */
  function timesOn(session, date) {
    var changed = during(session.t, date);
    return changed ? [changed[2], changed[3]] : [session.s, session.e];
  }

  /* The id of the location a moved session is held at on date, or null when it is at its usual place. */
  function placeOn(session, date) {
    var moved = during(session.p, date);
    return moved ? moved[2] : null;
  }

  function regular(session, date) {
    if (session.d.indexOf(isoWeekday(date)) < 0) return false;
    if (session.f === "w") return true;
    if (session.f === "f") {
      if (!session.a) return false;
      var parts = session.a.split("-");
      var anchor = new Date(+parts[0], +parts[1] - 1, +parts[2]);
      var weeks = (mondayOf(date) - mondayOf(anchor)) / 7;
      return weeks % 2 === 0;
    }
    if (session.f === "m") {
      var dom = date.getDate();
      if (session.w === -1) {
        var last = new Date(date.getFullYear(), date.getMonth() + 1, 0).getDate();
        return dom + 7 > last;
      }
      return Math.ceil(dom / 7) === session.w;
    }
    return false;
  }

  function minutes(hhmm) { var p = hhmm.split(":"); return +p[0] * 60 + +p[1]; }

  /* The next date (today included while the session has not yet ended), or null within 400 days. */
  function next(session, now) {
    now = now || new Date();
    var start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    for (var i = 0; i < 400; i++) {
      var day = new Date(start.getFullYear(), start.getMonth(), start.getDate() + i);
      if (!occursOn(session, day)) continue;
      if (i === 0 && now.getHours() * 60 + now.getMinutes() >= minutes(timesOn(session, day)[1])) continue;
      return day;
    }
    return null;
  }

  function format(date, lang) {
    return new Intl.DateTimeFormat(lang || "en-GB", { weekday: "long", day: "numeric", month: "long" }).format(date);
  }

  function isoDate(date) {
    var m = String(date.getMonth() + 1).padStart(2, "0");
    var d = String(date.getDate()).padStart(2, "0");
    return date.getFullYear() + "-" + m + "-" + d;
  }

  var CAM = window.CAM = window.CAM || {};
  CAM.schedule = {
    occursOn: occursOn, next: next, format: format, isoDate: isoDate, isoWeekday: isoWeekday,
    timesOn: timesOn, placeOn: placeOn
  };
})();

/* Open now and on this week (find support's filters), by the clock in Europe/London whatever the
   device's own time zone, as Python's calendars.open_at and on_in_week (tests/test_open_now.py holds
   them equal). Dates are tested with CAM.schedule.occursOn, so whatever it skips is skipped here too. */
(function () {
  "use strict";

  var CAM = window.CAM;
  if (CAM.schedule.openAt) return;  // loaded again
  /* Made when first asked for: a formatter with a time zone is slow to make (about 60 ms of every page's
     start-up with the CPU slowed four times, as on a cheap phone), and most pages never ask London's time. */
  var london = null;
  function londonFormat() {
    if (!london) {
      london = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/London", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", hourCycle: "h23"
      });
    }
    return london;
  }

  function minutes(hhmm) { var p = hhmm.split(":"); return +p[0] * 60 + +p[1]; }

  /* The London date (as a local Date at midnight of that calendar day) and minutes past midnight there. */
  function wallClock(instant) {
    var parts = {};
    londonFormat().formatToParts(new Date(instant === undefined ? Date.now() : instant)).forEach(function (p) {
      parts[p.type] = p.value;
    });
    return { date: new Date(+parts.year, +parts.month - 1, +parts.day), minute: +parts.hour * 60 + +parts.minute };
  }

  /* The start and end on date: other times on the days of a dated change, where timesOn knows them. */
  function times(session, date) {
    return CAM.schedule.timesOn ? CAM.schedule.timesOn(session, date) : [session.s, session.e];
  }

  function openAt(session, instant) {
    var now = wallClock(instant);
    if (!CAM.schedule.occursOn(session, now.date)) return false;
    var t = times(session, now.date);
    return minutes(t[0]) <= now.minute && now.minute < minutes(t[1]);
  }

  function onInWeek(session, instant) {
    var now = wallClock(instant);
    var ended = now.minute >= minutes(times(session, now.date)[1]);
    for (var i = 0; i < 7; i++) {
      var day = new Date(now.date.getFullYear(), now.date.getMonth(), now.date.getDate() + i);
      if (CAM.schedule.occursOn(session, day) && !(i === 0 && ended)) return true;
    }
    return false;
  }

  CAM.schedule.wallClock = wallClock;
  CAM.schedule.openAt = openAt;
  CAM.schedule.onInWeek = onInWeek;
})();
