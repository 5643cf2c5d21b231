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

  /* The facts of one card in t's language, into dl; the contact details too unless leaveOutContact. */
  function facts(dl, card, t, leaveOutContact) {
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
    var shown = card.lang || {};  // record text in another language than the card's
    /* Text, then record text in its own language (a span with lang when it has one). */
    function parts(pairs) {
      var out = [];
      pairs.forEach(function (pair) {
        if (!pair[0]) return;
        if (out.length) out.push(document.createTextNode(" "));
        var span = el("span", null, pair[0]);
        if (pair[1]) span.lang = pair[1];
        out.push(span);
      });
      return out;
    }
    if (card.access) fact(t("sheet.how_to_access"), parts([[card.access], [card.first_visit, shown.first_visit]]));
    if (card.capacity) fact(t("capacity.heading"), card.capacity);
    if (card.changes && card.changes.length) {
      fact(t("changes.heading"), parts([].concat.apply([], card.changes.map(function (change) {
        return [[change[0]], [change[1], shown.notes]];
      }))));
    }
    if (card.accessibility && card.accessibility.length) fact(t("sheet.accessibility"), card.accessibility.join(", "));
    if (!leaveOutContact) {
      var contact = contactLinks(card, t);
      if (contact.length) fact(t("sheet.contact"), contact);
    }
    if (card.last_checked) fact(t("sheet.last_checked"), card.last_checked);
  }

  /* The card's phone, email and website as labelled links (labels in t's language). */
  function contactLinks(card, t) {
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
    return contact;
  }

  /* The name, summary and facts of a card, into parent, in t's language. */
  function fill(parent, id, card, t, leaveOutContact) {
    var shown = card.lang || {};  // fields in another language than the card's
    var heading = el("h2", "cam-sheet-entry__name");
    var name = el("span", null, card.name || id);
    if (shown.name) name.lang = shown.name;
    heading.appendChild(name);
    if (card.status && card.status !== "active") {
      heading.appendChild(document.createTextNode(" (" + t("asset.status_" + card.status) + ")"));
    }
    parent.appendChild(heading);
    if (card.summary) {
      var summary = el("p", "cam-sheet-entry__summary", card.summary);
      if (shown.summary) summary.lang = shown.summary;
      parent.appendChild(summary);
    }
    var dl = el("dl", "cam-sheet-entry__facts");
    facts(dl, card, t, leaveOutContact);
    parent.appendChild(dl);
  }

  /* One entry, in the same shape as the pre-built sheets (templates/macros.j2, sheet_entry). */
  function entry(id, card, t) {
    var article = el("article", "cam-sheet-entry");
    article.setAttribute("data-asset-id", id);
    fill(article, id, card, t, false);
    return article;
  }

  /* One entry in two languages: a half for each (halves: [{card, t, lang}], in the order printed), then
     the contact details once, labelled in both. */
  function pairedEntry(id, halves) {
    var article = el("article", "cam-sheet-entry cam-sheet-entry--pair");
    article.setAttribute("data-asset-id", id);
    halves.forEach(function (half) {
      var part = el("div", "cam-sheet-entry__half");
      part.lang = half.lang;
      fill(part, id, half.card, half.t, true);
      article.appendChild(part);
    });
    var contact = contactLinks(halves[0].card, halves[0].t);
    if (contact.length) {
      var shared = el("dl", "cam-sheet-entry__facts cam-sheet-entry__shared");
      var label = el("dt");
      halves.forEach(function (half, i) {
        if (i) label.appendChild(document.createTextNode(" · "));
        var words = el("span", null, half.t("sheet.contact"));
        words.lang = half.lang;
        label.appendChild(words);
      });
      shared.appendChild(label);
      var dd = el("dd");
      dd.lang = halves[0].lang;
      contact.forEach(function (part) { dd.appendChild(part); });
      shared.appendChild(dd);
      article.appendChild(shared);
    }
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

  /* Each id's card from base (a language's asset data): [{id, card} or {id, gone} or {id, failed}]. */
  function fetchCards(base, ids) {
    return Promise.all(ids.map(function (id) {
      return fetch(base + id + ".json").then(function (r) {
        if (r.status === 404 || r.status === 410) return { id: id, gone: true };
        if (!r.ok) return { id: id, failed: true };
        return r.json().then(function (card) { return { id: id, card: card }; });
      }).catch(function () { return { id: id, failed: true }; });
    }));
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
    // a bilingual sheet (?both=1): the other language's half of each entry, and its strings
    var pair = opts.pair && typeof opts.pair === "object" ? opts.pair : null;
    var pairBox = document.getElementById("sheet-pair");
    var both = !!pair && new URLSearchParams(location.search).get("both") === "1";
    var other = null;
    if (pairBox) pairBox.checked = both;

    /* The heading typed, else the sheet's own, in both languages on a bilingual sheet. */
    function showTitle() {
      if (!title) return;
      var typed = headingInput ? headingInput.value.trim() : "";
      title.textContent = typed || defaultHeading;
      if (typed || !both || !other) return;
      var second = el("span", null, other.t("sheet.default_heading"));
      second.lang = pair.lang;
      if (pair.first) {
        title.textContent = " · " + defaultHeading;
        title.insertBefore(second, title.firstChild);
      } else {
        title.appendChild(document.createTextNode(" · "));
        title.appendChild(second);
      }
    }

    /* The form has nothing to send: pressing Enter must not reload the page (and drop the ids). */
    if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
    if (headingInput) headingInput.addEventListener("input", showTitle);
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
        if (pairBox) pairBox.disabled = true;
        ready(0);
        return;
      }
      if (asked.length > ids.length) {
        var capped = el("p", "cam-stale cam-noprint", t("sheet.too_many", { max: ids.length, count: asked.length }));
        capped.id = "sheet-capped";
        capped.setAttribute("role", "status");
        holder.parentNode.insertBefore(capped, holder);
      }
      var own = fetchCards(new URL(opts.data, location.href).href, ids);
      var lang = document.documentElement.lang || "";

      /* The other language's cards and strings, fetched the first time a bilingual sheet is drawn. */
      function otherLanguage() {
        if (other) return Promise.resolve(other);
        return Promise.all([
          fetchCards(new URL(pair.data, location.href).href, ids),
          CAM.stringsFrom(new URL(pair.strings, location.href).href)
        ]).then(function (got) {
          var cards = {};
          got[0].forEach(function (result) { if (result.card) cards[result.id] = result.card; });
          other = { cards: cards, t: got[1] };
          return other;
        });
      }

      function draw() {
        return Promise.all([own, both ? otherLanguage() : null]).then(function (got) {
          var results = got[0];
          var second = got[1];
          holder.textContent = "";
          showTitle();
          var gone = [];
          var kept = [];
          results.forEach(function (result) {
            if (result.gone) { gone.push(result.id); return; }
            kept.push(result.id);
            var card = result.card;
            if (card && second && second.cards[result.id]) {
              var halves = [{ card: card, t: t, lang: lang }, { card: second.cards[result.id], t: second.t, lang: pair.lang }];
              if (pair.first) halves.reverse();
              holder.appendChild(pairedEntry(result.id, halves));
            } else if (card) holder.appendChild(entry(result.id, card, t));
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
          var root = document.querySelector(".cam-sheet--dynamic");
          if (root) root.classList.toggle("cam-sheet--pair", !!second);
          if (!kept.length) {
            holder.appendChild(el("p", "cam-sheet__none", t("sheet.none_selected")));
            if (share) share.hidden = true;
            if (footer) footer.hidden = true;
            ready(0);
            return;
          }
          try {
            setUpSharing(location.origin + location.pathname + "?ids=" + kept.join(",") + (second ? "&both=1" : ""), t);
          } finally {
            ready(kept.length);
          }
        });
      }

      if (pairBox) {
        pairBox.addEventListener("change", function () {
          both = pairBox.checked;
          // the address says whether the sheet is bilingual, so that a link or QR code opens it the same way
          var params = new URLSearchParams(location.search);
          if (both) params.set("both", "1");
          else params.delete("both");
          var query = params.toString().replace(/%2C/gi, ",");  // ids=a,b,c, as every sheet's address has them
          history.replaceState(history.state, "", location.pathname + "?" + query + location.hash);
          draw();
        });
      }
      return draw();
    });
  }

  /* Marks the sheet as drawn (for tests and for anything waiting on it). */
  function ready(count) {
    var root = document.querySelector(".cam-sheet--dynamic");
    if (root) root.setAttribute("data-cam-ready", String(count));
  }

  var shared = { url: "" };  // the address the share buttons and the QR code give

  function setUpSharing(url, t) {
    var first = !shared.url;
    shared.url = url;
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
        if (!figure.querySelector(".cam-qr__too-long")) figure.appendChild(el("p", "cam-qr__too-long cam-noprint", t("sheet.qr_too_long")));
      }
    }
    var body = t("sheet.share_body", { url: url });
    var email = document.getElementById("sheet-email");
    if (email) email.href = "mailto:?subject=" + encodeURIComponent(t("sheet.email_subject")) + "&body=" + encodeURIComponent(body);
    var sms = document.getElementById("sheet-sms");
    if (sms) sms.href = "sms:?&body=" + encodeURIComponent(body);
    var copy = document.getElementById("sheet-copy");
    var status = document.getElementById("sheet-share-status");
    if (copy && first) {
      copy.addEventListener("click", function () {
        var url = shared.url;
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
