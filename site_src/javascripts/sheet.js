/* Community Asset Map: the signposting sheet, built in the browser from ?ids=a,b,c.
   The address carries asset ids only. The heading and note a link worker types are shown on the page
   and printed, but never put in the address, stored, or sent anywhere.
   Record text is only ever set with textContent; the QR code is drawn from the sheet's address alone. */
(function () {
  "use strict";

  var CAM = window.CAM;
  var el = CAM.el;

  function safeWebsite(url) {
    url = String(url || "").trim();
    return /^https?:\/\//i.test(url) ? url : "";
  }

  /* One entry, in the same shape as the pre-built sheets (templates/macros.j2, sheet_entry). */
  function entry(id, card, t) {
    var article = el("article", "cam-sheet-entry");
    article.setAttribute("data-asset-id", id);
    var shown = card.lang || {};  // fields in another language than the page's
    var heading = el("h2", "cam-sheet-entry__name");
    var name = el("span", null, card.name || id);
    if (shown.name) name.lang = shown.name;
    heading.appendChild(name);
    if (card.status && card.status !== "active") {
      heading.appendChild(document.createTextNode(" (" + t("asset.status_" + card.status) + ")"));
    }
    article.appendChild(heading);
    if (card.summary) {
      var summary = el("p", "cam-sheet-entry__summary", card.summary);
      if (shown.summary) summary.lang = shown.summary;
      article.appendChild(summary);
    }
    var dl = el("dl", "cam-sheet-entry__facts");
    function fact(label, value) {
      dl.appendChild(el("dt", null, label));
      var dd = el("dd");
      if (typeof value === "string") dd.textContent = value;
      else value.forEach(function (part) { dd.appendChild(part); });
      dl.appendChild(dd);
    }
    if (card.sessions && card.sessions.length) fact(t("sheet.when"), card.sessions.join("; "));
    if (card.where && card.where.length) fact(t("sheet.where"), card.where.join("; "));
    else {
      var online = t("asset.online_phone_only");
      fact(t("sheet.where"), online === "asset.online_phone_only" ? card.online || "" : online);
    }
    if (card.cost) fact(t("sheet.cost"), card.cost);
    if (card.access) fact(t("sheet.how_to_access"), card.access + (card.first_visit ? " " + card.first_visit : ""));
    if (card.capacity) fact(t("capacity.heading"), card.capacity);
    if (card.changes && card.changes.length) fact(t("changes.heading"), card.changes.join(" "));
    if (card.accessibility && card.accessibility.length) fact(t("sheet.accessibility"), card.accessibility.join(", "));
    var contact = [];
    function link(label, href, text) {
      if (contact.length) contact.push(document.createTextNode(" "));
      var span = el("span", "cam-sheet-entry__contact");
      span.appendChild(document.createTextNode(label + ": "));
      var a = el("a", null, text);
      a.href = href;
      span.appendChild(a);
      contact.push(span);
    }
    if (card.phone) link(t("asset.phone"), "tel:" + String(card.phone).replace(/[^0-9+]/g, ""), card.phone);
    if (card.email) link(t("asset.email"), "mailto:" + card.email, card.email);
    var website = safeWebsite(card.website);
    if (website) link(t("asset.website"), website, card.website);
    if (contact.length) fact(t("sheet.contact"), contact);
    if (card.last_checked) fact(t("sheet.last_checked"), card.last_checked);
    article.appendChild(dl);
    return article;
  }

  /* The QR code as SVG elements, from the module grid of qrcode-generator; null when the address is
     too long for the largest code (qrcode-generator throws "code length overflow"). */
  function qrSvg(url, title) {
    var qr = window.qrcode(0, "M");
    qr.addData(url);
    try { qr.make(); } catch (e) { return null; }
    var count = qr.getModuleCount();
    var margin = 4;
    var size = count + margin * 2;
    var NS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + size + " " + size);
    svg.setAttribute("class", "cam-qr__svg");
    svg.setAttribute("role", "img");
    svg.setAttribute("shape-rendering", "crispEdges");
    var label = document.createElementNS(NS, "title");
    label.textContent = title;
    svg.appendChild(label);
    var bg = document.createElementNS(NS, "rect");
    bg.setAttribute("width", size);
    bg.setAttribute("height", size);
    bg.setAttribute("fill", "#fff");
    svg.appendChild(bg);
    var d = "";
    for (var r = 0; r < count; r++) {
      for (var c = 0; c < count; c++) {
        if (qr.isDark(r, c)) d += "M" + (c + margin) + " " + (r + margin) + "h1v1h-1z";
      }
    }
    var path = document.createElementNS(NS, "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "#000");
    svg.appendChild(path);
    return svg;
  }

  function start() {
    var opts = CAM.options("cam-sheet-options");
    var holder = document.getElementById("cam-sheet-entries");
    if (!opts || !holder) return;
    var asked = CAM.parseIds(new URLSearchParams(location.search).get("ids"));
    // A sheet shows (and fetches) at most CAM.SHEET_MAX entries, however long its address.
    var ids = asked.slice(0, CAM.SHEET_MAX);

    var form = document.querySelector(".cam-sheet__controls");
    var headingInput = document.getElementById("sheet-heading");
    var noteInput = document.getElementById("sheet-note");
    var title = document.getElementById("sheet-title");
    var noteOut = document.getElementById("sheet-note-out");
    var defaultHeading = title ? title.textContent : "";

    /* The form has nothing to send: pressing Enter must not reload the page (and drop the ids). */
    if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
    if (headingInput && title) {
      headingInput.addEventListener("input", function () {
        title.textContent = headingInput.value.trim() || defaultHeading;
      });
    }
    if (noteInput && noteOut) {
      noteInput.addEventListener("input", function () {
        noteOut.textContent = noteInput.value.trim();
        noteOut.hidden = !noteOut.textContent;
      });
    }

    CAM.strings.then(function (t) {
      var date = document.getElementById("sheet-date");
      if (date) {
        var today = opts.today;
        try { today = CAM.formatDate(new Date(), false); } catch (e) { /* keep the build date */ }
        date.textContent = t("sheet.printed_on", { date: today });
      }
      var share = document.querySelector(".cam-share");
      var footer = document.querySelector(".cam-sheet__footer");
      if (!ids.length) {
        holder.appendChild(el("p", "cam-sheet__none", t("sheet.none_selected")));
        if (share) share.hidden = true;
        if (footer) footer.hidden = true;
        ready(0);
        return;
      }
      if (asked.length > ids.length) {
        var capped = el("p", "cam-stale cam-noprint", t("sheet.too_many", { max: ids.length, count: asked.length }));
        capped.id = "sheet-capped";
        capped.setAttribute("role", "status");
        holder.parentNode.insertBefore(capped, holder);
      }
      var base = new URL(opts.data, location.href).href;
      return Promise.all(ids.map(function (id) {
        return fetch(base + id + ".json").then(function (r) {
          if (r.status === 404 || r.status === 410) return { id: id, gone: true };
          if (!r.ok) return { id: id, failed: true };
          return r.json().then(function (card) { return { id: id, card: card }; });
        }).catch(function () { return { id: id, failed: true }; });
      })).then(function (results) {
        var gone = [];
        var kept = [];
        results.forEach(function (result) {
          if (result.gone) { gone.push(result.id); return; }
          kept.push(result.id);
          if (result.card) holder.appendChild(entry(result.id, result.card, t));
          else {
            var article = el("article", "cam-sheet-entry");
            article.setAttribute("data-asset-id", result.id);
            article.appendChild(el("h2", "cam-sheet-entry__name", result.id));
            holder.appendChild(article);
          }
        });
        var missing = document.getElementById("sheet-missing");
        if (missing && gone.length) {
          missing.textContent = t("sheet.no_longer_listed", { ids: gone.join(", ") });
          missing.hidden = false;
        }
        if (!kept.length) {
          holder.appendChild(el("p", "cam-sheet__none", t("sheet.none_selected")));
          if (share) share.hidden = true;
          if (footer) footer.hidden = true;
          ready(0);
          return;
        }
        try {
          setUpSharing(location.origin + location.pathname + "?ids=" + kept.join(","), t);
        } finally {
          ready(kept.length);
        }
      });
    });
  }

  /* Marks the sheet as drawn (for tests and for anything waiting on it). */
  function ready(count) {
    var root = document.querySelector(".cam-sheet--dynamic");
    if (root) root.setAttribute("data-cam-ready", String(count));
  }

  function setUpSharing(url, t) {
    var qrHolder = document.getElementById("sheet-qr");
    var shortUrl = document.getElementById("sheet-url");
    if (shortUrl) shortUrl.textContent = url.replace(/^[a-z]+:\/\//i, "");
    if (qrHolder && window.qrcode) {
      qrHolder.textContent = "";
      var svg = qrSvg(url, t("sheet.scan"));
      if (svg) qrHolder.appendChild(svg);
      else {
        // No code can hold the address: say so in its place, instead of "Scan" beside an address too long to type.
        var figure = qrHolder.parentNode;
        qrHolder.hidden = true;
        figure.querySelectorAll("figcaption").forEach(function (caption) { caption.hidden = true; });
        figure.appendChild(el("p", "cam-qr__too-long cam-noprint", t("sheet.qr_too_long")));
      }
    }
    var body = t("sheet.share_body", { url: url });
    var email = document.getElementById("sheet-email");
    if (email) email.href = "mailto:?subject=" + encodeURIComponent(t("sheet.email_subject")) + "&body=" + encodeURIComponent(body);
    var sms = document.getElementById("sheet-sms");
    if (sms) sms.href = "sms:?&body=" + encodeURIComponent(body);
    var copy = document.getElementById("sheet-copy");
    var status = document.getElementById("sheet-share-status");
    if (copy) {
      copy.addEventListener("click", function () {
        function done() { if (status) status.textContent = t("sheet.copied"); }
        function fallback() {
          var field = document.createElement("textarea");
          field.value = url;
          field.setAttribute("readonly", "");
          field.className = "cam-sr-only";
          document.body.appendChild(field);
          field.select();
          var ok = false;
          try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
          document.body.removeChild(field);
          copy.focus();
          if (ok) done();
          else if (status) status.textContent = url;
        }
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, fallback);
        else fallback();
      });
    }
  }

  CAM.start(start);
})();
