/* The /search/ page: the box, the filters, the order and the results, over the
   archive's search engine (ArchiveSearch, assets/search-engine.js).

   The search lives in the address: ?q=words&year=1998&place=Moscow&agency=AP (a filter
   may repeat) &sort=newest|oldest. Each change is a history entry (a burst of typing is
   one), so Back and Forward show the search of that entry. Result links are the site
   root (data-root) plus each result's URL, so they work under any base URL. Under
   `archivesite serve` the event archivesite:search-index says a new index is in place:
   the page searches it at once, or, while the reader is typing, offers to. */
(function () {
  "use strict";
  var FACETS = ["year", "place", "agency"];
  var SORTS = ["", "newest", "oldest"];
  var PAGE = 10;
  var FACET_SHOWN = 40; // places or agencies listed (by count); ticked ones always are
  var TYPING_MS = 1500; // edits closer than this are one history entry

  var root = document.getElementById("search");
  if (!root) return;
  var words = JSON.parse(document.getElementById("search-words").textContent);
  var lang = document.documentElement.lang || "en";
  var siteRoot = new URL(root.dataset.root, location.href);
  var form = document.getElementById("search-form");
  var box = document.getElementById("search-q");
  var statusLine = document.getElementById("search-status");
  var sortLine = document.getElementById("search-sort");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var panel = document.getElementById("search-filters");
  var notice = document.getElementById("search-notice");
  var noticeButton = notice.querySelector("button");
  var headerBox = document.getElementById("site-search-q");

  var engine = null;
  var showAll = {}; // facets whose every value is listed
  var state = fromAddress();
  var shown = 0; // results on the page
  var generation = 0; // the latest search asked for; older answers are dropped
  var typedAt = 0;
  var timer = 0;

  var wide = window.matchMedia("(min-width: 40.01rem)");
  // The page's language for counts, numbers and dates; a tag the browser cannot use
  // falls back to plain forms rather than stopping the page.
  function intl(make) {
    try { return make(); } catch (e) { return null; }
  }
  var plural = intl(function () { return new Intl.PluralRules(lang); });
  var numbers = intl(function () { return new Intl.NumberFormat(lang); });
  var dates = intl(function () {
    return new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" });
  });

  function count(n) {
    var text = (plural && words.results[plural.select(n)]) || words.results.other;
    return text.replace("{num}", numbers ? numbers.format(n) : String(n));
  }

  function dateText(iso) {
    if (!dates || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
    return dates.format(new Date(iso + "T00:00:00Z"));
  }

  // --- the address ---------------------------------------------------------------

  function fromAddress() {
    var p = new URLSearchParams(location.search);
    var filters = {};
    FACETS.forEach(function (name) {
      var values = p.getAll(name).filter(Boolean);
      if (values.length) filters[name] = values;
    });
    var sort = p.get("sort") || "";
    return { q: (p.get("q") || "").trim(), filters: filters, sort: SORTS.indexOf(sort) >= 0 ? sort : "" };
  }

  // The address of a search: other parameters kept, ours in one order, so the same
  // search is always the same address.
  function address(s) {
    var p = new URLSearchParams(location.search);
    ["q", "sort"].concat(FACETS).forEach(function (k) { p.delete(k); });
    if (s.q) p.set("q", s.q);
    FACETS.forEach(function (name) {
      (s.filters[name] || []).slice().sort().forEach(function (v) { p.append(name, v); });
    });
    if (s.sort) p.set("sort", s.sort);
    var query = p.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function remember(typing) {
    var href = address(state);
    if (href === address(fromAddress())) return;
    var now = Date.now();
    if (typing && now - typedAt < TYPING_MS) {
      history.replaceState(null, "", href);
    } else {
      history.pushState(null, "", href);
    }
    typedAt = typing ? now : 0;
  }

  // --- what the reader sees ------------------------------------------------------

  function say(text) {
    statusLine.textContent = text;
  }

  // The query in the title too, so history entries and tabs tell searches apart.
  var pageTitle = document.title;
  function titled() {
    document.title = state.q ? state.q + " · " + pageTitle : pageTitle;
  }

  function showSort() {
    sortLine.textContent = "";
    sortLine.appendChild(document.createTextNode(words.order + " "));
    SORTS.forEach(function (sort, i) {
      if (i) sortLine.appendChild(document.createTextNode(" · "));
      var a = document.createElement("a");
      a.textContent = words[sort || "relevance"];
      a.href = address({ q: state.q, filters: state.filters, sort: sort });
      if (sort === state.sort) a.setAttribute("aria-current", "true");
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        if (state.sort === sort) return;
        state.sort = sort;
        remember(false);
        showSort();
        run();
      });
      sortLine.appendChild(a);
    });
    sortLine.hidden = !state.q && !hasFilters();
  }

  function hasFilters() {
    return FACETS.some(function (name) { return (state.filters[name] || []).length > 0; });
  }

  function showFilters() {
    var facets = (engine && engine.facets) || {};
    var open = {};
    panel.querySelectorAll("details").forEach(function (d) {
      open[d.dataset.facet] = d.open;
      d.remove();
    });
    var any = false;
    FACETS.forEach(function (name, i) {
      var ticked = state.filters[name] || [];
      // Every year (in order); the places and agencies with the most articles, all of
      // them once asked for.
      var all = facets[name] || [];
      var cut = name !== "year" && !showAll[name] && all.length > FACET_SHOWN;
      var values = cut ? all.slice(0, FACET_SHOWN) : all.slice();
      ticked.forEach(function (v) {
        if (!values.some(function (e) { return e[0] === v; })) values.push([v, null]);
      });
      if (!values.length) return;
      any = true;
      var details = document.createElement("details");
      details.dataset.facet = name;
      // Open on a wide screen, folded on a narrow one (results first), open when ticked.
      var first = open[name] !== undefined ? open[name] : wide.matches;
      details.open = first || ticked.length > 0;
      var summary = document.createElement("summary");
      summary.textContent = words[name];
      var fieldset = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = words[name];
      fieldset.appendChild(legend);
      values.forEach(function (entry, j) {
        var input = document.createElement("input");
        input.type = "checkbox";
        input.name = name;
        input.value = entry[0];
        input.id = "filter-" + i + "-" + j;
        input.checked = ticked.indexOf(entry[0]) >= 0;
        var label = document.createElement("label");
        label.htmlFor = input.id;
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + entry[0]));
        if (entry[1] !== null) {
          var n = document.createElement("span");
          n.className = "n";
          n.textContent = " (" + (numbers ? numbers.format(entry[1]) : entry[1]) + ")";
          label.appendChild(n);
        }
        fieldset.appendChild(label);
      });
      details.appendChild(summary);
      details.appendChild(fieldset);
      if (cut) {
        var rest = document.createElement("button");
        rest.type = "button";
        rest.className = "search-all";
        rest.textContent = words.all.replace("{num}", numbers ? numbers.format(all.length) : all.length);
        rest.addEventListener("click", function () {
          showAll[name] = true;
          showFilters();
          var next = panel.querySelector("details[data-facet=" + name + "] input:not(:checked)");
          if (next) next.focus();
        });
        details.appendChild(rest);
      }
      panel.appendChild(details);
    });
    panel.hidden = !any;
  }

  function tickFilters() {
    panel.querySelectorAll("input[type=checkbox]").forEach(function (input) {
      input.checked = (state.filters[input.name] || []).indexOf(input.value) >= 0;
    });
  }

  function resultItem(r) {
    var li = document.createElement("li");
    li.className = "search-result";
    if (r.lang && r.lang !== lang) li.lang = r.lang;
    var h = document.createElement("h2");
    var a = document.createElement("a");
    var target = new URL(r.url, siteRoot);
    a.href = target.pathname + target.search + target.hash;
    a.textContent = r.title;
    h.appendChild(a);
    li.appendChild(h);
    var meta = document.createElement("p");
    meta.className = "meta";
    var parts = [];
    if (r.date) {
      var time = document.createElement("time");
      time.dateTime = r.date;
      time.textContent = dateText(r.date);
      parts.push(time);
    }
    ["place", "agency"].forEach(function (name) {
      if (!r[name]) return;
      var span = document.createElement("span");
      span.className = name;
      span.textContent = r[name];
      parts.push(span);
    });
    parts.forEach(function (node) { meta.appendChild(node); }); // spaced as an article's meta line
    if (parts.length) li.appendChild(meta);
    if (r.excerpt) {
      var p = document.createElement("p");
      p.className = "excerpt";
      p.innerHTML = r.excerpt; // HTML-safe by the engine's promise: text escaped, words in <mark>
      li.appendChild(p);
    }
    return li;
  }

  // --- searching -------------------------------------------------------------------

  function show() {
    box.value = state.q;
    if (headerBox) headerBox.value = state.q;
    tickFilters();
    showSort();
    run();
  }

  function run() {
    var mine = ++generation;
    titled();
    shown = 0;
    if (!engine) return;
    if (!state.q && !hasFilters()) {
      list.textContent = "";
      more.hidden = true;
      say("");
      return;
    }
    say(words.searching);
    fetchResults(mine, 0);
  }

  function fetchResults(mine, offset) {
    engine.search({ q: state.q, filters: state.filters, sort: state.sort || "relevance", offset: offset, limit: PAGE })
      .then(function (r) {
        if (mine !== generation) return;
        if (offset === 0) list.textContent = "";
        var first = null;
        r.results.forEach(function (hit) {
          var item = list.appendChild(resultItem(hit));
          first = first || item;
        });
        // After 'More results' the keyboard goes on from the first new result.
        if (offset > 0 && first) first.querySelector("a").focus();
        shown = offset + r.results.length;
        more.hidden = shown >= r.total;
        say(r.total ? count(r.total) : words.none);
      }, function (err) {
        if (mine !== generation) return;
        if (offset === 0) list.textContent = "";
        more.hidden = true;
        say(words.failed + " " + (err && err.message ? err.message : String(err)));
      });
  }

  // --- the reader's moves ----------------------------------------------------------

  function typed() {
    var q = box.value.trim();
    if (q === state.q) return;
    state.q = q;
    if (headerBox) headerBox.value = q;
    remember(true);
    showSort();
    run();
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(typed, 200);
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    typed();
    typedAt = 0;
  });
  panel.addEventListener("change", function (ev) {
    var t = ev.target;
    if (!t || t.type !== "checkbox") return;
    var values = (state.filters[t.name] || []).filter(function (v) { return v !== t.value; });
    if (t.checked) values.push(t.value);
    if (values.length) { state.filters[t.name] = values; } else { delete state.filters[t.name]; }
    remember(false);
    showSort();
    run();
  });
  more.addEventListener("click", function () {
    more.hidden = true;
    fetchResults(generation, shown);
  });
  window.addEventListener("popstate", function () {
    clearTimeout(timer);
    state = fromAddress();
    typedAt = 0;
    show();
  });

  // Under `archivesite serve`: a new index. Searched at once (the search is kept), unless
  // the reader is typing: then the notice offers it.
  function followIndex() {
    if (!engine) return start();
    engine.reload().then(function () {
      showFilters();
      tickFilters();
      run();
    }, function (err) {
      say(words.failed + " " + (err && err.message ? err.message : String(err)));
    });
  }
  noticeButton.addEventListener("click", function () {
    noticeButton.hidden = true;
    followIndex();
  });
  window.addEventListener("archivesite:search-index", function () {
    notice.hidden = false;
    if (document.activeElement === box) {
      noticeButton.hidden = false;
    } else {
      noticeButton.hidden = true;
      followIndex();
    }
  });

  function start() {
    if (typeof ArchiveSearch === "undefined") {
      say(words.failed + " assets/search-engine.js");
      return;
    }
    ArchiveSearch.open(new URL(root.dataset.index, location.href).href).then(function (e) {
      engine = e;
      showFilters();
      run();
    }, function (err) {
      say(words.failed + " " + (err && err.message ? err.message : String(err)));
    });
  }

  if (location.protocol === "file:") {
    // Browsers do not let a page opened from a file read other files: say so plainly.
    document.getElementById("search-file").hidden = false;
    form.hidden = true;
    return;
  }
  box.value = state.q;
  if (headerBox) headerBox.value = state.q;
  if (!state.q) box.focus();
  showSort();
  start();
})();
